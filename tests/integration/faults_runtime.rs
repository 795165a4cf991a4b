//! Fault injection at run time (issue 11, items 2, 4, 5 and 8): a full disk under the daemon's
//! logs, a daemon killed with SIGKILL, a crash loop, and who did what.

use crate::harness::*;

/// A program that exits at once, restarted forever, restarts about once a second: each start
/// stamps the time (the child's own clock), and consecutive stamps are a second apart.
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
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= 0.9, "two starts {:.3} s apart: {times:?}", pair[1] - pair[0]);
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

/// A daemon killed with SIGKILL leaves its children running; the next daemon on the same
/// config stops them (the way a stop would) before starting its own, and says so.
#[test]
fn a_restarted_daemon_stops_what_a_killed_one_left_running() {
    let mut first =
        Daemon::start("[program.orphan]\ncommand = \"sleep 987654\"\nnumprocs = 5\nstartsecs = 0\nstopwaitsecs = 5\n");
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
        assert_eq!(pids_running(&["sleep", "987654"]).len(), 5, "exactly the new daemon's five run");
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
