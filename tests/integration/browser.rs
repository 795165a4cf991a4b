//! A headless chromium driven through the DevTools protocol, for the dashboard's tests.
//!
//! The protocol goes over `--remote-debugging-pipe` (chromium reads commands on fd 3 and writes
//! answers and events on fd 4, each a JSON message ended by a NUL byte): no WebSocket, no port,
//! no driver binary, only serde_json. [`Browser::launch`] finds chromium, or fails in CI and
//! skips loudly elsewhere (as `reference::reference_venv` does for supervisord), and its `Drop`
//! kills the browser's whole process group.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::DEADLINE;

/// Where chromium is: `$TASKMASTER_CHROMIUM` (when set, only there), or `chromium` on the PATH.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TASKMASTER_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

pub struct Browser {
    child: Child,
    commands: File,
    messages: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A fresh headless chromium with a page open on `about:blank`, or None (after a loud
    /// SKIPPED line) when chromium is missing outside CI.
    #[track_caller]
    pub fn launch(test: &str) -> Option<Browser> {
        let Some(chromium) = find_chromium() else {
            let how = "chromium missing: run .ci/run, or apt-get install chromium, or set TASKMASTER_CHROMIUM";
            if std::env::var_os("CI").is_some() {
                panic!("{test}: {how}");
            }
            eprintln!("\n*** SKIPPED: {test} ({how}) ***\n");
            return None;
        };
        let profile = tempfile::Builder::new().prefix("tm-chromium").tempdir().expect("profile dir");
        let (command_read, command_write) = pipe();
        let (answer_read, answer_write) = pipe();
        let (to_fd3, to_fd4) = (command_read.as_raw_fd(), answer_write.as_raw_fd());
        let mut command = Command::new(chromium);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe",
                "--window-size=1280,800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        // SAFETY: between fork and exec the closure only calls async-signal-safe functions
        // (fcntl, dup2) on descriptors it owns, and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                // Out of the way of 3 and 4 first (a pipe end may be one of them), then into
                // place; dup2's copies are not close-on-exec.
                let a = libc::fcntl(to_fd3, libc::F_DUPFD_CLOEXEC, 10);
                let b = libc::fcntl(to_fd4, libc::F_DUPFD_CLOEXEC, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start chromium");
        drop(command_read);
        drop(answer_write);
        let (sender, messages) = channel();
        let reader = File::from(answer_read);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).map(|n| n > 0).unwrap_or(false) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && sender.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            child,
            commands: File::from(command_write),
            messages,
            next_id: 0,
            session: None,
            _profile: profile,
        };
        let target = browser.browser_call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = browser.browser_call("Target.attachToTarget", json!({ "targetId": target_id, "flatten": true }));
        browser.session = Some(attached["sessionId"].as_str().expect("sessionId").to_string());
        browser.call("Page.enable", json!({}));
        browser.viewport(1280, 800, false);
        Some(browser)
    }

    fn send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = Value::String(session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("write to chromium");
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.messages.recv_timeout(left) {
                Ok(answer) if answer["id"] == id => {
                    if let Some(error) = answer.get("error") {
                        panic!("chromium: {method} failed: {error}");
                    }
                    return answer["result"].clone();
                }
                Ok(_event) => {}
                Err(RecvTimeoutError::Timeout) => panic!("chromium did not answer {method} within {DEADLINE:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("chromium went away during {method}"),
            }
        }
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    /// A command to the page.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(method, params, session)
    }

    /// The page's viewport, as a desktop or as a phone.
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        let scale = if mobile { 2 } else { 1 };
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile }),
        );
    }

    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
    }

    /// Evaluates an expression in the page (awaiting a promise) and returns its value.
    #[track_caller]
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }));
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("page script failed: {expression}: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until an expression is truthy in the page, and returns its value.
    #[track_caller]
    pub fn wait_for(&mut self, what: &str, expression: &str) -> Value {
        let start = Instant::now();
        loop {
            let value = self.eval(expression);
            let truthy = !matches!(&value, Value::Null | Value::Bool(false)) && value != json!(0) && value != json!("");
            if truthy {
                return value;
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out after {DEADLINE:?} waiting in the browser for {what} ({expression})");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// A real mouse click in the middle of the element `selector` matches (scrolled into view),
    /// so a button hidden or covered would not be clicked.
    #[track_caller]
    pub fn click(&mut self, selector: &str) {
        let quoted = serde_json::to_string(selector).unwrap();
        let rect = self.eval(&format!(
            "(() => {{ const el = document.querySelector({quoted}); if (!el) return null; \
             el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2, r.width, r.height]; }})()"
        ));
        let rect = rect.as_array().unwrap_or_else(|| panic!("nothing on the page matches {selector}"));
        let (x, y) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
        assert!(rect[2].as_f64().unwrap() > 0.0, "{selector} is not visible");
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// A PNG of the viewport.
    pub fn screenshot(&mut self, path: &Path) {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().expect("data")).unwrap();
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group (renderers, zygotes) goes at once. The leader is not reaped yet, so
        // its pid, the group's id, cannot have been reused by another test's process.
        let group = nix::unistd::Pid::from_raw(-(self.child.id() as i32));
        let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).expect("pipe")
}
