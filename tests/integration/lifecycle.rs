//! Every state transition of supervisord's model, through the real daemon.

use crate::harness::*;

#[test]
fn starting_then_running_after_startsecs() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 1\n");
    // STARTING is seen first unless the machine stalled for a whole second.
    let first = d.state("app");
    assert!(first == "STARTING" || first == "RUNNING", "{first}");
    d.wait_state("app", "RUNNING");
    d.wait_log("success: app entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)");
    let table = d.ctl_ok(&["status", "app"]);
    assert!(table.starts_with("app "), "{table}");
    assert!(
        table.contains("RUNNING") && table.contains(&format!("pid {}, uptime ", d.pid_of("app").unwrap())),
        "{table}"
    );
    d.shutdown_and_check();
}

#[test]
fn early_exit_backs_off_then_gives_up() {
    let d = Daemon::start("[program.flap]\ncommand = \"sh -c 'exit 0'\"\nstartsecs = 5\nstartretries = 2\n");
    d.wait_state("flap", "FATAL");
    let log = d.log();
    assert_eq!(log.matches("spawned: 'flap'").count(), 3, "{log}");
    assert!(log.contains("exited: flap (exit status 0; not expected)"), "{log}");
    assert!(log.contains("gave up: flap entered FATAL state, too many start retries too quickly"), "{log}");
    let out = d.ctl(&["status", "flap"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("Exited too quickly"), "{}", stdout(&out));
    // A manual start leaves FATAL; exiting before startsecs is a spawn error, as supervisord's
    // (exit code 7: the program is not running).
    let out = d.ctl(&["start", "flap"]);
    assert_eq!(stdout(&out), "flap: ERROR (spawn error)\n");
    assert_eq!(out.status.code(), Some(7));
    d.shutdown_and_check();
}

#[test]
fn unexpected_exit_restarts_expected_exit_does_not() {
    let d = Daemon::start(
        "[program.bad]\ncommand = \"sh -c 'sleep 0.3; exit 3'\"\nstartsecs = 0\n\n\
         [program.good]\ncommand = \"sh -c 'sleep 0.3; exit 0'\"\nstartsecs = 0\n",
    );
    d.wait_log("exited: good (exit status 0; expected)");
    d.wait_log("exited: bad (exit status 3; not expected)");
    d.wait_until_spawned_twice("bad");
    d.wait_state("good", "EXITED");
    assert_eq!(d.log().matches("spawned: 'good'").count(), 1);
    // The plain status shows when it exited, as supervisorctl; --json says how.
    let out = d.ctl(&["status", "good"]);
    assert!(!stdout(&out).contains("exit status"), "{}", stdout(&out));
    assert_eq!(d.process("good")["exit_status"]["code"], 0, "{:?}", d.process("good"));
    d.shutdown_and_check();
}

trait SpawnCount {
    fn wait_until_spawned_twice(&self, name: &str);
}

impl SpawnCount for Daemon {
    #[track_caller]
    fn wait_until_spawned_twice(&self, name: &str) {
        let needle = format!("spawned: '{name}'");
        wait_until(&format!("{name} spawned twice"), || self.log().matches(&needle).count() >= 2);
    }
}

#[test]
fn autorestart_true_and_false() {
    let d = Daemon::start(
        "[program.always]\ncommand = \"sh -c 'sleep 0.2'\"\nstartsecs = 0\nautorestart = true\n\n\
         [program.never]\ncommand = \"sh -c 'sleep 0.2; exit 7'\"\nstartsecs = 0\nautorestart = false\n",
    );
    d.wait_until_spawned_twice("always");
    d.wait_state("never", "EXITED");
    d.wait_log("exited: never (exit status 7; not expected)");
    assert_eq!(d.log().matches("spawned: 'never'").count(), 1);
    d.shutdown_and_check();
}

#[test]
fn death_by_signal_is_unexpected() {
    let d = Daemon::start("[program.victim]\ncommand = \"sleep 1000\"\nstartsecs = 0\nexitcodes = [0, 1]\n");
    d.wait_state("victim", "RUNNING");
    let pid = d.pid_of("victim").unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGKILL).unwrap();
    d.wait_log("exited: victim (terminated by SIGKILL; not expected)");
    wait_until("a new pid", || d.pid_of("victim").is_some_and(|p| p != pid));
    d.shutdown_and_check();
}

#[test]
fn spawn_error_goes_through_backoff_to_fatal() {
    let d = Daemon::start("[program.ghost]\ncommand = \"no-such-command-xyz --flag\"\nstartretries = 1\n");
    d.wait_state("ghost", "FATAL");
    assert!(d.log().contains("spawnerr: can't find command 'no-such-command-xyz'"), "{}", d.log());
    let out = d.ctl(&["status"]);
    assert!(stdout(&out).contains("FATAL     can't find command 'no-such-command-xyz'"), "{}", stdout(&out));
    // A start checks the command first, as supervisord does.
    let out = d.ctl(&["start", "ghost"]);
    assert_eq!(stdout(&out), "ghost: ERROR (no such file)\n");
    assert_eq!(out.status.code(), Some(1));
    d.shutdown_and_check();
}

#[test]
fn stop_start_restart_and_their_errors() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    d.wait_state("app", "RUNNING");
    let first = d.pid_of("app").unwrap();
    assert_eq!(d.ctl_ok(&["stop", "app"]), "app: stopped\n");
    assert!(!alive(first));
    assert_eq!(d.state("app"), "STOPPED");
    d.wait_log("stopped: app (terminated by SIGTERM)");
    let out = d.ctl(&["stop", "app"]);
    // supervisorctl's stop and start exit 0 when the process is already where they would take it.
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("app: ERROR (not running)\n", Some(0)));
    assert_eq!(d.ctl_ok(&["start", "app"]), "app: started\n");
    let second = d.pid_of("app").unwrap();
    let out = d.ctl(&["start", "app"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("app: ERROR (already started)\n", Some(0)));
    assert_eq!(d.ctl_ok(&["restart", "app"]), "app: stopped\napp: started\n");
    let third = d.pid_of("app").unwrap();
    assert!(second != third && !alive(second));
    d.shutdown_and_check();
}

#[test]
fn stopping_a_backoff_process_makes_it_stopped() {
    let d = Daemon::start("[program.flap]\ncommand = \"sh -c 'exit 1'\"\nstartsecs = 10\nstartretries = 100\n");
    d.wait_state("flap", "BACKOFF");
    assert_eq!(d.ctl_ok(&["stop", "flap"]), "flap: stopped\n");
    assert_eq!(d.state("flap"), "STOPPED");
    d.shutdown_and_check();
}

#[test]
fn no_wait_returns_at_once() {
    let d = Daemon::start("[program.slow]\ncommand = \"sleep 1000\"\nstartsecs = 30\nautostart = false\n");
    assert_eq!(d.ctl_ok(&["start", "--no-wait", "slow"]), "slow: starting\n");
    assert_eq!(d.state("slow"), "STARTING");
    assert_eq!(d.ctl_ok(&["stop", "--no-wait", "slow"]), "slow: stopping\n");
    d.wait_state("slow", "STOPPED");
    d.shutdown_and_check();
}

#[test]
fn names_groups_globs_and_all() {
    let d = Daemon::start(
        "[program.web]\ncommand = \"sleep 1000\"\nnumprocs = 3\nstartsecs = 0\n\n\
         [program.db]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [program.cache]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n\n\
         [group.back]\nprograms = [\"db\", \"cache\"]\n",
    );
    d.wait_state("web_2", "RUNNING");
    assert_eq!(d.ctl_ok(&["stop", "web:web_1"]), "web:web_1: stopped\n");
    assert_eq!(d.ctl_ok(&["start", "web_1"]), "web:web_1: started\n");
    assert_eq!(d.ctl_ok(&["stop", "web_*"]), "web:web_0: stopped\nweb:web_1: stopped\nweb:web_2: stopped\n");
    assert_eq!(d.ctl_ok(&["start", "web:"]), "web:web_0: started\nweb:web_1: started\nweb:web_2: started\n");
    // GROUP:* passes over what is already stopped, as supervisord does.
    let out = d.ctl(&["stop", "back:*"]);
    assert_eq!(stdout(&out), "back:db: stopped\n");
    assert_eq!(out.status.code(), Some(0));
    let out = d.ctl(&["start", "back:*", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("nosuch: ERROR (no such process)"), "{text}");
    assert!(text.contains("back:cache: started") && text.contains("back:db: started"), "{text}");
    let out = d.ctl_ok(&["stop", "all"]);
    assert_eq!(out.lines().filter(|l| l.ends_with(": stopped")).count(), 5, "{out}");
    let out = d.ctl(&["status"]);
    assert_eq!(out.status.code(), Some(3));
    let names: Vec<String> = stdout(&out).lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect();
    assert_eq!(names, ["back:cache", "back:db", "web:web_0", "web:web_1", "web:web_2"]);
    d.shutdown_and_check();
}

#[test]
fn wait_action_blocks_until_state_or_timeout() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 1\n");
    assert_eq!(d.ctl_ok(&["wait", "app"]), "app: RUNNING\n");
    let out = d.ctl(&["wait", "--state", "STOPPED", "--timeout", "0.2", "app"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "app: ERROR (timed out waiting for STOPPED (still RUNNING))\n");
    let out = d.ctl(&["wait", "nosuch"]);
    assert_eq!(out.status.code(), Some(4));
    d.shutdown_and_check();
}

#[test]
fn signal_and_pid_actions() {
    let sandbox = Sandbox::new();
    let marker = sandbox.path("got-usr1");
    sandbox.write_config(&format!(
        "[program.trap]\ncommand = \"sh -c 'trap \\\"echo usr1 > {}\\\" USR1; while true; do sleep 0.05; done'\"\nstartsecs = 0\n",
        marker.display()
    ));
    let d = Daemon::start_in(sandbox);
    d.wait_state("trap", "RUNNING");
    assert_eq!(d.ctl_ok(&["signal", "USR1", "trap"]), "trap: signalled\n");
    wait_until("the trap to fire", || d.sandbox.read("got-usr1") == "usr1\n");
    let out = d.ctl(&["signal", "BOGUS", "trap"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("trap: ERROR (bad signal name)\n", Some(1)));
    assert_eq!(d.ctl_ok(&["pid"]).trim(), d.pid.to_string());
    assert_eq!(d.ctl_ok(&["pid", "trap"]).trim(), d.pid_of("trap").unwrap().to_string());
    d.shutdown_and_check();
}
