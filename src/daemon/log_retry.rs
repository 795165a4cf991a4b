//! Child logs that cannot be written (a full disk, a directory gone): each failing log is
//! reported once when it fails and once when it recovers, and retried on its own timer with a
//! bounded back-off (1 s, 2 s, 4 s ... [`MAX_RETRY_DELAY`]), never on a shared tick.
//!
//! While a process runs, its new output also tries the log (so a chatty process recovers as
//! soon as there is room) and its log is retried for as long as it fails. Once its process has
//! stopped, its backlog is retried until the back-off reaches its bound; then the backlog is
//! dropped, and the log says so with the byte count, as it says how much was written when a
//! retry succeeds. The backlog itself (bounded, oldest dropped first) lives in
//! `log_files::ChannelLog`.

use std::time::{Duration, Instant};

use log::{error, info, warn};

use super::log_files::WriteReport;
use super::supervisor::{ProcessId, Supervisor, TimerEvent};
use super::timers::TimerId;
use crate::protocol::Channel;

/// The first retry of a failing log.
pub const FIRST_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two retries of a failing log.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(32);

/// A log whose writes fail: its pending retry.
#[derive(Debug)]
pub struct FailingLog {
    timer: TimerId,
    delay: Duration,
}

/// What to do after a retry failed, having waited `delay` for it.
#[derive(Debug, PartialEq, Eq)]
pub enum AfterFailedRetry {
    RetryIn(Duration),
    /// The process has stopped and the back-off reached its bound: give up on the backlog.
    Drop,
}

/// The back-off policy (pure).
pub fn after_failed_retry(delay: Duration, process_stopped: bool) -> AfterFailedRetry {
    if process_stopped && delay >= MAX_RETRY_DELAY {
        return AfterFailedRetry::Drop;
    }
    AfterFailedRetry::RetryIn((delay * 2).min(MAX_RETRY_DELAY))
}

impl Supervisor {
    /// Reports what happened to a write to a process's log; `held` is what the log held
    /// back before that write and has now written, if it recovered.
    pub fn report_log_write(&mut self, id: ProcessId, channel: Channel, report: WriteReport, held: usize) {
        if report == WriteReport::Written {
            return;
        }
        let name = self.display_name(id);
        match report {
            WriteReport::Written => {}
            WriteReport::Failed(why) => {
                self.stats.log_write_failures += 1;
                if self.failing_logs.contains_key(&(id, channel)) {
                    return; // Reported when it began; its retry is armed.
                }
                error!("can't write the log of {name} ({why}); keeping its output and retrying");
                self.arm_log_retry(id, channel, FIRST_RETRY_DELAY);
            }
            WriteReport::Recovered { dropped } => {
                if let Some(failing) = self.failing_logs.remove(&(id, channel)) {
                    self.timers.cancel(failing.timer);
                }
                let path = self.log_path(id, channel);
                if dropped == 0 {
                    info!(
                        "the log of {name} is writable again; nothing was lost ({held} bytes held back were written to {path})"
                    );
                } else {
                    warn!(
                        "the log of {name} is writable again; {dropped} bytes were dropped while it was not ({held} \
                         bytes held back were written to {path})"
                    );
                }
            }
        }
    }

    /// A process's log file, for messages.
    fn log_path(&self, id: ProcessId, channel: Channel) -> String {
        let p = self.processes.get(&id);
        let log = p.map(|p| match channel {
            Channel::Stdout => &p.stdout_log,
            Channel::Stderr => &p.stderr_log,
        });
        log.and_then(|log| log.file()).map(|f| f.path().display().to_string()).unwrap_or_default()
    }

    fn arm_log_retry(&mut self, id: ProcessId, channel: Channel, delay: Duration) {
        let timer = self.timers.insert(Instant::now() + delay, TimerEvent::RetryLog(id, channel));
        self.failing_logs.insert((id, channel), FailingLog { timer, delay });
    }

    /// A failing log's retry is due: write its backlog, back off further, or give up on it.
    pub fn retry_log(&mut self, id: ProcessId, channel: Channel) {
        let Some(failing) = self.failing_logs.remove(&(id, channel)) else { return };
        let Some(p) = self.processes.get_mut(&id) else { return };
        let stopped = p.state.pid().is_none();
        let log = match channel {
            Channel::Stdout => &mut p.stdout_log,
            Channel::Stderr => &mut p.stderr_log,
        };
        if !log.has_backlog() {
            return; // Emptied meanwhile (`clear`): nothing is held back any more.
        }
        let held = log.backlog_len();
        let report = log.flush_backlog();
        match report {
            WriteReport::Failed(why) => match after_failed_retry(failing.delay, stopped) {
                AfterFailedRetry::RetryIn(delay) => self.arm_log_retry(id, channel, delay),
                AfterFailedRetry::Drop => {
                    let (held, dropped) = log.discard_backlog();
                    let name = self.display_name(id);
                    warn!(
                        "gave up on the log of {name}: the process has stopped and the log is still not writable \
                         ({why}); the {held} bytes held back were dropped ({} bytes in all)",
                        held as u64 + dropped
                    );
                }
            },
            report => self.report_log_write(id, channel, report, held),
        }
    }

    /// A process's logs are going away (removed, or replaced by a reload): their retries end,
    /// and what they still held is said to be lost.
    pub fn forget_failing_logs(&mut self, id: ProcessId) {
        for channel in [Channel::Stdout, Channel::Stderr] {
            if let Some(failing) = self.failing_logs.remove(&(id, channel)) {
                self.timers.cancel(failing.timer);
                if let Some(p) = self.processes.get_mut(&id) {
                    let log = match channel {
                        Channel::Stdout => &mut p.stdout_log,
                        Channel::Stderr => &mut p.stderr_log,
                    };
                    let (held, _) = log.discard_backlog();
                    let name = self.display_name(id);
                    warn!(
                        "the log of {name} goes away while it is not writable; the {held} bytes held back were dropped"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_to_its_bound_and_a_stopped_process_then_gives_up() {
        let mut delay = FIRST_RETRY_DELAY;
        let mut delays = vec![];
        while let AfterFailedRetry::RetryIn(next) = after_failed_retry(delay, true) {
            delays.push(next.as_secs());
            delay = next;
        }
        assert_eq!(delays, [2, 4, 8, 16, 32]);
        // A running process's log is retried for as long as it fails, at most MAX_RETRY_DELAY apart.
        assert_eq!(after_failed_retry(MAX_RETRY_DELAY, false), AfterFailedRetry::RetryIn(MAX_RETRY_DELAY));
    }

    /// Each failing log has its own retry; a stopped process's log backs off to the bound,
    /// then its backlog is dropped and its retries end.
    #[test]
    fn a_stopped_process_log_is_retried_until_the_bound_then_dropped() {
        use std::os::unix::net::UnixListener;
        use std::sync::{Arc, Mutex};
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[unix_server]\nfile = \"tm.sock\"\n[taskmasterd]\nlogfile = \"NONE\"\n\
             [program.a]\ncommand = \"/bin/true\"\nautostart = false\nstdout_logfile = \"{0}/gone/a.log\"\n\
             [program.b]\ncommand = \"/bin/true\"\nautostart = false\nstdout_logfile = \"{0}/gone/b.log\"\n",
            dir.path().display()
        );
        let config = crate::config::parse_str(&config, &dir.path().join("taskmaster.toml")).unwrap();
        let listener = UnixListener::bind(dir.path().join("tm.sock")).unwrap();
        let activity = Arc::new(Mutex::new(crate::daemon::activity_log::ActivityLog::new(None)));
        let signals = crate::daemon::signals::SignalPipe::detached().unwrap();
        let mut sup = Supervisor::new(config, listener, signals, activity, None).unwrap();
        let a = sup.find_process("a").unwrap();
        let b = sup.find_process("b").unwrap();
        sup.write_output(a, Channel::Stdout, b"from a\n");
        sup.write_output(b, Channel::Stdout, b"from b\n");
        sup.write_output(a, Channel::Stdout, b"more from a\n");
        assert_eq!(sup.failing_logs.len(), 2, "each failing log has its own retry");
        let mut retries = 0;
        while sup.failing_logs.contains_key(&(a, Channel::Stdout)) {
            sup.retry_log(a, Channel::Stdout);
            retries += 1;
            assert!(retries < 10);
        }
        assert_eq!(retries, 6, "1, 2, 4, 8, 16 and 32 s after the failure, then given up");
        assert_eq!(sup.processes[&a].stdout_log.backlog_len(), 0);
        // b's log is untouched by a's retries, and written once its directory exists.
        std::fs::create_dir(dir.path().join("gone")).unwrap();
        sup.retry_log(b, Channel::Stdout);
        assert!(sup.failing_logs.is_empty());
        assert_eq!(std::fs::read_to_string(dir.path().join("gone/b.log")).unwrap(), "from b\n");
        // a's dropped backlog stays dropped; its next output is written.
        sup.write_output(a, Channel::Stdout, b"later\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("gone/a.log")).unwrap(), "later\n");
    }
}
