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
