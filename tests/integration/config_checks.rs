//! Config mistakes a new user makes, and the host's directories: `umask = 022` reported with its
//! fix among the other errors, missing or unwritable directories warned about by `check` (errors
//! with `--strict`), a program whose log cannot be opened refused with the reason in its status,
//! and AUTO logs of an earlier run removed at start unless `nocleanup`.

use crate::harness::*;

fn check(sandbox: &Sandbox, extra: &[&str]) -> std::process::Output {
    let config = sandbox.config_path().display().to_string();
    let mut args = vec!["check", "-c", &config];
    args.extend_from_slice(extra);
    sandbox.run(&args)
}

#[test]
fn a_leading_zero_umask_is_reported_with_its_fix_among_the_other_errors() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.config_path(),
        "[taskmasterd]\numask = 022\n\n[program.web]\ncommand = \"x\"\nautostrat = true\nstartsecs = 010\n",
    )
    .unwrap();
    let out = check(&sandbox, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let file = sandbox.config_path().display().to_string();
    assert!(
        err.contains(&format!(
            "{file}:2:9: [taskmasterd] umask: 022 is not valid TOML (an integer cannot start with 0); write umask = \"022\""
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:6:1: [program.web] autostrat: unknown key")), "{err}");
    assert!(
        err.contains(
            "[program.web] startsecs: 010 is not valid TOML (an integer cannot start with 0); write startsecs = 10"
        ),
        "{err}"
    );
    assert!(err.contains("3 errors"), "{err}");
}

#[test]
fn check_warns_about_directories_and_strict_makes_them_errors() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.config_path(),
        "[unix_server]\nfile = \"%(here)s/run/tm.sock\"\n\n[taskmasterd]\nlogfile = \"%(here)s/logs/taskmasterd.log\"\n\
         pidfile = \"%(here)s/taskmasterd.pid\"\n\n[program.web]\ncommand = \"sleep 1\"\n\
         stdout_logfile = \"%(here)s/nowhere/web.log\"\nstderr_logfile = \"/dev/stderr\"\n",
    )
    .unwrap();
    let out = check(&sandbox, &[]);
    assert!(out.status.success(), "warnings only: {}", stderr(&out));
    let err = stderr(&out);
    for what in ["[taskmasterd] logfile", "[unix_server] file", "[program.web] stdout_logfile (process web)"] {
        assert!(err.contains(&format!("warning: {what}: ")), "{what}: {err}");
    }
    assert!(err.contains("logs does not exist"), "{err}");
    assert!(!err.contains("pidfile") && !err.contains("/dev/stderr"), "{err}");
    assert!(stdout(&out).contains("3 warnings"), "{}", stdout(&out));

    let out = check(&sandbox, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: [taskmasterd] logfile: "), "{err}");
    assert!(err.contains("3 errors in") && err.contains("(--strict)"), "{err}");

    for dir in ["run", "logs", "nowhere"] {
        std::fs::create_dir(sandbox.path(dir)).unwrap();
    }
    let out = check(&sandbox, &["--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_program_whose_log_cannot_be_opened_is_refused_with_the_reason() {
    let d = Daemon::start(
        "[program.lost]\ncommand = \"sleep 1000\"\nstartsecs = 0\nstartretries = 0\n\
         stdout_logfile = \"%(here)s/missing/lost.log\"\n\n[program.fine]\ncommand = \"sleep 1000\"\nstartsecs = 0\n",
    );
    d.wait_state("lost", "FATAL");
    d.wait_state("fine", "RUNNING");
    let lost = d.process("lost");
    let spawn_error = lost["spawn_error"].as_str().unwrap();
    let path = d.sandbox.path("missing/lost.log").display().to_string();
    assert!(spawn_error.starts_with(&format!("can't open its stdout log {path}: ")), "{spawn_error}");
    let table = d.ctl(&["status", "lost"]);
    assert!(stdout(&table).contains("can't open its stdout log"), "{}", stdout(&table));
    let start = d.ctl(&["start", "lost"]);
    assert!(stdout(&start).contains("lost: ERROR (spawn error)"), "{}", stdout(&start));
    // Once the directory exists, it starts.
    std::fs::create_dir(d.sandbox.path("missing")).unwrap();
    d.ctl_ok(&["start", "lost"]);
    assert_eq!(d.state("lost"), "RUNNING");
    d.shutdown_and_check();
}

#[test]
fn auto_logs_of_an_earlier_run_are_removed_at_start_unless_nocleanup() {
    for (nocleanup, kept) in [("", false), ("nocleanup = true\n", true)] {
        let sandbox = Sandbox::new();
        sandbox.write_config("[program.app]\ncommand = \"sh -c 'echo new; exec sleep 1000'\"\nstartsecs = 0\n");
        let text =
            sandbox.read("taskmaster.toml").replacen("[taskmasterd]\n", &format!("[taskmasterd]\n{nocleanup}"), 1);
        std::fs::write(sandbox.config_path(), text).unwrap();
        std::fs::write(sandbox.path("app-stdout.log"), "old\n").unwrap();
        std::fs::write(sandbox.path("app-stdout.log.1"), "older\n").unwrap();
        std::fs::write(sandbox.path("other-stdout.log"), "not ours\n").unwrap();
        let d = Daemon::start_in(sandbox);
        wait_until("app's output", || d.sandbox.read("app-stdout.log").contains("new"));
        let want = if kept { "old\nnew\n" } else { "new\n" };
        assert_eq!(d.sandbox.read("app-stdout.log"), want, "nocleanup: {kept}");
        assert_eq!(d.sandbox.path("app-stdout.log.1").exists(), kept);
        assert_eq!(d.sandbox.read("other-stdout.log"), "not ours\n", "only the config's AUTO logs go");
        d.shutdown_and_check();
        // They stay when the daemon stops.
    }
}
