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
