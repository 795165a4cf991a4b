//! The command line itself: argv[0] dispatch, check, exit codes without a daemon.

use std::process::Command;

use crate::harness::*;

#[test]
fn symlinked_names_select_daemon_and_ctl() {
    let sandbox = Sandbox::new();
    for name in ["taskmasterd", "taskmasterctl"] {
        std::os::unix::fs::symlink(BIN, sandbox.path(name)).unwrap();
        let out = Command::new(sandbox.path(name)).arg("--help").output().unwrap();
        assert!(out.status.success());
        assert!(stdout(&out).contains(&format!("Usage: {name}")), "{}", stdout(&out));
        let out = Command::new(sandbox.path(name)).arg("-v").output().unwrap();
        assert_eq!(stdout(&out).trim(), format!("{name} {}", env!("CARGO_PKG_VERSION")));
    }
}

/// `make install-compat` links supervisord's names to the binary: they select the daemon's and
/// the client's grammars.
#[test]
fn supervisord_names_select_daemon_and_ctl() {
    let sandbox = Sandbox::new();
    for (name, grammar) in [("supervisord", "taskmasterd"), ("supervisorctl", "taskmasterctl")] {
        std::os::unix::fs::symlink(BIN, sandbox.path(name)).unwrap();
        let out = Command::new(sandbox.path(name)).arg("-v").output().unwrap();
        assert_eq!(stdout(&out).trim(), format!("{grammar} {}", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn check_accepts_the_example_and_reports_errors_with_places() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/taskmaster.toml");
    let out = Sandbox::new().run(&["check", "-c", example]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("examples/taskmaster.toml: ok, taskmaster TOML ("), "{}", stdout(&out));

    let sandbox = Sandbox::new();
    std::fs::write(sandbox.config_path(), "[program.web]\ncomand = \"x\"\n").unwrap();
    let out = sandbox.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("taskmaster.toml:1:10: [program.web] command: is required"), "{err}");
    assert!(err.contains("taskmaster.toml:2:1: [program.web] comand: unknown key; did you mean 'command'?"), "{err}");
}

#[test]
fn ctl_exit_codes_without_a_daemon() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\n");
    let config = sandbox.config_path().display().to_string();
    let out = sandbox.run(&["ctl", "-c", &config, "status"]);
    assert_eq!(out.status.code(), Some(7), "no socket file");
    assert!(stderr(&out).contains("no socket file at"), "{}", stderr(&out));
    drop(std::os::unix::net::UnixListener::bind(sandbox.socket()).unwrap());
    let out = sandbox.run(&["ctl", "-c", &config, "status"]);
    assert_eq!(out.status.code(), Some(4), "socket with no listener");
    assert_eq!(stderr(&out).lines().count(), 1, "one line: {}", stderr(&out));
    assert!(stderr(&out).contains(&sandbox.socket().display().to_string()));
    let out = sandbox.run(&["ctl", "-c", &config, "frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "bad arguments");
    let out = sandbox.run(&["ctl", "-s", &sandbox.socket().display().to_string(), "start"]);
    assert_eq!(out.status.code(), Some(2), "missing NAME");
}

#[test]
fn status_exit_codes_and_json() {
    let d = Daemon::start(
        "[program.up]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n[program.down]\ncommand = \"sleep 1000\"\nautostart = false\n",
    );
    d.wait_state("up", "RUNNING");
    assert_eq!(d.ctl(&["status", "up"]).status.code(), Some(0));
    assert_eq!(d.ctl(&["status"]).status.code(), Some(3));
    let out = d.ctl(&["status", "nosuch"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(stdout(&out), "nosuch: ERROR (no such process)\n");
    let json: serde_json::Value = serde_json::from_slice(&d.ctl(&["status", "--json", "down"]).stdout).unwrap();
    assert_eq!(json[0]["state"], "STOPPED");
    d.shutdown_and_check();
}
