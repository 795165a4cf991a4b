//! The client's rough edges a new user meets: `--json` for every action that prints a result,
//! connection errors that say what is wrong, `fg`'s banner, a script's line numbers, and no
//! pidfile left by a failed start.

use std::os::unix::net::UnixListener;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::harness::*;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

#[test]
fn status_json_has_the_tables_fields_and_no_stale_exit_status() {
    let d = Daemon::start(
        "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [program.idle]\ncommand = \"sleep 1000\"\nautostart = false\n",
    );
    d.wait_state("app", "RUNNING");
    // A run that ended leaves an exit status; the next run must not show it.
    d.ctl_ok(&["stop", "app"]);
    let stopped = json_of(&d.ctl(&["status", "--json", "app"]));
    assert_eq!(stopped[0]["state"], "STOPPED");
    assert_eq!(stopped[0]["exit_status"], serde_json::json!({"signal": 15}), "{stopped}");
    assert_eq!(stopped[0]["uptime"], Value::Null);
    d.ctl_ok(&["start", "app"]);
    let list = json_of(&d.ctl(&["status", "--json"]));
    let app = &list[0];
    let pid = app["pid"].as_u64().expect("a pid");
    assert_eq!(app["name"], "app");
    assert_eq!(app["group"], "app");
    assert_eq!(app["state"], "RUNNING");
    assert_eq!(app["exit_status"], Value::Null, "the previous run's status: {app}");
    assert!(app["uptime"].is_u64(), "{app}");
    let description = app["description"].as_str().unwrap();
    assert!(description.starts_with(&format!("pid {pid}, uptime 0:00:")), "{description}");
    assert_eq!(list[1]["name"], "idle");
    assert_eq!(list[1]["description"], "Not started");
    // An unknown name: stdout stays one JSON document, the error goes to stderr.
    let out = d.ctl(&["status", "--json", "app", "nosuch"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json_of(&out).as_array().unwrap().len(), 1);
    assert!(stderr(&out).contains("nosuch: ERROR (no such process)"), "{}", stderr(&out));
    d.shutdown_and_check();
}

#[test]
fn every_action_that_prints_a_result_has_json() {
    let d = Daemon::start(
        "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [program.other]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n",
    );
    d.wait_state("app", "RUNNING");
    let result =
        |name: &str, message: &str| serde_json::json!({"name": name, "ok": true, "message": message, "error": null});
    let results = |args: &[&str]| {
        let out = d.ctl(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        json_of(&out)
    };
    assert_eq!(results(&["stop", "--json", "app"]), serde_json::json!([result("app", "stopped")]));
    assert_eq!(results(&["start", "--json", "app"]), serde_json::json!([result("app", "started")]));
    assert_eq!(
        results(&["restart", "--json", "app"]),
        serde_json::json!([result("app", "stopped"), result("app", "started")])
    );
    assert_eq!(results(&["signal", "--json", "CONT", "app"]), serde_json::json!([result("app", "signalled")]));
    assert_eq!(results(&["wait", "--json", "app"]), serde_json::json!([result("app", "RUNNING")]));
    let pid = d.pid_of("app").unwrap();
    assert_eq!(results(&["pid", "--json", "app"]), serde_json::json!([{"name": "app", "pid": pid}]));
    assert_eq!(results(&["pid", "--json"]), serde_json::json!([{"name": "taskmasterd", "pid": d.pid}]));
    assert_eq!(
        results(&["avail", "--json"]),
        serde_json::json!([
            {"name": "app", "group": "app", "in_use": true, "autostart": true, "priority": 999},
            {"name": "other", "group": "other", "in_use": true, "autostart": false, "priority": 999},
        ])
    );
    // Config changes: remove, reread, add, update.
    assert_eq!(results(&["remove", "--json", "other"]), serde_json::json!([result("other", "removed process group")]));
    assert_eq!(results(&["reread", "--json"]), serde_json::json!([result("other", "available")]));
    assert_eq!(results(&["add", "--json", "other"]), serde_json::json!([result("other", "added process group")]));
    assert_eq!(results(&["update", "--json"]), serde_json::json!([]));
    // A failure is a result too, with its error kind, and the exit code is the one without --json.
    let out = d.ctl(&["stop", "--json", "nosuch"]);
    assert_eq!(out.status.code(), d.ctl(&["stop", "nosuch"]).status.code());
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out),
        serde_json::json!([{"name": "nosuch", "ok": false, "message": "no such process", "error": "no_such_process"}])
    );
    d.shutdown_and_check();
}

#[test]
fn connection_errors_say_what_is_wrong() {
    let sandbox = Sandbox::new();
    let run = |socket: &std::path::Path| sandbox.run(&["ctl", "-s", &socket.display().to_string(), "status"]);

    // Not a socket: starting a daemon would not help, so no "is it running?".
    let file = sandbox.path("plain");
    std::fs::write(&file, "").unwrap();
    let out = run(&file);
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("is a regular file, not taskmasterd's socket"), "{err}");
    assert!(!err.contains("running?"), "{err}");

    // A socket nobody listens on: refused, and there the question fits.
    let stale = sandbox.path("stale.sock");
    drop(UnixListener::bind(&stale).unwrap());
    let err = stderr(&run(&stale));
    assert!(err.contains("connection refused (is it running?)"), "{err}");

    // No file at all.
    let out = run(&sandbox.path("missing.sock"));
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("no socket file at"), "{}", stderr(&out));

    // Permission denied: another user than the socket's owner (as root, nobody; else a socket
    // whose mode lets nobody in).
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nautostart = false\n");
    let socket = d.sandbox.socket().display().to_string();
    let mut command = Command::new(BIN);
    command.args(["ctl", "-s", &socket, "status"]).stdin(Stdio::null()).env("NO_COLOR", "1");
    if nix::unistd::geteuid().is_root() {
        command.uid(65534).gid(65534);
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.sandbox.socket(), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("permission denied connecting to taskmasterd at"), "{err}");
    assert!(!err.contains("running?"), "{err}");
    d.shutdown_and_check();
}

#[test]
fn without_a_config_the_error_names_the_socket_tried_and_the_search() {
    let sandbox = Sandbox::new();
    let mut command = Command::new(BIN);
    command
        .args(["ctl", "status"])
        .current_dir(sandbox.dir.path())
        .env_remove("TASKMASTER_CONFIG")
        .env("XDG_CONFIG_HOME", sandbox.path("config"))
        .env("XDG_RUNTIME_DIR", sandbox.path("run"))
        .stdin(Stdio::null());
    // Root's default socket is the machine's /run/taskmaster.sock, which another daemon may be
    // serving: as nobody, the default is under XDG_RUNTIME_DIR, this test's own.
    if nix::unistd::geteuid().is_root() {
        command.uid(65534).gid(65534).current_dir("/");
    }
    let out = command.output().unwrap();
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    let config_dir = sandbox.path("config/taskmaster/taskmaster.toml").display().to_string();
    assert!(err.contains("no config file was found (looked in $TASKMASTER_CONFIG, then ./taskmaster.toml"), "{err}");
    assert!(err.contains(&config_dir), "the XDG directory is searched: {err}");
    assert!(err.contains("so the default socket was tried"), "{err}");
}

#[test]
fn fg_says_how_to_detach_and_when_it_did() {
    let d = Daemon::start("[program.app]\ncommand = \"cat\"\nstartsecs = 0\n");
    d.wait_state("app", "RUNNING");
    let pid = d.pid_of("app");
    // stdin at its end: fg detaches at once, as Ctrl-D at a terminal does.
    let out = d.ctl_bounded(&["fg", "app"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("==> attached to app: its output follows"), "{err}");
    assert!(err.contains("Ctrl-C or Ctrl-D detaches <=="), "{err}");
    assert!(err.contains("==> detached from app; it keeps running <=="), "{err}");
    assert_eq!(stdout(&out), "", "the banner stays off stdout");
    assert_eq!((d.state("app").as_str(), d.pid_of("app")), ("RUNNING", pid));
    d.shutdown_and_check();
}

#[test]
fn a_scripts_errors_name_their_line() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    let mut child = Command::new(BIN)
        .args(["ctl", "-c", &d.config()])
        .current_dir(d.sandbox.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"version\nfrobnicate\n\nstop nosuch\nsignal BOGUS app\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("taskmasterctl: line 2: error: unrecognized subcommand 'frobnicate'"), "{err}");
    assert!(err.contains("taskmasterctl: line 4: 'stop nosuch' failed (exit status 1)"), "{err}");
    assert!(err.contains("taskmasterctl: line 5: 'signal BOGUS app' failed (exit status 1)"), "{err}");
    assert!(!err.contains("line 1:") && !err.contains("line 3:"), "{err}");
    d.shutdown_and_check();
}

#[test]
fn a_failed_start_leaves_no_pidfile() {
    let sandbox = Sandbox::new();
    let _listener = UnixListener::bind(sandbox.socket()).unwrap();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\n");
    let out = sandbox.run(&["daemon", "-n", "-c", &sandbox.config_path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("another daemon is already listening on"), "{}", stderr(&out));
    assert!(!sandbox.path("taskmasterd.pid").exists(), "an empty pidfile was left behind");
}
