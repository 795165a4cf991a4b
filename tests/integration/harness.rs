//! The shared harness: a temp dir, config and socket per test, the real `taskmaster` binary,
//! bounded waits on conditions (never fixed sleeps), and a `Drop` that stops the daemon and
//! kills whatever it left behind.

#![allow(dead_code)]

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_taskmaster");

/// How long any condition may take before a test fails. Generous: the machine is shared.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Polls `condition` until it holds or [`DEADLINE`] passes.
#[track_caller]
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    while !condition() {
        if start.elapsed() > DEADLINE {
            panic!("timed out after {DEADLINE:?} waiting for {what}");
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Whether a process exists (and is not a zombie).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) => {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_ok() && !cfg!(target_os = "linux")
        }
    }
}

/// When a process started, in clock ticks since boot (Linux; None elsewhere or once it is gone).
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command (which may hold spaces and parentheses): state is field 3,
    // starttime field 22.
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

/// A test's private directory with a config file.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox { dir: tempfile::Builder::new().prefix("tm").tempdir().expect("tempdir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn config_path(&self) -> PathBuf {
        self.path("taskmaster.toml")
    }

    pub fn socket(&self) -> PathBuf {
        self.path("tm.sock")
    }

    /// Writes the config: the daemon's files in the sandbox, then `programs`.
    pub fn write_config(&self, programs: &str) {
        let header = String::from(
            "[unix_server]\nfile = \"%(here)s/tm.sock\"\n\n[taskmasterd]\nlogfile = \"%(here)s/taskmasterd.log\"\n\
             pidfile = \"%(here)s/taskmasterd.pid\"\nchildlogdir = \"%(here)s\"\nloglevel = \"debug\"\n\n",
        );
        std::fs::write(self.config_path(), header + programs).expect("write config");
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// Runs `taskmaster ARGS...` in the sandbox and waits for it.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("TASKMASTER_CONFIG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run taskmaster")
    }
}

/// Whether a daemon answers a read-only request (`version`) on `socket`, within a short wait
/// (the caller retries until [`DEADLINE`]).
pub fn answers_a_request(socket: &Path) -> bool {
    use std::io::{BufRead, BufReader, Write};
    use taskmaster::protocol::{Request, RequestEnvelope, encode_line};
    let Ok(stream) = UnixStream::connect(socket) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
    if (&stream).write_all(&encode_line(&RequestEnvelope::new(Request::Version))).is_err() {
        return false;
    }
    let mut line = Vec::new();
    BufReader::new(&stream).read_until(b'\n', &mut line).is_ok_and(|_| line.ends_with(b"\n"))
}

/// A foreground daemon on a sandbox's config, shut down on drop.
pub struct Daemon {
    pub sandbox: Sandbox,
    child: Option<Child>,
    pub pid: u32,
    /// Every child pid seen through `status`, checked for leftovers on shutdown.
    seen_pids: std::cell::RefCell<Vec<u32>>,
    /// When each seen pid started (Linux), so that a pid reused since is never signalled.
    seen_starts: std::cell::RefCell<Vec<Option<u64>>>,
}

impl Daemon {
    /// Starts `taskmaster daemon -n` on a config made of `programs`, and waits until it serves.
    #[track_caller]
    pub fn start(programs: &str) -> Daemon {
        let sandbox = Sandbox::new();
        sandbox.write_config(programs);
        Daemon::start_in(sandbox)
    }

    #[track_caller]
    pub fn start_in(sandbox: Sandbox) -> Daemon {
        let mut command = Command::new(BIN);
        command.args(["daemon", "-n", "-s", "-c"]).arg(sandbox.config_path());
        Daemon::launch(sandbox, command)
    }

    /// Starts `taskmaster daemon -n` with these environment variables added.
    #[track_caller]
    pub fn start_with_env(sandbox: Sandbox, env: &[(&str, &std::ffi::OsStr)]) -> Daemon {
        let mut command = Command::new(BIN);
        command.args(["daemon", "-n", "-s", "-c"]).arg(sandbox.config_path());
        for (key, value) in env {
            command.env(key, value);
        }
        Daemon::launch(sandbox, command)
    }

    /// Starts the daemon the way `nohup` or `cmd &` in a script would: with some signals
    /// ignored, a disposition a careless daemon passes on to its children.
    #[track_caller]
    pub fn start_with_ignored_signals(sandbox: Sandbox) -> Daemon {
        let mut command = Command::new("sh");
        command.arg("-c").arg(format!(
            "trap '' INT QUIT HUP USR1 TERM; exec '{BIN}' daemon -n -s -c '{}'",
            sandbox.config_path().display()
        ));
        Daemon::launch(sandbox, command)
    }

    /// Starts the daemon from `command` (which must run `taskmaster daemon -n` on the sandbox's
    /// config), for tests that launch it in a hostile way.
    #[track_caller]
    pub fn launch(sandbox: Sandbox, mut command: Command) -> Daemon {
        let child = command
            .current_dir(sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn daemon");
        let pid = child.id();
        let mut daemon =
            Daemon { sandbox, child: Some(child), pid, seen_pids: Default::default(), seen_starts: Default::default() };
        let socket = daemon.sandbox.socket();
        let start = Instant::now();
        // Serving, not merely listening: the socket is bound before the rest of start-up (the
        // log file, the orphans of a predecessor, autostart), which can still fail or race a
        // test that moves the daemon's files as soon as this returns.
        while !answers_a_request(&socket) {
            if let Some(status) = daemon.child.as_mut().unwrap().try_wait().unwrap() {
                let mut stderr = String::new();
                use std::io::Read;
                daemon.child.as_mut().unwrap().stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
                panic!("daemon exited during start-up ({status}): {stderr}");
            }
            assert!(start.elapsed() < DEADLINE, "daemon did not serve its socket");
            std::thread::sleep(Duration::from_millis(5));
        }
        daemon
    }

    pub fn config(&self) -> String {
        self.sandbox.config_path().display().to_string()
    }

    /// Runs `taskmaster ctl -c CONFIG ARGS...`.
    pub fn ctl(&self, args: &[&str]) -> Output {
        let config = self.config();
        let mut all = vec!["ctl", "-c", &config];
        all.extend_from_slice(args);
        self.sandbox.run(&all)
    }

    /// Runs a ctl action that must finish within [`DEADLINE`] (a hang fails the test instead
    /// of stalling the suite).
    #[track_caller]
    pub fn ctl_bounded(&self, args: &[&str]) -> Output {
        let config = self.config();
        let mut child = Command::new(BIN)
            .args(["ctl", "-c", &config])
            .args(args)
            .current_dir(self.sandbox.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run taskmasterctl");
        let start = Instant::now();
        while child.try_wait().expect("try_wait").is_none() {
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                panic!("taskmasterctl {args:?} did not finish within {DEADLINE:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.wait_with_output().expect("output")
    }

    /// Runs a ctl action that must succeed, and returns its stdout.
    #[track_caller]
    pub fn ctl_ok(&self, args: &[&str]) -> String {
        let out = self.ctl(args);
        assert!(
            out.status.success(),
            "taskmasterctl {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every process as `status --json` reports it.
    #[track_caller]
    pub fn status(&self) -> Vec<Value> {
        let out = self.ctl(&["status", "--json"]);
        let list: Vec<Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("status --json: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        for p in &list {
            if let Some(pid) = p["pid"].as_u64() {
                let mut seen = self.seen_pids.borrow_mut();
                if !seen.contains(&(pid as u32)) {
                    seen.push(pid as u32);
                    self.seen_starts.borrow_mut().push(start_time(pid as u32));
                }
            }
        }
        list
    }

    #[track_caller]
    pub fn process(&self, name: &str) -> Value {
        self.status().into_iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no process {name} in status"))
    }

    pub fn state(&self, name: &str) -> String {
        self.process(name)["state"].as_str().unwrap_or_default().to_string()
    }

    pub fn pid_of(&self, name: &str) -> Option<u32> {
        self.process(name)["pid"].as_u64().map(|p| p as u32)
    }

    #[track_caller]
    pub fn wait_state(&self, name: &str, state: &str) {
        wait_until(&format!("{name} to be {state}"), || self.state(name) == state);
    }

    pub fn log(&self) -> String {
        self.sandbox.read("taskmasterd.log")
    }

    #[track_caller]
    pub fn wait_log(&self, needle: &str) {
        wait_until(&format!("the daemon log to contain {needle:?}"), || self.log().contains(needle));
    }

    /// Sends a signal to the daemon.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid as i32), signal).expect("signal daemon");
    }

    /// Waits for the daemon to exit and returns its exit code.
    #[track_caller]
    pub fn wait_exit(&mut self) -> i32 {
        let child = self.child.as_mut().expect("daemon child");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < DEADLINE, "daemon did not exit");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Shuts the daemon down with SIGTERM and checks it left nothing behind: exit code 0, no
    /// socket, no pidfile, and none of its children alive.
    #[track_caller]
    pub fn shutdown_and_check(mut self) {
        self.status();
        self.signal(nix::sys::signal::Signal::SIGTERM);
        assert_eq!(self.wait_exit(), 0, "daemon exit code");
        assert!(!self.sandbox.socket().exists(), "socket left behind");
        assert!(!self.sandbox.path("taskmasterd.pid").exists(), "pidfile left behind");
        for (pid, started) in self.seen_pids.borrow().iter().zip(self.seen_starts.borrow().iter()) {
            // The same process still there: a pid that exited long ago may name another test's.
            let same = !cfg!(target_os = "linux") || (started.is_some() && start_time(*pid) == *started);
            assert!(!(same && alive(*pid)), "child {pid} outlived the daemon");
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let _ =
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill();
        let _ = child.wait();
        // Whatever survived (a daemon killed mid-test): kill each child's process group. A
        // group outlives its leader, and its id is not reused while it has members; but a
        // pid now naming another process (started later) may lead another test's group.
        for (pid, started) in self.seen_pids.borrow().iter().zip(self.seen_starts.borrow().iter()) {
            let now = start_time(*pid);
            if now.is_some() && now != *started {
                continue;
            }
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(-(*pid as i32)), nix::sys::signal::Signal::SIGKILL);
        }
    }
}

/// stdout of an Output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A file in `dir` a test program writes, quoted for a TOML string inside `sh -c '...'`.
pub fn shell_path(path: &Path) -> String {
    path.display().to_string()
}
