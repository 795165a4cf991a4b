//! The daemon's own life: pidfile lock, sockets, daemonizing, shutdown.

use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Command, Stdio};

use crate::harness::*;

#[test]
fn second_daemon_on_same_config_refuses() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\n");
    let out = d.sandbox.run(&["daemon", "-n", "-c", &d.config()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("another taskmasterd is already running with this config (pid {}", d.pid)), "{err}");
    // The first one is unharmed.
    assert!(UnixStream::connect(d.sandbox.socket()).is_ok());
    d.shutdown_and_check();
}

#[test]
fn live_socket_is_never_stolen() {
    let sandbox = Sandbox::new();
    let _listener = UnixListener::bind(sandbox.socket()).unwrap();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\n");
    let out = sandbox.run(&["daemon", "-n", "-c", &sandbox.config_path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("another daemon is already listening on"), "{}", stderr(&out));
    assert!(sandbox.socket().exists());
}

#[test]
fn stale_socket_is_replaced() {
    let sandbox = Sandbox::new();
    drop(UnixListener::bind(sandbox.socket()).unwrap());
    assert!(sandbox.socket().exists());
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    let d = Daemon::start_in(sandbox);
    d.wait_state("app", "RUNNING");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(d.sandbox.socket()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the default [unix_server] chmod");
    d.shutdown_and_check();
}

#[test]
fn shutdown_by_each_signal_stops_children_and_cleans_up() {
    for signal in
        [nix::sys::signal::Signal::SIGTERM, nix::sys::signal::Signal::SIGINT, nix::sys::signal::Signal::SIGQUIT]
    {
        let mut d = Daemon::start(
            "[program.a]\ncommand = \"sleep 1000\"\nstartsecs = 0\npriority = 1\n\n\
             [program.b]\ncommand = \"sleep 1000\"\nstartsecs = 0\npriority = 2\n",
        );
        d.wait_state("a", "RUNNING");
        d.wait_state("b", "RUNNING");
        let pids = [d.pid_of("a").unwrap(), d.pid_of("b").unwrap()];
        d.signal(signal);
        assert_eq!(d.wait_exit(), 0);
        for pid in pids {
            assert!(!alive(pid), "{pid} survived {signal}");
        }
        assert!(!d.sandbox.socket().exists());
        let log = d.log();
        assert!(log.contains(&format!("received {signal} indicating exit request")), "{log}");
        // Reverse priority order: b (2) stops before a (1).
        let b = log.find("stopped: b").expect("b stopped");
        let a = log.find("stopped: a").expect("a stopped");
        assert!(b < a, "{log}");
    }
}

#[test]
fn shutdown_action() {
    let mut d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    d.wait_state("app", "RUNNING");
    let pid = d.pid_of("app").unwrap();
    assert_eq!(d.ctl_ok(&["shutdown"]), "Shut down\n");
    assert_eq!(d.wait_exit(), 0);
    assert!(!alive(pid));
}

#[test]
fn daemonized_mode_detaches_and_writes_its_pid() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    let config = sandbox.config_path().display().to_string();
    let status = Command::new(BIN)
        .args(["daemon", "-c", &config])
        .current_dir(sandbox.dir.path())
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let pid: i32 = sandbox.read("taskmasterd.pid").trim().parse().expect("pidfile holds a pid");
    let kill_on_failure = scopeguard(pid);
    let ctl = |args: &[&str]| {
        let mut all = vec!["ctl", "-c", &config];
        all.extend_from_slice(args);
        sandbox.run(&all)
    };
    assert_eq!(stdout(&ctl(&["pid"])).trim(), pid.to_string());
    // Detached: a new session, and the parent is not the test.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let (ppid, sid): (i32, i32) = (fields[1].parse().unwrap(), fields[4].parse().unwrap());
    assert_ne!(ppid as u32, std::process::id());
    assert_ne!(sid as u32, std::process::id());
    wait_until("app running", || stdout(&ctl(&["status", "app"])).contains("RUNNING"));
    let child: u32 = stdout(&ctl(&["pid", "app"])).trim().parse().unwrap();
    assert_eq!(stdout(&ctl(&["shutdown"])), "Shut down\n");
    wait_until("the daemon to exit", || !alive(pid as u32));
    assert!(!alive(child));
    assert!(!sandbox.path("taskmasterd.pid").exists());
    drop(kill_on_failure);
}

/// Kills a detached daemon if the test fails before it shut down.
struct KillOnDrop(i32);

fn scopeguard(pid: i32) -> KillOnDrop {
    KillOnDrop(pid)
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if alive(self.0 as u32) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0), nix::sys::signal::Signal::SIGKILL);
        }
    }
}

#[test]
fn daemonized_start_failure_is_reported_by_the_launcher() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\n");
    // A log file in a directory that does not exist: found only after the fork.
    let config = std::fs::read_to_string(sandbox.config_path())
        .unwrap()
        .replace("%(here)s/taskmasterd.log", "%(here)s/missing/dir/taskmasterd.log");
    std::fs::write(sandbox.config_path(), config).unwrap();
    let out = sandbox.run(&["daemon", "-c", &sandbox.config_path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("can't open the log file"), "{}", stderr(&out));
    assert!(!sandbox.socket().exists());
}

/// supervisord's options override the file's `[taskmasterd]` settings, and keep doing so across
/// a reread; one that would change behaviour and is not supported is refused with a reason.
#[test]
fn supervisord_command_line_options_override_the_file() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    let mut command = Command::new(BIN);
    command
        .args(["daemon", "-n", "-s", "-l", "other.log", "-j", "other.pid", "-e", "warn", "-y", "1MB", "-k", "-c"])
        .arg(sandbox.config_path());
    let d = Daemon::launch(sandbox, command);
    d.wait_state("app", "RUNNING");
    assert!(d.sandbox.path("other.pid").exists());
    assert!(d.sandbox.path("other.log").exists());
    assert!(!d.sandbox.path("taskmasterd.log").exists(), "the file's logfile was overridden");
    assert_eq!(d.ctl_ok(&["reread"]), "No config updates to processes\n");
    d.shutdown_and_check();

    let sandbox = Sandbox::new();
    sandbox.write_config("");
    let out = sandbox.run(&["daemon", "-n", "-t", "-c", "taskmaster.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("-t/--strip_ansi is not supported"), "{}", stderr(&out));
    let out = sandbox.run(&["daemon", "-n", "-e", "loud", "-c", "taskmaster.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'loud' is not one of"), "{}", stderr(&out));
}
