//! supervisorctl 4.3 drives taskmasterd as it drives supervisord: every action, over the unix
//! socket (`supervisorctl -c supervisord.conf`) and over TCP (`-s http://127.0.0.1:PORT -u -p`),
//! with the same output (normalised for pids, times and the directory) and exit code as against
//! supervisord on the same config.
//!
//! Table-driven: each case is a list of supervisorctl command lines run in order against a fresh
//! pair of daemons (supervisord and taskmasterd, each in its own directory with its own free
//! port, running at once); every line's output and exit code are compared. The cases run a few
//! at a time. Actions whose output is the daemon's own log (`maintail`) or never ends
//! (`tail -f`, `maintail -f`, `fg`) are checked for what must agree: the exit code, and the
//! streamed bytes arriving.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, DEADLINE, wait_until};
use crate::reference::reference_venv;

const CONFIG: &str = r#"
[supervisord]
logfile = %(here)s/daemon.log
pidfile = %(here)s/daemon.pid
childlogdir = %(here)s
loglevel = info
nodaemon = true

[unix_http_server]
file = %(here)s/ctl.sock
username = admin
password = {SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4

[inet_http_server]
port = 127.0.0.1:PORT
username = admin
password = secret

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://%(here)s/ctl.sock
username = admin
password = secret

[program:sleeper]
command = sleep 1000
startsecs = 0
stdout_logfile = %(here)s/sleeper.out

[program:idle]
command = sleep 1000
autostart = false
startsecs = 0
stdout_logfile = %(here)s/idle.out

[program:echoer]
command = /bin/sh -c 'echo hello out; echo hello err >&2; exec sleep 1000'
startsecs = 0
stdout_logfile = %(here)s/echoer.out
stderr_logfile = %(here)s/echoer.err

[program:cat]
command = cat
startsecs = 0
stdout_logfile = %(here)s/cat.out

[program:missing]
command = /nonexistent/program
autostart = false
startretries = 0
stdout_logfile = %(here)s/missing.out

[group:grp]
programs = ga,gb

[program:ga]
command = sleep 1000
autostart = false
startsecs = 0
stdout_logfile = %(here)s/ga.out

[program:gb]
command = sleep 1000
autostart = false
startsecs = 0
stdout_logfile = %(here)s/gb.out
"#;

/// A program the `update` cases add to the file.
const EXTRA: &str = "\n[program:extra]\ncommand = sleep 1000\nstartsecs = 0\nstdout_logfile = %(here)s/extra.out\n";

/// One step of a case.
#[derive(Clone, Copy)]
enum Step {
    /// Run this command line against both daemons; compare output and exit code.
    Same(&'static str),
    /// The same, as sets of lines: supervisord lists a multi-process stop as each one ends.
    SameLines(&'static str),
    /// Run it; compare the exit code only (the output is the daemon's own log).
    ExitCode(&'static str),
    /// Append [`EXTRA`] to both config files and drop program `idle` from them.
    EditConfig,
    /// Wait until `status NAME` shows this state on both (after a reload).
    WaitState(&'static str, &'static str),
    /// Run a streaming command (`tail -f`, `maintail -f`), feed `cat` this line through the
    /// API, and wait until the stream shows it.
    Follow(&'static str),
    /// `fg cat` with this line on its stdin: the line reaches cat's log, and supervisorctl's exit
    /// code matches.
    Fg(&'static str),
    /// The daemon exits after this (shutdown): wait for both to be gone.
    WaitExit,
}

use Step::*;

/// The cases, grouped so that a few fresh daemon pairs cover every action (supervisord takes
/// about a second per running process to shut down, which bounds how many pairs are affordable).
const CASES: &[(&str, &[Step])] = &[
    (
        "status, pid, avail, version",
        &[
            Same("status"),
            Same("status sleeper"),
            Same("status grp:*"),
            Same("status nosuch"),
            Same("pid"),
            Same("pid sleeper"),
            Same("pid idle"),
            Same("pid nosuch"),
            Same("avail"),
            Same("version"),
        ],
    ),
    (
        "start, stop, restart, signal",
        &[
            Same("start idle"),
            Same("start idle"),
            Same("start nosuch"),
            Same("start missing"),
            Same("start grp:*"),
            Same("start grp:ga"),
            Same("status"),
            Same("signal CONT sleeper"),
            Same("signal 18 sleeper"),
            Same("signal BOGUS sleeper"),
            Same("signal CONT nosuch"),
            Same("signal CONT grp:*"),
            Same("restart sleeper"),
            Same("restart nosuch"),
            Same("stop sleeper"),
            Same("stop sleeper"),
            Same("stop nosuch"),
            Same("signal CONT sleeper"),
            Same("restart sleeper"),
            SameLines("stop all"),
            Same("status"),
        ],
    ),
    (
        "tail, clear, maintail",
        &[
            Same("tail echoer"),
            Same("tail echoer stderr"),
            Same("tail -4 echoer"),
            Same("tail nosuch"),
            Same("tail idle"),
            ExitCode("maintail"),
            ExitCode("maintail -100"),
            Same("clear echoer"),
            Same("tail echoer"),
            Same("clear nosuch"),
            Same("clear all"),
        ],
    ),
    (
        "tail -f, maintail -f, fg",
        &[Follow("tail -f cat"), Follow("maintail -f"), Fg("hello through fg"), Same("fg idle"), Same("fg nosuch")],
    ),
    ("reread, update", &[Same("reread"), Same("update"), EditConfig, Same("reread"), Same("update"), Same("status")]),
    (
        "add, remove",
        &[
            Same("add sleeper"),
            Same("add nosuch"),
            Same("remove sleeper"),
            Same("remove nosuch"),
            Same("remove idle"),
            Same("status idle"),
            Same("add idle"),
            EditConfig,
            Same("reread"),
            Same("add extra"),
            Same("status"),
        ],
    ),
    ("reload", &[Same("reload"), WaitState("sleeper", "RUNNING"), Same("status")]),
    ("shutdown", &[Same("shutdown"), WaitExit]),
    ("wrong password", &[Same("status")]),
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Transport {
    Unix,
    Tcp,
}

/// One daemon of a pair: its directory, port and process.
struct Side {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Side {
    fn start(program: &[PathBuf], taskmasterd: bool) -> Side {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::Builder::new().prefix("ctl").tempdir().unwrap();
        let port = free_port();
        let config = CONFIG.replace("PORT", &port.to_string());
        std::fs::write(dir.path().join("supervisord.conf"), config).unwrap();
        let mut command = Command::new(&program[0]);
        command.args(&program[1..]);
        if taskmasterd {
            command.arg("daemon");
        }
        let child = command
            .args(["-n", "-c"])
            .arg(dir.path().join("supervisord.conf"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let side = Side { dir, port, child: Some(child) };
        wait_until("the daemon to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", side.port)).is_ok() && side.dir.path().join("ctl.sock").exists()
        });
        side
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn ctl_command(&self, venv: &Path, transport: Transport, password: &str) -> Command {
        let mut command = Command::new(venv.join("bin/supervisorctl"));
        command.arg("-c").arg(self.path().join("supervisord.conf"));
        if transport == Transport::Tcp {
            command.args(["-s", &format!("http://127.0.0.1:{}", self.port), "-u", "admin", "-p", password]);
        } else if password != "secret" {
            command.args(["-u", "admin", "-p", password]);
        }
        command.current_dir(self.path()).stdin(Stdio::null());
        command
    }

    fn ctl(&self, venv: &Path, transport: Transport, password: &str, line: &str) -> (String, i32) {
        let out = run_bounded(self.ctl_command(venv, transport, password).args(line.split(' ')));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (normalise(&text, self.path()), out.status.code().unwrap_or(-1))
    }

    /// Feeds `cat` a line through the TCP API (what supervisorctl's `fg` does).
    fn feed_cat(&self, venv: &Path, line: &str) {
        let code = format!(
            "import xmlrpc.client as x; x.ServerProxy('http://admin:secret@127.0.0.1:{}/RPC2').supervisor.sendProcessStdin('cat', {line:?} + '\\n')",
            self.port
        );
        let out = run_bounded(Command::new(venv.join("bin/python")).args(["-c", &code]));
        assert!(out.status.success(), "sendProcessStdin: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Asks the daemon to stop, not waiting (`Drop` waits).
    fn terminate(&self) {
        if let Some(child) = &self.child {
            let group = nix::unistd::Pid::from_raw(-(child.id() as i32));
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGTERM);
        }
    }

    fn wait_exit(&mut self) {
        let mut child = self.child.take().unwrap();
        wait_until("the daemon to exit", || child.try_wait().unwrap().is_some());
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let group = nix::unistd::Pid::from_raw(-(child.id() as i32));
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGTERM);
            let start = Instant::now();
            while start.elapsed() < DEADLINE {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs a command that must finish within the deadline.
fn run_bounded(command: &mut Command) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("{command:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Pids, uptimes, dates and the directory become placeholders.
fn normalise(text: &str, dir: &Path) -> String {
    let mut out = text.replace(&*dir.to_string_lossy(), "$DIR");
    if let Ok(real) = dir.canonicalize() {
        out = out.replace(&*real.to_string_lossy(), "$DIR");
    }
    let words: Vec<String> = out
        .split('\n')
        .map(|line| {
            let mut tokens: Vec<String> = Vec::new();
            let mut previous = String::new();
            for token in line.split(' ') {
                let replaced = if previous == "pid" || line.trim().chars().all(|c| c.is_ascii_digit()) {
                    token.trim_end_matches(',').chars().all(|c| c.is_ascii_digit()).then(|| {
                        if token.is_empty() {
                            String::new()
                        } else {
                            format!("<pid>{}", if token.ends_with(',') { "," } else { "" })
                        }
                    })
                } else if previous == "uptime" {
                    Some("<uptime>".to_string())
                } else {
                    None
                };
                previous = token.to_string();
                tokens.push(replaced.unwrap_or_else(|| token.to_string()));
            }
            let line = tokens.join(" ");
            // `Nov 29 04:05 PM`, the stop time of a stopped process.
            let re_date = line.split("   ").map(|part| {
                let p = part.trim();
                let b = p.as_bytes();
                if b.len() == 15
                    && b[3] == b' '
                    && b[6] == b' '
                    && b[9] == b':'
                    && (p.ends_with("AM") || p.ends_with("PM"))
                {
                    part.replace(p, "<date>")
                } else {
                    part.to_string()
                }
            });
            re_date.collect::<Vec<_>>().join("   ")
        })
        .collect();
    words.join("\n")
}

type Seen = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

/// Collects what a child writes, in a thread.
fn collect(mut stdout: std::process::ChildStdout) -> (Seen, std::thread::JoinHandle<()>) {
    let seen = Seen::default();
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    (seen, reader)
}

/// Polls until `condition` holds (true) or the deadline passes (false).
fn wait_for(mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !condition() {
        if start.elapsed() > DEADLINE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// Runs one case against a fresh pair of daemons; the differences, if any.
fn run_case(venv: &Path, name: &str, steps: &[Step], transport: Transport) -> Vec<String> {
    let supervisord = vec![venv.join("bin/supervisord")];
    let taskmasterd = vec![PathBuf::from(BIN)];
    let mut sides = [Side::start(&supervisord, false), Side::start(&taskmasterd, true)];
    let password = if name == "wrong password" { "wrong" } else { "secret" };
    let mut problems = Vec::new();
    for step in steps {
        match *step {
            Same(line) | SameLines(line) | ExitCode(line) => {
                let [a, b] = [&sides[0], &sides[1]].map(|s| s.ctl(venv, transport, password, line));
                let same = match step {
                    Same(_) => a == b,
                    SameLines(_) => {
                        let lines = |t: &str| {
                            let mut l: Vec<String> = t.lines().map(str::to_string).collect();
                            l.sort();
                            l
                        };
                        a.1 == b.1 && lines(&a.0) == lines(&b.0)
                    }
                    _ => a.1 == b.1 && !b.0.trim().is_empty(),
                };
                if !same {
                    problems.push(format!(
                        "{name} ({transport:?}) `supervisorctl {line}`:\n--- supervisord (exit {}):\n{}\n--- taskmasterd (exit {}):\n{}",
                        a.1, a.0, b.1, b.0
                    ));
                }
            }
            EditConfig => {
                for side in &sides {
                    let path = side.path().join("supervisord.conf");
                    let text = std::fs::read_to_string(&path).unwrap();
                    let start = text.find("[program:idle]").unwrap();
                    let end = start + text[start..].find("\n\n").unwrap();
                    let edited = format!("{}{}{EXTRA}", &text[..start], &text[end + 2..]);
                    std::fs::write(&path, edited).unwrap();
                }
            }
            WaitState(process, state) => {
                for side in &sides {
                    wait_until(&format!("{process} {state}"), || {
                        side.ctl(venv, transport, password, &format!("status {process}")).0.contains(state)
                    });
                }
            }
            Follow(line) => {
                for side in &sides {
                    let mut command = side.ctl_command(venv, transport, password);
                    let mut child =
                        command.args(line.split(' ')).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
                    let (seen, reader) = collect(child.stdout.take().unwrap());
                    // The stream is open once its first bytes (the log's end) came; output
                    // made after that must follow.
                    wait_until(&format!("`{line}` to start"), || !seen.lock().unwrap().is_empty());
                    let marker = format!("followed-{}", std::process::id());
                    side.feed_cat(venv, &marker);
                    let expected = if line.starts_with("maintail") { "cat".to_string() } else { marker.clone() };
                    let ok = wait_for(|| {
                        let text = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
                        text.contains(&expected) && (line.starts_with("tail") || text.contains("INFO"))
                    });
                    let _ = child.kill();
                    let _ = child.wait();
                    let _ = reader.join();
                    if !ok {
                        problems.push(format!(
                            "{name} ({transport:?}) in {}: `{line}` never showed {expected:?}: {:?}",
                            side.path().display(),
                            String::from_utf8_lossy(&seen.lock().unwrap())
                        ));
                    }
                }
            }
            Fg(input) => {
                for side in &sides {
                    use std::io::Write;
                    let mut command = side.ctl_command(venv, transport, password);
                    let mut child = command
                        .args(["fg", "cat"])
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap();
                    let seen = collect(child.stdout.take().unwrap());
                    // Input typed into fg reaches the process, and its output comes back to fg;
                    // supervisorctl then waits for more input, so it is stopped by hand.
                    let mut stdin = child.stdin.take().unwrap();
                    stdin.write_all(format!("{input}\n").as_bytes()).unwrap();
                    let ok = wait_for(|| String::from_utf8_lossy(&seen.0.lock().unwrap()).contains(input));
                    let _ = child.kill();
                    let _ = child.wait();
                    drop(stdin);
                    let _ = seen.1.join();
                    if !ok {
                        problems.push(format!("{name} ({transport:?}) `fg cat` never echoed {input:?}"));
                    }
                }
            }
            WaitExit => {
                for side in &mut sides {
                    side.wait_exit();
                }
            }
        }
    }
    // Both stop at once; dropping them waits.
    for side in &sides {
        side.terminate();
    }
    problems
}

#[test]
fn supervisorctl_drives_taskmasterd_as_it_drives_supervisord() {
    let Some(venv) = reference_venv("supervisorctl_drives_taskmasterd_as_it_drives_supervisord") else {
        return;
    };
    let mut work: Vec<(&str, &[Step], Transport)> = Vec::new();
    for (name, steps) in CASES {
        for transport in [Transport::Unix, Transport::Tcp] {
            work.push((name, steps, transport));
        }
    }
    let work = std::sync::Mutex::new(work);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                loop {
                    let Some((name, steps, transport)) = work.lock().unwrap().pop() else { return };
                    let start = Instant::now();
                    let found = run_case(&venv, name, steps, transport);
                    eprintln!("case {name} ({transport:?}): {:?}", start.elapsed());
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{} differences:\n\n{}", problems.len(), problems.join("\n\n"));
}
