//! Fitting into a real host: sd_notify for systemd, syslog, the child subreaper, and the exit
//! policy of a container's daemon.

use std::ffi::OsStr;
use std::os::unix::net::UnixDatagram;

use crate::harness::*;

/// Receives datagrams until one satisfies `wanted`, within the harness deadline; returns it
/// and every message received before it.
#[track_caller]
fn receive_until(socket: &UnixDatagram, what: &str, wanted: impl Fn(&str) -> bool) -> (String, Vec<String>) {
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut before = Vec::new();
    let mut buf = vec![0; 65536];
    loop {
        let n = socket.recv(&mut buf).unwrap_or_else(|e| panic!("waiting for {what}: {e}; received {before:?}"));
        let message = String::from_utf8_lossy(&buf[..n]).into_owned();
        if wanted(&message) {
            return (message, before);
        }
        before.push(message);
    }
}

fn notify_program(sandbox: &Sandbox) {
    sandbox.write_config(
        "[program.app]\ncommand = \"sh -c 'echo N=${NOTIFY_SOCKET:-unset}; exec sleep 1000'\"\nstartsecs = 1\n",
    );
}

#[test]
fn sd_notify_ready_reloading_stopping_and_status() {
    let sandbox = Sandbox::new();
    notify_program(&sandbox);
    let notify = sandbox.path("notify.sock");
    let socket = UnixDatagram::bind(&notify).unwrap();
    let mut d = Daemon::start_with_env(sandbox, &[("NOTIFY_SOCKET", notify.as_os_str())]);

    let (ready, _) = receive_until(&socket, "READY=1", |m| m.contains("READY=1"));
    // Autostart spawned app before READY; it becomes RUNNING a second later.
    assert!(ready.lines().any(|l| l == "STATUS=1 process: 1 STARTING"), "{ready}");
    let (running, _) = receive_until(&socket, "a STATUS with app RUNNING", |m| m == "STATUS=1 process: 1 RUNNING");
    assert!(!running.contains("READY"), "{running}");
    d.wait_state("app", "RUNNING");
    // The variable is the daemon's alone: a child must not speak for it.
    wait_until("app's output", || d.sandbox.read("app-stdout.log").contains("N="));
    assert_eq!(d.sandbox.read("app-stdout.log"), "N=unset\n");

    // `reload`: RELOADING=1 (with the monotonic time systemd asks for), then READY=1.
    d.ctl_ok(&["reload"]);
    let (reloading, _) = receive_until(&socket, "RELOADING=1", |m| m.contains("RELOADING=1"));
    assert!(reloading.lines().any(|l| l.starts_with("MONOTONIC_USEC=")), "{reloading}");
    receive_until(&socket, "READY=1 after reload", |m| m.contains("READY=1"));

    // SIGHUP (systemd's ExecReload) brackets its update the same way.
    d.signal(nix::sys::signal::Signal::SIGHUP);
    receive_until(&socket, "RELOADING=1 on SIGHUP", |m| m.contains("RELOADING=1"));
    receive_until(&socket, "READY=1 after SIGHUP", |m| m.contains("READY=1"));

    d.signal(nix::sys::signal::Signal::SIGTERM);
    let (stopping, _) = receive_until(&socket, "STOPPING=1", |m| m.contains("STOPPING=1"));
    assert!(stopping.contains("STATUS=Stopping all processes"), "{stopping}");
    assert_eq!(d.wait_exit(), 0);
}

#[cfg(target_os = "linux")]
#[test]
fn sd_notify_to_an_abstract_socket() {
    use std::os::linux::net::SocketAddrExt;
    let sandbox = Sandbox::new();
    notify_program(&sandbox);
    // Unique per test run: the sandbox's own directory name.
    let name = format!("taskmaster-test-{}", sandbox.dir.path().file_name().unwrap().to_string_lossy());
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let socket = UnixDatagram::bind_addr(&address).unwrap();
    let value = format!("@{name}");
    let d = Daemon::start_with_env(sandbox, &[("NOTIFY_SOCKET", OsStr::new(&value))]);
    receive_until(&socket, "READY=1", |m| m.contains("READY=1"));
    d.shutdown_and_check();
}

#[test]
fn syslog_for_the_daemon_log_and_program_output() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.config_path(),
        "[unix_server]\nfile = \"%(here)s/tm.sock\"\n\n[taskmasterd]\nlogfile = \"syslog\"\n\
         pidfile = \"%(here)s/taskmasterd.pid\"\nchildlogdir = \"%(here)s\"\n\n\
         [program.chatty]\ncommand = \"sh -c 'echo to-out; echo to-err >&2; printf no-newline; exec sleep 1000'\"\n\
         startsecs = 0\nstdout_syslog = true\nstderr_syslog = true\n\n\
         [program.quiet]\ncommand = \"sh -c 'echo not-for-syslog; exec sleep 1000'\"\nstartsecs = 0\n",
    )
    .unwrap();
    let path = sandbox.path("devlog.sock");
    let socket = UnixDatagram::bind(&path).unwrap();
    let d = Daemon::start_with_env(sandbox, &[("TASKMASTER_SYSLOG_SOCKET", path.as_os_str())]);

    // The activity log: daemon facility (3), info (6) => <30>, tagged taskmasterd[PID].
    let tag = format!("taskmasterd[{}]: ", d.pid);
    let (started, _) = receive_until(&socket, "the start line", |m| m.contains("started with pid"));
    assert!(started.starts_with("<30>"), "{started}");
    assert!(started.contains(&tag), "{started}");
    // Program output: one datagram a line, tagged with the process name; stderr is daemon.err.
    let (out, _) = receive_until(&socket, "chatty's stdout", |m| m.ends_with("chatty: to-out"));
    assert!(out.starts_with("<30>"), "{out}");
    let (err, _) = receive_until(&socket, "chatty's stderr", |m| m.ends_with("chatty: to-err"));
    assert!(err.starts_with("<27>"), "{err}");
    // The log files still get everything.
    wait_until("chatty's stdout log", || d.sandbox.read("chatty-stdout.log") == "to-out\nno-newline");
    d.wait_state("quiet", "RUNNING");
    // The unfinished line goes out when the process exits.
    d.ctl_ok(&["stop", "chatty"]);
    let (rest, before) = receive_until(&socket, "the unfinished line", |m| m.ends_with("chatty: no-newline"));
    assert!(rest.starts_with("<30>"), "{rest}");
    assert!(before.iter().all(|m| !m.contains("not-for-syslog")), "{before:?}");
    d.shutdown_and_check();
}

#[cfg(target_os = "linux")]
#[test]
fn orphans_of_a_program_are_adopted_and_reaped() {
    let d = Daemon::start(
        "[program.parent]\ncommand = \"sh -c 'sleep 1000 & echo $! > orphan.pid'\"\nstartsecs = 0\n\
         autorestart = false\n",
    );
    d.wait_state("parent", "EXITED");
    wait_until("the orphan's pid", || d.sandbox.read("orphan.pid").trim().parse::<u32>().is_ok());
    let orphan: u32 = d.sandbox.read("orphan.pid").trim().parse().unwrap();
    let parent_of = |pid: u32| -> Option<u32> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status.lines().find_map(|l| l.strip_prefix("PPid:")).and_then(|p| p.trim().parse().ok())
    };
    wait_until("the orphan to be adopted by the daemon", || parent_of(orphan) == Some(d.pid));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(orphan as i32), nix::sys::signal::Signal::SIGKILL).unwrap();
    // Reaped, not left a zombie: its /proc entry goes away.
    wait_until("the orphan to be reaped", || !std::path::Path::new(&format!("/proc/{orphan}")).exists());
    assert!(d.log().contains(&format!("reaped unknown pid {orphan}")), "{}", d.log());
    d.shutdown_and_check();
}

/// An orphan still running when the daemon stops is stopped with it, not left to init.
#[cfg(target_os = "linux")]
#[test]
fn orphans_still_running_are_stopped_at_shutdown() {
    let mut d = Daemon::start(
        "[program.parent]\ncommand = \"sh -c 'sleep 1000 & echo $! > orphan.pid'\"\nstartsecs = 0\n\
         autorestart = false\n",
    );
    d.wait_state("parent", "EXITED");
    wait_until("the orphan's pid", || d.sandbox.read("orphan.pid").trim().parse::<u32>().is_ok());
    let orphan: u32 = d.sandbox.read("orphan.pid").trim().parse().unwrap();
    assert!(alive(orphan));
    d.signal(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(d.wait_exit(), 0);
    wait_until("the orphan to be stopped", || !alive(orphan));
    assert!(d.log().contains(&format!("stopping 1 orphan(s) of stopped programs: pids [{orphan}]")), "{}", d.log());
}

/// The harness's config with `extra` keys added to `[taskmasterd]`.
fn write_config_with(sandbox: &Sandbox, extra: &str, programs: &str) {
    sandbox.write_config(programs);
    let text = sandbox.read("taskmaster.toml").replacen("[taskmasterd]\n", &format!("[taskmasterd]\n{extra}\n"), 1);
    std::fs::write(sandbox.config_path(), text).unwrap();
}

#[test]
fn exit_with_program_ends_the_daemon_with_its_exit_code() {
    let sandbox = Sandbox::new();
    write_config_with(
        &sandbox,
        "exit_with_program = \"main\"",
        "[program.main]\ncommand = \"sh -c 'while [ ! -e go ]; do sleep 0.01; done; exit 7'\"\nstartsecs = 0\n\
         autorestart = false\n\n[program.helper]\ncommand = \"sleep 1000\"\nstartsecs = 0\n",
    );
    let mut d = Daemon::start_in(sandbox);
    d.wait_state("main", "RUNNING");
    d.wait_state("helper", "RUNNING");
    let helper = d.pid_of("helper").unwrap();
    // An operator's stop and start of the helper does not count; only main's own end does.
    d.ctl_ok(&["restart", "helper"]);
    let helper_again = d.pid_of("helper").unwrap();
    std::fs::write(d.sandbox.path("go"), "").unwrap();
    assert_eq!(d.wait_exit(), 7);
    assert!(!alive(helper) && !alive(helper_again), "the helper outlived the daemon");
    assert!(d.log().contains("main is EXITED and exit_with_program = \"main\": shutting down with exit code 7"));
    assert!(!d.sandbox.socket().exists());
}

#[test]
fn exit_when_all_fatal_ends_the_daemon_once_nothing_runs() {
    let sandbox = Sandbox::new();
    write_config_with(
        &sandbox,
        "exit_when_all_fatal = true",
        "[program.broken]\ncommand = \"sh -c 'while [ ! -e go ]; do sleep 0.01; done; exit 3'\"\n\
         startsecs = 100\nstartretries = 0\n",
    );
    let mut d = Daemon::start_in(sandbox);
    // It fails only once the test is connected, so the daemon's exit cannot beat the harness.
    std::fs::write(d.sandbox.path("go"), "").unwrap();
    assert_eq!(d.wait_exit(), 1);
    let log = d.log();
    assert!(log.contains("gave up: broken entered FATAL state"), "{log}");
    assert!(log.contains("exit_when_all_fatal is set: shutting down"), "{log}");
}

#[test]
fn exit_with_program_must_name_a_program() {
    let sandbox = Sandbox::new();
    write_config_with(&sandbox, "exit_with_program = \"mian\"", "[program.main]\ncommand = \"sleep 1\"\n");
    let out = sandbox.run(&["check", "-c", &sandbox.config_path().display().to_string()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("[taskmasterd] exit_with_program: no program named 'mian'; did you mean 'main'?"),
        "{}",
        stderr(&out)
    );
}

/// `make install` puts the systemd unit and the logrotate file where systemd and logrotate
/// look, with the installed binary's path; `make uninstall` takes them away.
#[test]
fn make_install_places_the_unit_and_the_logrotate_file() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dest = Sandbox::new();
    let make = |target: &str, prefix: &str| {
        let out = std::process::Command::new("make")
            .args(["-s", "-C", root, target])
            .arg(format!("PREFIX={prefix}"))
            .arg(format!("DESTDIR={}", dest.dir.path().display()))
            .arg(format!("BINARY={BIN}"))
            .output()
            .expect("run make");
        assert!(out.status.success(), "make {target}: {}", stderr(&out));
    };
    make("install-files", "/usr/local");
    let unit = dest.read("usr/local/lib/systemd/system/taskmaster.service");
    for line in [
        "Type=notify",
        "ExecStart=/usr/local/bin/taskmasterd -n -c /etc/taskmaster/taskmaster.toml",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "KillMode=mixed",
    ] {
        assert!(unit.lines().any(|l| l == line), "no {line:?} in the unit:\n{unit}");
    }
    let logrotate = dest.read("etc/logrotate.d/taskmaster");
    assert!(
        logrotate.contains("/usr/local/bin/taskmasterctl -c /etc/taskmaster/taskmaster.toml reopen"),
        "{logrotate}"
    );
    assert!(logrotate.contains("logfile_maxbytes = 0"), "{logrotate}");
    assert!(dest.path("usr/local/bin/taskmasterd").exists());
    make("uninstall", "/usr/local");
    assert!(!dest.path("usr/local/lib/systemd/system/taskmaster.service").exists());
    assert!(!dest.path("etc/logrotate.d/taskmaster").exists());

    // A user's own prefix keeps everything under it.
    make("install-files", "/home/someone/.local");
    assert!(dest.path("home/someone/.local/etc/logrotate.d/taskmaster").exists());
    assert!(
        dest.read("home/someone/.local/lib/systemd/system/taskmaster.service")
            .contains("ExecStart=/home/someone/.local/bin/taskmasterd")
    );
    assert!(!dest.path("etc/logrotate.d/taskmaster").exists());
}
