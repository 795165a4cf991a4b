//! Fault injection at run time (issue 11, items 2, 4, 5 and 8): a full disk under the daemon's
//! logs, a daemon killed with SIGKILL, a crash loop, and who did what.

use crate::harness::*;

/// A program that exits at once, restarted forever, restarts about once a second: each start
/// stamps the time (the child's own clock), and consecutive stamps are about a second apart.
#[test]
fn a_crash_loop_restarts_at_most_once_a_second() {
    let sandbox = Sandbox::new();
    let stamps = sandbox.path("starts");
    sandbox.write_config(&format!(
        "[program.loop]\ncommand = \"sh -c 'date +%%s.%%N >> {}'\"\nstartsecs = 0\nautorestart = true\n",
        shell_path(&stamps)
    ));
    let d = Daemon::start_in(sandbox);
    let starts = || -> Vec<f64> { d.sandbox.read("starts").lines().filter_map(|l| l.trim().parse().ok()).collect() };
    wait_until("four starts", || starts().len() >= 4);
    let times = starts();
    // A second apart by the daemon's clock, from spawn to spawn; the child's stamp comes after
    // its exec, whose delay varies on a loaded machine, so allow half of it (a fork bomb's
    // starts are milliseconds apart).
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= 0.5, "two starts {:.3} s apart: {times:?}", pair[1] - pair[0]);
    }
    // The pause is an EXITED process to an operator, and a stop ends the loop.
    d.ctl_ok(&["stop", "loop"]);
    let after_stop = starts().len();
    d.wait_state("loop", "EXITED");
    assert!(starts().len() <= after_stop + 1);
    d.shutdown_and_check();
}

/// Every state-changing request is in the daemon log with the uid and pid of who sent it;
/// read-only requests are not.
#[test]
fn state_changing_requests_are_logged_with_their_sender() {
    let d = Daemon::start(
        "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n\n\
         [program.other]\ncommand = \"sleep 1000\"\nautostart = false\n",
    );
    let uid = nix::unistd::geteuid().as_raw();
    // A ctl child's pid is the peer pid: run each through a Child to learn it.
    let run = |args: &[&str], must_succeed: bool| -> u32 {
        let config = d.config();
        let child = std::process::Command::new(BIN)
            .args(["ctl", "-c", &config])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("ctl");
        let pid = child.id();
        let out = child.wait_with_output().expect("ctl");
        assert!(out.status.success() || !must_succeed, "ctl {args:?}");
        pid
    };
    let start = run(&["start", "app"], true);
    let signal = run(&["signal", "CONT", "app"], true);
    let stop = run(&["stop", "app"], true);
    let clear = run(&["clear", "app"], true);
    // (Exit status 3: some processes are not running.)
    let status = run(&["status"], false);
    for (pid, what) in [(start, "start app"), (signal, "signal CONT app"), (stop, "stop app"), (clear, "clear app")] {
        d.wait_log(&format!("INFO request by uid {uid} pid {pid}: {what}\n"));
    }
    assert!(!d.log().contains(&format!("pid {status}:")), "status is read-only: {}", d.log());
    d.shutdown_and_check();
}

/// Processes a test leaves behind if it fails halfway: each killed, with its group if it leads
/// one. Only on failure: after a passing test these pids are gone and may name others already.
struct Leftovers(Vec<u32>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        use nix::sys::signal::{Signal::SIGKILL, kill};
        use nix::unistd::Pid;
        if !std::thread::panicking() {
            return;
        }
        for pid in &self.0 {
            let _ = kill(Pid::from_raw(-(*pid as i32)), SIGKILL);
            let _ = kill(Pid::from_raw(*pid as i32), SIGKILL);
        }
    }
}

/// The pids of the processes whose command line is exactly `argv` (Linux: from /proc).
fn pids_running(argv: &[&str]) -> Vec<u32> {
    let wanted: Vec<u8> = argv.iter().flat_map(|a| a.bytes().chain([0])).collect();
    let Ok(entries) = std::fs::read_dir("/proc") else { return vec![] };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == wanted) && alive(*pid))
        .collect()
}

/// Where `PATH` finds `program`.
fn executable_in_path(program: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("no {program} in PATH"))
}

/// A daemon killed with SIGKILL leaves its children running; the next daemon on the same
/// config stops them (the way a stop would) before starting its own, and says so.
#[test]
fn a_restarted_daemon_stops_what_a_killed_one_left_running() {
    // The program is this sandbox's own name for sleep, so that counting its processes below
    // counts this test's alone (another run of the suite may be doing the same at once).
    let sandbox = Sandbox::new();
    let sleep = sandbox.path("orphan-sleep");
    std::os::unix::fs::symlink(executable_in_path("sleep"), &sleep).unwrap();
    let sleep = shell_path(&sleep);
    sandbox.write_config(&format!(
        "[program.orphan]\ncommand = \"{sleep} 987654\"\nnumprocs = 5\nstartsecs = 0\nstopwaitsecs = 5\n"
    ));
    let mut first = Daemon::start_in(sandbox);
    wait_until("five running", || first.status().iter().filter(|p| p["state"] == "RUNNING").count() == 5);
    let old: Vec<u32> = first.status().iter().filter_map(|p| p["pid"].as_u64()).map(|p| p as u32).collect();
    let _cleanup = Leftovers(old.clone());
    assert_eq!(old.len(), 5);
    first.signal(nix::sys::signal::Signal::SIGKILL);
    first.wait_exit();
    for pid in &old {
        assert!(alive(*pid), "{pid} should outlive a daemon killed with SIGKILL");
    }
    let sandbox = std::mem::replace(&mut first.sandbox, Sandbox::new());
    drop(first);

    let second = Daemon::start_in(sandbox);
    wait_until("five running again", || second.status().iter().filter(|p| p["state"] == "RUNNING").count() == 5);
    for pid in &old {
        assert!(!alive(*pid), "orphan {pid} still runs beside the new daemon's children");
    }
    let log = second.log();
    assert!(log.contains("found 5 processes left running by a previous daemon"), "{log}");
    for pid in &old {
        assert!(log.contains(&format!("(pid {pid}, left by a previous daemon) with SIGTERM")), "{log}");
    }
    assert!(log.contains("orphans of a previous daemon: 5 stopped, 0 killed, 0 still running"), "{log}");
    if cfg!(target_os = "linux") {
        assert_eq!(pids_running(&[&sleep, "987654"]).len(), 5, "exactly the new daemon's five run");
    }
    let record = second.sandbox.path("taskmasterd.pid.children");
    assert!(record.exists());
    second.shutdown_and_check();
    assert!(!record.exists(), "a clean shutdown leaves no record of children");
}

/// A recorded pid that now names another process (its start time differs) is never signalled.
#[test]
fn a_recorded_pid_that_was_reused_is_left_alone() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    let mut bystander = std::process::Command::new("sleep").arg("1000").spawn().expect("sleep");
    let pid = bystander.id();
    let _cleanup = Leftovers(vec![pid]);
    // As a predecessor would have recorded it, but with another start time.
    std::fs::write(
        sandbox.path("taskmasterd.pid.children"),
        format!("+\t{pid}\t{pid}\tstat:1\t15\t1\t1\t1\tapp:app\n"),
    )
    .unwrap();
    let d = Daemon::start_in(sandbox);
    d.wait_state("app", "RUNNING");
    d.wait_log(&format!(
        "pid {pid} recorded for app:app by a previous daemon now belongs to another process; left alone"
    ));
    assert!(bystander.try_wait().unwrap().is_none(), "the bystander was signalled");
    let _ = bystander.kill();
    let _ = bystander.wait();
    d.shutdown_and_check();
}

/// The daemon's files in the sandbox, the activity log at `logfile`, then `programs`.
fn write_config_with_logfile(sandbox: &Sandbox, logfile: &str, programs: &str) {
    let header = format!(
        "[unix_server]\nfile = \"%(here)s/tm.sock\"\n\n[taskmasterd]\nlogfile = \"{logfile}\"\n\
         pidfile = \"%(here)s/taskmasterd.pid\"\nchildlogdir = \"%(here)s\"\nloglevel = \"debug\"\n\n"
    );
    std::fs::write(sandbox.config_path(), header + programs).expect("write config");
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

/// A chatty program whose log is at logs/NAME.log: one numbered line every 0.1 s, and its
/// progress in NAME.progress.
fn chatty(name: &str) -> String {
    format!(
        "[program.{name}]\ncommand = \"sh -c 'i=0; while :; do i=$((i+1)); echo {name} $i; echo $i > {name}.progress; \
         sleep 0.1; done'\"\ndirectory = \"%(here)s\"\nstartsecs = 0\nstdout_logfile = \"%(here)s/logs/{name}.log\"\n\n"
    )
}

/// Two logs that fail at once are each reported once (not once a second), and each recovers
/// once; a stopped process's backlog is still written when the log works again.
#[test]
fn each_failing_log_is_reported_once_and_recovers_once() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path("logs")).unwrap();
    let programs = chatty("a")
        + &chatty("b")
        + "[program.c]\ncommand = \"sh -c 'echo c-says-hello; sleep 0.3; echo c-says-bye'\"\nautostart = false\n\
           startsecs = 0\nautorestart = false\nstdout_logfile = \"%(here)s/logs/c.log\"\n";
    sandbox.write_config(&programs);
    let d = Daemon::start_in(sandbox);
    let progress = |name: &str| d.sandbox.read(&format!("{name}.progress")).trim().parse::<u32>().unwrap_or(0);
    wait_until("a and b to log", || {
        !d.sandbox.read("logs/a.log").is_empty() && !d.sandbox.read("logs/b.log").is_empty()
    });

    // The directory goes away: every write to these logs fails from the next open on.
    std::fs::rename(d.sandbox.path("logs"), d.sandbox.path("logs.old")).unwrap();
    d.ctl_ok(&["reopen"]);
    d.ctl_ok(&["start", "c"]);
    d.wait_state("c", "EXITED");
    for name in ["a", "b", "c"] {
        d.wait_log(&format!("can't write the log of {name} ("));
    }
    // Some seconds of failing writes (measured by the programs' own progress, no sleep).
    let from = progress("a");
    wait_until("3 s of failing writes", || progress("a") >= from + 30);
    let log = d.log();
    for name in ["a", "b", "c"] {
        assert_eq!(count(&log, &format!("can't write the log of {name} (")), 1, "{log}");
    }

    std::fs::create_dir(d.sandbox.path("logs")).unwrap();
    for name in ["a", "b", "c"] {
        d.wait_log(&format!("the log of {name} is writable again; nothing was lost ("));
    }
    let log = d.log();
    for name in ["a", "b", "c"] {
        assert_eq!(count(&log, &format!("the log of {name} is writable again")), 1, "{log}");
        assert_eq!(count(&log, &format!("can't write the log of {name} (")), 1, "{log}");
    }
    assert_eq!(d.sandbox.read("logs/c.log"), "c-says-hello\nc-says-bye\n");
    // What a held back is in its new file, in order, with nothing missing.
    let numbers: Vec<u32> =
        d.sandbox.read("logs/a.log").lines().filter_map(|l| l.strip_prefix("a ")?.parse().ok()).collect();
    assert!(numbers.len() >= 30, "{numbers:?}");
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
    d.shutdown_and_check();
}

/// Lines the daemon could not write to its own log are counted, and the count is the first
/// thing written once the file takes writes again.
#[test]
fn the_daemon_log_says_how_many_lines_it_could_not_write() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path("dlog")).unwrap();
    write_config_with_logfile(
        &sandbox,
        "%(here)s/dlog/taskmasterd.log",
        "[program.app]\ncommand = \"sleep 1000\"\nautostart = false\nstartsecs = 0\n",
    );
    let d = Daemon::start_in(sandbox);
    std::fs::rename(d.sandbox.path("dlog"), d.sandbox.path("dlog.old")).unwrap();
    d.ctl_ok(&["reopen"]);
    d.ctl_ok(&["start", "app"]);
    d.ctl_ok(&["stop", "app"]);
    std::fs::create_dir(d.sandbox.path("dlog")).unwrap();
    d.ctl_ok(&["clear", "app"]);
    let log = || d.sandbox.read("dlog/taskmasterd.log");
    wait_until("the daemon log to be written again", || log().contains(": clear app"));
    let text = log();
    let first = text.lines().next().unwrap_or_default();
    let lost: u64 = first
        .split(" WARN ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("the first line says what was lost: {text}"));
    assert!(first.contains("log lines could not be written (from "), "{text}");
    // At least: reopened, request start, spawned, success, request stop, stopped.
    assert!(lost >= 6, "{text}");
    assert_eq!(count(&text, "could not be written"), 1, "{text}");
    assert!(!d.sandbox.read("dlog.old/taskmasterd.log").contains("spawned: 'app'"));
    d.shutdown_and_check();
}

/// An `fg` session is in the daemon log with its sender when it attaches, and when it ends
/// with the bytes of input it sent to the process's stdin.
#[test]
fn fg_input_is_logged_with_its_sender() {
    use std::io::{BufRead, BufReader, Write};
    let d = Daemon::start("[program.echo]\ncommand = \"cat\"\nstartsecs = 0\n");
    d.wait_state("echo", "RUNNING");
    let mut fg = std::process::Command::new(BIN)
        .args(["ctl", "-c", &d.config(), "fg", "echo"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = fg.id();
    let mut stdin = fg.stdin.take().unwrap();
    let mut reader = BufReader::new(fg.stdout.take().unwrap());
    stdin.write_all(b"hello\n").unwrap();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "hello\n");
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    assert!(fg.wait().unwrap().success());
    let uid = nix::unistd::geteuid().as_raw();
    d.wait_log(&format!("request by uid {uid} pid {pid}: fg echo (its input goes to the process's stdin)\n"));
    d.wait_log(&format!("fg echo by uid {uid} pid {pid} ended: 6 bytes of input sent to its stdin\n"));
    d.shutdown_and_check();
}
