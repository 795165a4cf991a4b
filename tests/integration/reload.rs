//! Live reconfiguration through the real daemon: exactly the change, and nothing more, per
//! group as supervisord does it (a changed group is renewed as a whole).

use crate::harness::*;

const TWO: &str = "[program.keep]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
                   [program.change]\ncommand = \"sleep 1000\"\nstartsecs = 0\n";

fn rewrite(d: &Daemon, programs: &str) {
    d.sandbox.write_config(programs);
}

#[test]
fn reread_reports_and_changes_nothing() {
    let d = Daemon::start(TWO);
    d.wait_state("change", "RUNNING");
    assert_eq!(d.ctl_ok(&["reread"]), "No config updates to processes\n");
    let pid = d.pid_of("change").unwrap();
    rewrite(
        &d,
        &(TWO
            .replace("sleep 1000\"\nstartsecs = 0\n\n", "sleep 1000\"\nstartsecs = 0\nstopwaitsecs = 2\n\n")
            .replace("[program.change]\ncommand = \"sleep 1000\"", "[program.change]\ncommand = \"sleep 999\"")
            + "\n[program.fresh]\ncommand = \"sleep 1000\"\n"),
    );
    let out = d.ctl_ok(&["reread"]);
    assert_eq!(out, "change: changed\nfresh: available\nkeep: changed\n");
    assert_eq!(d.pid_of("change"), Some(pid));
    assert_eq!(d.status().len(), 2);
    d.shutdown_and_check();
}

#[test]
fn update_restarts_only_what_changed() {
    let d = Daemon::start(TWO);
    d.wait_state("keep", "RUNNING");
    d.wait_state("change", "RUNNING");
    let (keep, change) = (d.pid_of("keep").unwrap(), d.pid_of("change").unwrap());
    rewrite(
        &d,
        &TWO.replace("[program.change]\ncommand = \"sleep 1000\"", "[program.change]\ncommand = \"sleep 999\""),
    );
    assert_eq!(d.ctl_ok(&["update"]), "change: stopped\nchange: updated process group\n");
    assert_eq!(d.pid_of("keep"), Some(keep), "an unchanged process keeps its pid");
    d.wait_state("change", "RUNNING");
    let new = d.pid_of("change").unwrap();
    assert_ne!(new, change);
    assert!(!alive(change));
    assert_eq!(std::fs::read_to_string(format!("/proc/{new}/cmdline")).unwrap(), "sleep\u{0}999\u{0}");
    // Nothing to do prints nothing, as supervisorctl's update.
    assert_eq!(d.ctl_ok(&["update"]), "");
    d.shutdown_and_check();
}

#[test]
fn any_change_renews_every_process_of_the_group() {
    let d = Daemon::start(&format!("{TWO}\n[group.grp]\nprograms = [\"keep\", \"change\"]\n"));
    d.wait_state("keep", "RUNNING");
    d.wait_state("change", "RUNNING");
    let (keep, change) = (d.pid_of("keep").unwrap(), d.pid_of("change").unwrap());
    // A priority of one program is a change of the group: both of its processes start afresh,
    // as supervisord's update stops the group, removes it and adds it again.
    let with_priority = TWO.replace("[program.change]\n", "[program.change]\npriority = 5\n");
    rewrite(&d, &format!("{with_priority}\n[group.grp]\nprograms = [\"keep\", \"change\"]\n"));
    assert_eq!(d.ctl_ok(&["update"]), "grp: stopped\ngrp: updated process group\n");
    wait_until("both renewed", || {
        d.pid_of("keep").is_some_and(|p| p != keep) && d.pid_of("change").is_some_and(|p| p != change)
    });
    assert!(!alive(keep) && !alive(change));
    d.shutdown_and_check();
}

#[test]
fn numprocs_up_and_down() {
    let two = "[program.w]\ncommand = \"sleep 1000\"\nstartsecs = 0\nnumprocs = 2\n";
    let d = Daemon::start(two);
    d.wait_state("w_0", "RUNNING");
    d.wait_state("w_1", "RUNNING");
    let (w0, w1) = (d.pid_of("w_0").unwrap(), d.pid_of("w_1").unwrap());
    rewrite(&d, &two.replace("numprocs = 2", "numprocs = 4"));
    assert_eq!(d.ctl_ok(&["update"]), "w: stopped\nw: updated process group\n");
    d.wait_state("w_3", "RUNNING");
    d.wait_state("w_2", "RUNNING");
    d.wait_state("w_0", "RUNNING");
    d.wait_state("w_1", "RUNNING");
    assert!(!alive(w0) && !alive(w1), "the group was renewed");
    let w3 = d.pid_of("w_3").unwrap();
    rewrite(&d, &two.replace("numprocs = 2", "numprocs = 1\nprocess_name = \"w_%(process_num)d\""));
    assert_eq!(d.ctl_ok(&["update"]), "w: stopped\nw: updated process group\n");
    let names: Vec<String> = d.status().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["w_0"]);
    assert!(!alive(w3));
    d.shutdown_and_check();
}

#[test]
fn removed_programs_stop_and_added_ones_start() {
    let d = Daemon::start(TWO);
    d.wait_state("change", "RUNNING");
    let gone = d.pid_of("change").unwrap();
    rewrite(
        &d,
        "[program.keep]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n[program.fresh]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [program.lazy]\ncommand = \"sleep 1000\"\nautostart = false\n",
    );
    let out = d.ctl_ok(&["update"]);
    assert_eq!(
        out,
        "change: stopped\nchange: removed process group\nfresh: added process group\nlazy: added process group\n"
    );
    assert!(!alive(gone));
    d.wait_state("fresh", "RUNNING");
    assert_eq!(d.state("lazy"), "STOPPED");
    let names: Vec<String> = d.status().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["fresh", "keep", "lazy"]);
    d.shutdown_and_check();
}

#[test]
fn a_broken_config_changes_nothing_and_says_why() {
    let d = Daemon::start(TWO);
    d.wait_state("change", "RUNNING");
    let pid = d.pid_of("change").unwrap();
    rewrite(&d, "[program.keep]\ncomand = \"x\"\n");
    for action in ["update", "reread", "reload"] {
        let out = d.ctl(&[action]);
        assert_eq!(out.status.code(), Some(1), "{action}");
        let err = stderr(&out);
        assert!(err.contains("[program.keep] comand: unknown key; did you mean 'command'?"), "{action}: {err}");
        assert!(err.contains("[program.keep] command: is required"), "{action}: {err}");
    }
    d.signal(nix::sys::signal::Signal::SIGHUP);
    d.wait_log("the config file has errors; nothing changed");
    assert_eq!(d.pid_of("change"), Some(pid));
    assert_eq!(d.status().len(), 2);
    d.shutdown_and_check();
}

#[test]
fn sighup_is_update() {
    let d = Daemon::start(TWO);
    d.wait_state("keep", "RUNNING");
    d.wait_state("change", "RUNNING");
    let (keep, change) = (d.pid_of("keep").unwrap(), d.pid_of("change").unwrap());
    rewrite(
        &d,
        &TWO.replace("[program.change]\ncommand = \"sleep 1000\"", "[program.change]\ncommand = \"sleep 999\""),
    );
    d.signal(nix::sys::signal::Signal::SIGHUP);
    d.wait_log("update: change: updated process group");
    wait_until("change restarted", || d.pid_of("change").is_some_and(|p| p != change));
    assert_eq!(d.pid_of("keep"), Some(keep));
    d.shutdown_and_check();
}

#[test]
fn update_of_named_groups_only() {
    let d = Daemon::start(TWO);
    d.wait_state("keep", "RUNNING");
    d.wait_state("change", "RUNNING");
    let (keep, change) = (d.pid_of("keep").unwrap(), d.pid_of("change").unwrap());
    rewrite(&d, &TWO.replace("sleep 1000", "sleep 999"));
    let out = d.ctl(&["update", "change", "nosuch"]);
    assert_eq!(stdout(&out), "ERROR: no such group: nosuch\nchange: stopped\nchange: updated process group\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(d.pid_of("keep"), Some(keep));
    wait_until("change restarted", || d.pid_of("change").is_some_and(|p| p != change));
    assert_eq!(d.ctl_ok(&["reread"]), "keep: changed\n");
    d.shutdown_and_check();
}

#[test]
fn add_and_remove() {
    let d = Daemon::start(TWO);
    d.wait_state("keep", "RUNNING");
    rewrite(&d, &format!("{TWO}\n[program.extra]\ncommand = \"sleep 1000\"\nstartsecs = 0\n"));
    // avail lists the file's groups, active or not.
    assert_eq!(d.ctl_ok(&["avail"]).lines().filter(|l| l.contains("avail")).count(), 1);
    assert_eq!(d.ctl_ok(&["add", "extra"]), "extra: added process group\n");
    d.wait_state("extra", "RUNNING");
    let out = d.ctl(&["add", "extra"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("ERROR: process group already active\n", Some(0)));
    let out = d.ctl(&["remove", "extra"]);
    assert_eq!(stdout(&out), "ERROR: process/group still running: extra\n");
    assert_eq!(out.status.code(), Some(1));
    d.ctl_ok(&["stop", "extra"]);
    assert_eq!(d.ctl_ok(&["remove", "extra"]), "extra: removed process group\n");
    assert!(d.status().iter().all(|p| p["name"] != "extra"));
    let out = d.ctl(&["remove", "nosuch"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("ERROR: no such process/group: nosuch\n", Some(1)));
    d.shutdown_and_check();
}

#[test]
fn reload_restarts_everything_with_the_new_config() {
    let d = Daemon::start(&format!("{TWO}\n[program.slow]\ncommand = \"sleep 1000\"\nstartsecs = 30\n"));
    d.wait_state("keep", "RUNNING");
    // One process mid-start, one mid-stop when the reload arrives.
    assert_eq!(d.state("slow"), "STARTING");
    let keep = d.pid_of("keep").unwrap();
    d.ctl_ok(&["stop", "--no-wait", "change"]);
    rewrite(
        &d,
        "[program.keep]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n[program.slow]\ncommand = \"sleep 1000\"\nstartsecs = 0\n",
    );
    assert_eq!(d.ctl_ok(&["reload"]), "Restarted taskmasterd\n");
    d.wait_state("keep", "RUNNING");
    d.wait_state("slow", "RUNNING");
    assert_ne!(d.pid_of("keep"), Some(keep), "reload restarts every process");
    assert!(!alive(keep));
    let names: Vec<String> = d.status().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["keep", "slow"]);
    d.shutdown_and_check();
}

#[test]
fn daemon_settings_are_applied_or_reported_as_needing_a_restart() {
    let d = Daemon::start(TWO);
    d.wait_state("keep", "RUNNING");
    let config = std::fs::read_to_string(d.sandbox.config_path()).unwrap();
    let changed = config
        .replace("loglevel = \"debug\"", "loglevel = \"warn\"")
        .replace("[unix_server]\n", "[unix_server]\nchmod = \"0770\"\n");
    std::fs::write(d.sandbox.config_path(), changed).unwrap();
    let out = d.ctl_ok(&["reread"]);
    assert_eq!(
        out,
        "taskmasterd: loglevel changed (applied)\ntaskmasterd: unix_server chmod changed (needs a daemon restart)\n"
    );
    d.ctl_ok(&["update"]);
    // At warn, a stop's info lines are no longer logged.
    d.ctl_ok(&["stop", "keep"]);
    assert!(!d.log().contains("stopped: keep"), "{}", d.log());
    d.shutdown_and_check();
}

#[test]
fn a_later_request_takes_over_a_pending_one() {
    let program = |version: &str| {
        format!(
            "[program.stubborn]\ncommand = \"sh -c 'trap \\\"\\\" TERM; echo {version}; while true; do sleep 0.05; done'\"\n\
             startsecs = 0\nstopwaitsecs = 1\n"
        )
    };
    let d = Daemon::start(&program("v1"));
    d.wait_state("stubborn", "RUNNING");
    // A restart waits for the stubborn process to die; an update arrives meanwhile.
    assert_eq!(stdout(&d.ctl_bounded(&["restart", "--no-wait", "stubborn"])), "stubborn: restarting\n");
    rewrite(&d, &program("v2"));
    let out = d.ctl_bounded(&["update"]);
    assert_eq!(stdout(&out), "stubborn: stopped\nstubborn: updated process group\n");
    d.wait_state("stubborn", "RUNNING");
    wait_until("the new command's output", || d.sandbox.read("stubborn-stdout.log").contains("v2"));
    // A stop now is final: nothing pending starts the process again behind the operator's back.
    assert_eq!(stdout(&d.ctl_bounded(&["stop", "stubborn"])), "stubborn: stopped\n");
    assert_eq!(d.state("stubborn"), "STOPPED");
    assert_eq!(d.log().matches("spawned: 'stubborn'").count(), 2, "{}", d.log());
    d.shutdown_and_check();
}

#[test]
fn followers_of_a_removed_process_are_told_and_let_go() {
    let d = Daemon::start(
        "[program.keep]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [program.change]\ncommand = \"sh -c 'echo ready; exec sleep 1000'\"\nstartsecs = 0\n",
    );
    wait_until("output to follow", || d.sandbox.read("change-stdout.log") == "ready\n");
    let mut follower = std::process::Command::new(BIN)
        .args(["ctl", "-c", &d.config(), "tail", "-f", "change"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(follower.stdout.take().unwrap());
    let mut line = String::new();
    // Attached once the log's tail arrives.
    std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
    assert_eq!(line, "ready\n");
    rewrite(&d, "[program.keep]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    assert_eq!(stdout(&d.ctl_bounded(&["update"])), "change: stopped\nchange: removed process group\n");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    // Why it ended is said on stderr, apart from the output.
    assert_eq!(rest, "");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut follower.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err, "taskmasterctl: change was removed from the configuration\n");
    assert!(follower.wait().unwrap().success());
    d.shutdown_and_check();
}
