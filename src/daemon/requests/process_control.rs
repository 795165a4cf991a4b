//! Requests that act on processes: `start`, `stop`, `restart`, `signal`, and `wait`. The first
//! input is fed here; what follows is a job (`jobs`) that the supervisor settles as states
//! change, answering when every process has got where it was sent.

use std::time::{Duration, Instant};

use nix::unistd::Pid;

use super::{ClientId, Handled, failure, unknown_names};
use crate::config::Signal;
use crate::daemon::jobs::{self, Action, ActionItem, JobKind, WaitItem, failed, ok};
use crate::daemon::process_state::Input;
use crate::daemon::supervisor::{Supervisor, TimerEvent};
use crate::protocol::{ErrorKind, ProcessState, Response};

impl Supervisor {
    /// `start`, `stop`, `restart`: without `wait` the answer says what began; with it, what
    /// happened, once every process has settled. A start (and the start of a restart) waits
    /// for the process's dependencies, and with `deps` starts them first, saying so; without,
    /// it starts at once.
    pub(super) fn start_job(
        &mut self,
        client: ClientId,
        action: Action,
        names: &[String],
        wait: bool,
        deps: bool,
    ) -> Handled {
        if let Some(message) = self.busy_reason() {
            return Handled::Reply(failure(message));
        }
        let resolved = self.resolve(names);
        let mut results = unknown_names(&resolved.unknown);
        let mut items = Vec::new();
        if action == Action::Start && deps {
            for (id, needed_by) in self.needed_by(&resolved.ids) {
                let name = self.display_name(id);
                results.push(ok(&name, &format!("starting (needed by {needed_by})")));
                self.start_when_ready(id);
                items.push(ActionItem { id, name, step: jobs::Step::AwaitStarted, report: false });
            }
        }
        for id in resolved.ids {
            let name = self.display_name(id);
            if !self.take_over(id) {
                results.push(failed(&name, "being removed by an update", ErrorKind::Failed));
                continue;
            }
            self.cancel_pending_start(id);
            let refused = match action {
                Action::Start if deps => self.start_when_ready(id),
                _ => self.feed(id, action.first_input()),
            };
            let begin = jobs::begin(action, &name, refused);
            if begin.start_now {
                self.feed(id, Input::Start);
            }
            results.extend(begin.failure);
            if !wait && begin.step != jobs::Step::Done {
                results.push(ok(&name, action.no_wait_message()));
            }
            items.push(ActionItem { id, name, step: begin.step, report: true });
        }
        if wait {
            self.new_job(Some(client), JobKind::Actions(items), results);
            self.settle_jobs();
            Handled::Later
        } else {
            self.new_job(None, JobKind::Actions(items), Vec::new());
            self.settle_jobs();
            Handled::Reply(Response::Results { results })
        }
    }

    /// `wait`: answers once each process is in `want`, has gone FATAL instead, or the timeout
    /// passed.
    pub(super) fn wait_job(
        &mut self,
        client: ClientId,
        names: &[String],
        want: ProcessState,
        timeout_ms: Option<u64>,
    ) -> Handled {
        let resolved = self.resolve(names);
        let results = unknown_names(&resolved.unknown);
        let items =
            resolved.ids.iter().map(|id| WaitItem { id: *id, name: self.display_name(*id), done: false }).collect();
        let job_id = self.next_job_id();
        let deadline = timeout_ms
            .map(|ms| self.timers.insert(Instant::now() + Duration::from_millis(ms), TimerEvent::JobDeadline(job_id)));
        self.new_job(Some(client), JobKind::Wait { items, want, deadline, timed_out: false }, results);
        self.settle_jobs();
        Handled::Later
    }

    /// `signal SIG NAME…`: sent to each running process.
    pub(super) fn signal_processes(&mut self, signal: &str, names: &[String]) -> Response {
        let signal = match Signal::parse(signal) {
            Ok(signal) => signal,
            Err(message) => return Response::Error { kind: ErrorKind::BadRequest, message },
        };
        let resolved = self.resolve(names);
        let mut results = unknown_names(&resolved.unknown);
        for id in resolved.ids {
            let Some(p) = self.processes.get(&id) else { continue };
            let name = p.config.qualified_name();
            results.push(match p.state.pid() {
                None => failed(&name, "not running", ErrorKind::Failed),
                Some(pid) => match nix::sys::signal::kill(Pid::from_raw(pid as i32), signal.0) {
                    Ok(()) => ok(&name, "signalled"),
                    Err(e) => failed(&name, &format!("can't signal: {e}"), ErrorKind::Failed),
                },
            });
        }
        Response::Results { results }
    }
}
