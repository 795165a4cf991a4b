//! The interactive shell: scripted through a pipe, and interactive through a pseudo-terminal that
//! this module drives itself (nix's openpty; the shell gets it as its controlling terminal, so
//! Ctrl-C is a real SIGINT from the line discipline, as at a keyboard).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{LocalFlags, tcgetattr};

use crate::harness::*;

const APP_AND_WEB: &str = "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
                           [program.web]\ncommand = \"sleep 1000\"\nnumprocs = 2\nstartsecs = 0\n";

/// Runs `taskmaster ctl -c CONFIG ARGS...` with `input` as its stdin (a pipe).
fn script(d: &Daemon, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(["ctl", "-c", &d.config()])
        .args(args)
        .current_dir(d.sandbox.dir.path())
        .env_remove("TASKMASTER_CONFIG")
        .env("NO_COLOR", "1")
        .env("XDG_DATA_HOME", d.sandbox.path("xdg"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn taskmasterctl");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().expect("wait for taskmasterctl")
}

#[test]
fn scripted_lines_run_in_order_and_the_last_failure_is_the_exit_status() {
    let d = Daemon::start(APP_AND_WEB);
    d.wait_state("app", "RUNNING");
    let out = script(&d, &[], "status app\n\n# a comment\nstop nosuch\nversion\n");
    assert_eq!(out.status.code(), Some(1), "stop nosuch failed last: {}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("app ") && lines[0].contains("RUNNING"), "{text}");
    assert_eq!(lines[1..], ["nosuch: ERROR (no such process)", env!("CARGO_PKG_VERSION")], "{text}");
    assert!(!text.contains("taskmaster>") && !stderr(&out).contains("taskmaster>"), "no prompt: {text}");
    assert_eq!(text.matches("RUNNING").count(), 1, "no status banner: {text}");

    let out = script(&d, &[], "frobnicate\nversion\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unrecognized subcommand 'frobnicate'"), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), env!("CARGO_PKG_VERSION"), "a bad line does not stop the script");

    let out = script(&d, &[], "version\nexit\nstop nosuch\n");
    assert_eq!(out.status.code(), Some(0), "nothing after exit runs: {}", stderr(&out));
    let out = script(&d, &[], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    d.shutdown_and_check();
}

#[test]
fn scripted_help_is_the_command_line_help() {
    let d = Daemon::start(APP_AND_WEB);
    let out = script(&d, &[], "help stop\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cli = d.ctl(&["stop", "--help"]);
    assert!(cli.status.success());
    assert_eq!(stdout(&out), stdout(&cli));
    assert_eq!(stdout(&script(&d, &[], "stop --help\n")), stdout(&cli));
    let out = script(&d, &[], "help\n");
    assert!(stdout(&out).contains("Actions:") && stdout(&out).contains("  shutdown"), "{}", stdout(&out));
    d.shutdown_and_check();
}

#[test]
fn interactive_flag_runs_the_action_then_reads_commands() {
    let d = Daemon::start(APP_AND_WEB);
    d.wait_state("app", "RUNNING");
    let pid = d.pid_of("app").unwrap();
    let out = script(&d, &["-i", "version"], "pid app\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n{pid}\n", env!("CARGO_PKG_VERSION")));
    let out = script(&d, &["-i", "status", "nosuch"], "version\n");
    assert_eq!(out.status.code(), Some(4), "the action's failure counts");
    d.shutdown_and_check();
}

/// The shell's terminal: a pty whose slave is the child's controlling terminal.
struct Pty {
    master: File,
    child: Child,
    raw: Vec<u8>,
    /// How much of the cleaned output earlier expectations consumed.
    seen: usize,
}

/// Makes the child a session leader whose controlling terminal is its stdin (the pty slave), so
/// the line discipline sends it SIGINT on Ctrl-C.
fn take_terminal() -> std::io::Result<()> {
    nix::unistd::setsid()?;
    // SAFETY: TIOCSCTTY takes an integer argument; no memory is passed.
    if unsafe { libc::ioctl(0, libc::TIOCSCTTY, 0) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

impl Pty {
    /// Runs `taskmaster ctl -c CONFIG` on a fresh terminal.
    fn shell(sandbox: &Sandbox) -> Pty {
        let size = nix::pty::Winsize { ws_row: 50, ws_col: 160, ws_xpixel: 0, ws_ypixel: 0 };
        let pty = nix::pty::openpty(&size, None).expect("openpty");
        let mut command = Command::new(BIN);
        command
            .args(["ctl", "-c", &sandbox.config_path().display().to_string()])
            .current_dir(sandbox.dir.path())
            .env_remove("TASKMASTER_CONFIG")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("XDG_DATA_HOME", sandbox.path("xdg"))
            .stdin(Stdio::from(pty.slave.try_clone().unwrap()))
            .stdout(Stdio::from(pty.slave.try_clone().unwrap()))
            .stderr(Stdio::from(pty.slave));
        // SAFETY: take_terminal only calls setsid and ioctl, which are async-signal-safe, as a
        // pre_exec closure in a forked child must be.
        unsafe { command.pre_exec(take_terminal) };
        let child = command.spawn().expect("spawn the shell");
        // Our copies of the slave go with the command, so the master reads EIO once the shell exits.
        drop(command);
        Pty { master: File::from(pty.master), child, raw: Vec::new(), seen: 0 }
    }

    fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).expect("write to the pty");
    }

    /// Reads what the shell wrote, waiting until `until` at most. False once the shell is gone.
    fn fill(&mut self, until: Instant) -> bool {
        let left = until.saturating_duration_since(Instant::now()).min(Duration::from_secs(1));
        let timeout = PollTimeout::try_from(left).unwrap_or(PollTimeout::ZERO);
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => return true,
            Ok(_) => {}
            Err(e) => panic!("poll the pty: {e}"),
        }
        let mut buf = [0u8; 4096];
        match self.master.read(&mut buf) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
        }
    }

    /// The output so far as a person would read it: no escape sequences, no carriage returns.
    fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.raw);
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => match chars.next() {
                    Some('[') => {
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        for c in chars.by_ref() {
                            if c == '\x07' {
                                break;
                            }
                        }
                    }
                    _ => {}
                },
                '\r' | '\x07' => {}
                c => out.push(c),
            }
        }
        out
    }

    /// Waits until `needle` appears after what earlier expectations matched, and moves past it.
    #[track_caller]
    fn expect(&mut self, needle: &str) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let text = self.text();
            if let Some(i) = text[self.seen..].find(needle) {
                self.seen += i + needle.len();
                return;
            }
            if Instant::now() > deadline || !self.fill(deadline) {
                panic!("no {needle:?} in the shell's output after:\n{}", &text[self.seen..]);
            }
        }
    }

    /// Waits until the shell has taken the line just sent and left raw mode (the terminal is
    /// back to canonical mode with signals), so that Ctrl-C now raises SIGINT.
    #[track_caller]
    fn wait_command_running(&self) {
        wait_until("the shell to run the command", || {
            tcgetattr(&self.master).is_ok_and(|t| t.local_flags.contains(LocalFlags::ICANON | LocalFlags::ISIG))
        });
    }

    /// Waits for the shell to exit and returns its exit code.
    #[track_caller]
    fn exit_code(&mut self) -> i32 {
        let deadline = Instant::now() + DEADLINE;
        while self.fill(deadline) {
            assert!(Instant::now() < deadline, "the shell did not exit:\n{}", self.text());
        }
        let mut status = None;
        wait_until("the shell to exit", || {
            status = self.child.try_wait().expect("try_wait");
            status.is_some()
        });
        status.unwrap().code().unwrap_or(-1)
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[test]
fn shell_shows_status_on_entry_and_leaves_with_exit_or_ctrl_d() {
    let d = Daemon::start(APP_AND_WEB);
    d.wait_state("web_1", "RUNNING");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("app ");
    shell.expect("RUNNING");
    shell.expect("web:web_1");
    shell.expect("taskmaster> ");
    shell.send("version\r");
    shell.expect(env!("CARGO_PKG_VERSION"));
    shell.expect("taskmaster> ");
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);

    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("stop nosuch\r");
    shell.expect("nosuch: ERROR (no such process)");
    shell.expect("taskmaster> ");
    shell.send("\x04");
    assert_eq!(shell.exit_code(), 0, "Ctrl-D leaves with 0 whatever failed before");
    d.shutdown_and_check();
}

#[test]
fn tab_completes_actions_options_values_signals_and_names() {
    let d = Daemon::start(APP_AND_WEB);
    d.wait_state("web_1", "RUNNING");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("stat\t");
    shell.expect("taskmaster> status ");
    shell.send("web_\t\t");
    shell.expect("web_0  web_1");
    shell.expect("taskmaster> status web_");
    shell.send("1\r");
    shell.expect("web:web_1");
    shell.expect("RUNNING");
    shell.expect("taskmaster> ");

    shell.send("wait --st\t");
    shell.expect("taskmaster> wait --state ");
    shell.send("run\t");
    shell.expect("taskmaster> wait --state RUNNING ");
    shell.send("ap\t");
    shell.expect("taskmaster> wait --state RUNNING app ");
    shell.send("\r");
    shell.expect("app: ");
    shell.expect("taskmaster> ");

    shell.send("signal HU\t");
    shell.expect("taskmaster> signal HUP ");
    shell.send("web\t\t");
    shell.expect("web:*  web_0  web_1");
    shell.expect("taskmaster> signal HUP web");
    // Abandon the line rather than send the signal. (Keys typed after a Ctrl-C that rustyline
    // has not read yet are dropped with it, so the next keys wait for the new prompt.)
    shell.send("\x03");
    shell.expect("taskmaster> ");
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
    assert_eq!(d.state("web_0"), "RUNNING");
    d.shutdown_and_check();
}

#[test]
fn history_is_kept_across_sessions_and_searchable() {
    let config =
        "[taskmasterctl]\nprompt = \"tm\"\nhistory_file = \"%(here)s/hist/history\"\n\n".to_string() + APP_AND_WEB;
    let d = Daemon::start(&config);
    d.wait_state("app", "RUNNING");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("tm> ");
    shell.send("pid app\r");
    let pid = d.pid_of("app").unwrap().to_string();
    shell.expect(&pid);
    shell.expect("tm> ");
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
    let history = d.sandbox.read("hist/history");
    assert!(history.lines().any(|l| l == "pid app"), "{history}");

    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("tm> ");
    shell.send("\x12pid");
    shell.expect("pid app");
    shell.send("\r");
    shell.expect(&pid);
    shell.expect("tm> ");
    shell.send("\x04");
    assert_eq!(shell.exit_code(), 0);
    d.shutdown_and_check();
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line_and_an_unwritable_history_is_a_warning() {
    let d =
        Daemon::start(&("[taskmasterctl]\nhistory_file = \"%(here)s/plain/history\"\n\n".to_string() + APP_AND_WEB));
    std::fs::write(d.sandbox.path("plain"), "a file where a directory should be").unwrap();
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("bogus");
    shell.expect("bogus");
    shell.send("\x03");
    shell.expect("taskmaster> ");
    shell.send("version\r");
    shell.expect("warning: can't write the history file");
    shell.expect(env!("CARGO_PKG_VERSION"));
    shell.expect("taskmaster> ");
    assert!(!shell.text().contains("unrecognized subcommand"), "{}", shell.text());
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
    d.shutdown_and_check();
}

#[test]
fn ctrl_c_abandons_a_wait_and_the_process_keeps_running() {
    let d = Daemon::start(APP_AND_WEB);
    d.wait_state("app", "RUNNING");
    let pid = d.pid_of("app");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("wait --state STOPPED app\r");
    shell.wait_command_running();
    shell.send("\x03");
    shell.expect("interrupted");
    shell.expect("taskmaster> ");
    assert_eq!(d.state("app"), "RUNNING");
    assert_eq!(d.pid_of("app"), pid, "the process was not restarted either");
    shell.send("pid app\r");
    shell.expect(&pid.unwrap().to_string());
    shell.expect("taskmaster> ");
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0, "an interrupted command does not end the shell");
    d.shutdown_and_check();
}

/// A daemon run by hand (the harness's owns its sandbox), stopped on drop.
struct Foreground(Child);

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ =
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0.id() as i32), nix::sys::signal::Signal::SIGTERM);
        let _ = self.0.wait();
    }
}

#[test]
fn the_prompt_shows_a_daemon_that_went_away_and_came_back() {
    let mut d = Daemon::start(APP_AND_WEB);
    d.wait_state("app", "RUNNING");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    d.signal(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(d.wait_exit(), 0);
    shell.send("\r");
    shell.expect("taskmaster (not connected)> ");
    shell.send("status\r");
    shell.expect("no socket file at");
    shell.expect("taskmaster (not connected)> ");

    let config = d.config();
    let again = Foreground(
        Command::new(BIN)
            .args(["daemon", "-n", "-s", "-c", &config])
            .current_dir(d.sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the daemon again"),
    );
    wait_until("the daemon to serve again", || std::os::unix::net::UnixStream::connect(d.sandbox.socket()).is_ok());
    d.wait_state("app", "RUNNING");
    shell.send("\r");
    shell.expect("taskmaster> ");
    shell.send("status app\r");
    shell.expect("RUNNING");
    shell.expect("taskmaster> ");
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
    drop(again);
    assert!(!Path::new(&d.sandbox.socket()).exists(), "the second daemon cleaned up");
}

#[test]
fn ctrl_c_leaves_fg_and_tail_f_and_the_process_keeps_running() {
    let d = Daemon::start("[program.echo]\ncommand = \"cat\"\nstartsecs = 0\n");
    d.wait_state("echo", "RUNNING");
    let pid = d.pid_of("echo");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("fg echo\r");
    shell.wait_command_running();
    shell.send("hello\r");
    // Once as the terminal echoes the typing, once as cat's output through the daemon.
    shell.expect("hello");
    shell.expect("hello");
    shell.send("\x03");
    shell.expect("taskmaster> ");
    assert_eq!((d.state("echo").as_str(), d.pid_of("echo")), ("RUNNING", pid), "fg detached, nothing stopped");
    shell.send("tail -f echo\r");
    shell.wait_command_running();
    shell.expect("hello");
    shell.send("\x03");
    shell.expect("interrupted");
    shell.expect("taskmaster> ");
    assert_eq!(d.pid_of("echo"), pid);
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
    d.shutdown_and_check();
}

#[test]
fn shutdown_asks_first_in_the_shell_as_reload_does() {
    let mut d = Daemon::start(APP_AND_WEB);
    d.wait_state("app", "RUNNING");
    let mut shell = Pty::shell(&d.sandbox);
    shell.expect("taskmaster> ");
    shell.send("shutdown\r");
    shell.expect("Really shut the remote taskmasterd process down y/N? ");
    shell.send("n\r");
    shell.expect("taskmaster> ");
    assert_eq!(d.state("app"), "RUNNING", "a no leaves the daemon running");
    shell.send("shutdown\r");
    shell.expect("y/N? ");
    shell.send("y\r");
    shell.expect("Shut down");
    assert_eq!(d.wait_exit(), 0);
    shell.send("exit\r");
    assert_eq!(shell.exit_code(), 0);
}
