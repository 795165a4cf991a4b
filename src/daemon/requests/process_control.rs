//! Requests that act on processes: `start`, `stop`, `restart`, `signal`, and `wait`. The first
//! input is fed here; what follows is a job (`jobs`) that the supervisor settles as states
//! change, answering when every process has got where it was sent.
//!
//! The answers are supervisord's: a process named on its own is told it is already started or
//! not running, while `all`, `GROUP:*`, a glob or a group name skips what is already where the
//! action would take it; a start of a command that does not exist is refused before any spawn
//! (`no such file`); a restart answers its stops, then its starts, as supervisorctl's restart is
//! a stop, then a start. A stop of several processes holds back those the others depend on
//! until these are down (`ordered_stop`).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use nix::unistd::Pid;

use super::{ClientId, Handled, failure};
use crate::config::Signal;
use crate::daemon::jobs::{self, Action, ActionItem, JobKind, LineKey, START_PHASE, WaitItem, failed, ok};
use crate::daemon::names::{Form, NameMatch};
use crate::daemon::process_state::{Input, Refusal};
use crate::daemon::spawn::{self, CommandProblem};
use crate::daemon::supervisor::{ProcessId, Supervisor, TimerEvent};
use crate::protocol::{ErrorKind, ProcessResult, ProcessState, Response};

/// Where the lines of the `index`th name's `position`th process go.
fn slot(index: usize, position: usize) -> LineKey {
    ((index as LineKey) << 16) | (position as LineKey).min(0xffff)
}

/// The line for a name that matched nothing: `GROUP: ERROR (no such group)` for `GROUP:*`.
fn no_match(m: &NameMatch<ProcessId>) -> Option<ProcessResult> {
    match &m.form {
        Form::NoGroup(group) => Some(failed(group, "no such group", ErrorKind::NoSuchGroup)),
        Form::NoProcess => Some(failed(&m.name, "no such process", ErrorKind::NoSuchProcess)),
        Form::One | Form::Many => None,
    }
}

/// supervisord's RUNNING_STATES: what a start leaves alone and a stop acts on.
fn running(state: ProcessState) -> bool {
    matches!(state, ProcessState::Running | ProcessState::Starting | ProcessState::Backoff)
}

impl Supervisor {
    /// Why `id`'s command cannot start, as the line to answer.
    fn command_problem(&self, id: ProcessId, name: &str) -> Option<ProcessResult> {
        let p = self.processes.get(&id)?;
        match spawn::check_command(&p.config, &self.child_environment(&p.config)) {
            Ok(()) => None,
            Err(CommandProblem::NotFound(_)) => Some(failed(name, "no such file", ErrorKind::NoFile)),
            Err(CommandProblem::NotExecutable(_)) => {
                Some(failed(name, "file is not executable", ErrorKind::NotExecutable))
            }
        }
    }

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
        let mut results: Vec<(LineKey, ProcessResult)> = Vec::new();
        let mut items = Vec::new();
        let matches = self.resolve_each(names);
        if action == Action::Start && deps {
            let named: Vec<ProcessId> = matches.iter().flat_map(|m| m.ids.iter().copied()).collect();
            for (id, needed_by) in self.needed_by(&named) {
                let name = self.display_name(id);
                // Key 0 sorts first: what a start brings along is said before the start itself.
                results.push((0, ok(&name, &format!("starting (needed by {needed_by})"))));
                self.start_when_ready(id);
                items.push(ActionItem { id, name, slot: 0, step: jobs::Step::AwaitStarted, report: false });
            }
        }
        // A stop of several processes takes dependants first: the others are held (`ordered_stop`).
        let held = if action == Action::Stop {
            let named: Vec<ProcessId> = matches.iter().flat_map(|m| m.ids.iter().copied()).collect();
            self.stops_to_hold(&named)
        } else {
            HashSet::new()
        };
        let mut seen = HashSet::new();
        for (index, m) in matches.iter().enumerate() {
            if let Some(line) = no_match(m) {
                if action != Action::Start {
                    results.push((slot(index, 0), line.clone()));
                }
                if action != Action::Stop {
                    results.push((START_PHASE | slot(index, 0), line));
                }
                continue;
            }
            for (position, &id) in m.ids.iter().enumerate() {
                let key = slot(index, position);
                let name = self.display_name(id);
                let state = self.processes[&id].public_state();
                let many = m.form == Form::Many;
                match action {
                    Action::Start if many && running(state) => continue,
                    Action::Stop if many && !running(state) => continue,
                    _ => {}
                }
                // A process named twice is acted on once (what a skip passed over is not done).
                if !seen.insert(id) {
                    continue;
                }
                let starts = action == Action::Start || (action == Action::Restart && !running(state));
                if starts
                    && state != ProcessState::Stopping
                    && let Some(problem) = self.command_problem(id, &name)
                {
                    if action == Action::Restart && !many {
                        results.push((key, failed(&name, "not running", ErrorKind::NotRunning)));
                    }
                    results.push((START_PHASE | key, problem));
                    continue;
                }
                if !self.take_over(id) {
                    results.push((key, failed(&name, "being removed by an update", ErrorKind::Failed)));
                    continue;
                }
                self.cancel_pending_start(id);
                let hold = held.contains(&id);
                let refused = match action {
                    Action::Start if deps => self.start_when_ready(id),
                    Action::Stop if hold => None,
                    _ => self.feed(id, action.first_input()),
                };
                if action == Action::Restart && !many && refused == Some(Refusal::NotRunning) {
                    results.push((key, failed(&name, "not running", ErrorKind::NotRunning)));
                }
                let mut begin = jobs::begin(action, &name, refused);
                if hold {
                    begin.step = jobs::Step::HeldStop;
                }
                if begin.start_now {
                    self.feed(id, Input::Start);
                }
                let failure_key = if action == Action::Stop { key } else { START_PHASE | key };
                results.extend(begin.failure.map(|line| (failure_key, line)));
                if !wait && begin.step != jobs::Step::Done {
                    results.push((key, ok(&name, action.no_wait_message())));
                }
                items.push(ActionItem { id, name, slot: key, step: begin.step, report: true });
            }
        }
        if wait {
            self.new_job(Some(client), JobKind::Actions(items), results);
            self.settle_jobs();
            Handled::Later
        } else {
            results.sort_by_key(|(key, _)| *key);
            self.new_job(None, JobKind::Actions(items), Vec::new());
            self.settle_jobs();
            Handled::Reply(Response::Results { results: results.into_iter().map(|(_, r)| r).collect() })
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
        // Unknown names first, then the processes in order (wait items are keyed by position).
        let results = super::unknown_names(&resolved.unknown).into_iter().map(|r| (0, r)).collect();
        let items =
            resolved.ids.iter().map(|id| WaitItem { id: *id, name: self.display_name(*id), done: false }).collect();
        let job_id = self.next_job_id();
        let deadline = timeout_ms
            .map(|ms| self.timers.insert(Instant::now() + Duration::from_millis(ms), TimerEvent::JobDeadline(job_id)));
        self.new_job(Some(client), JobKind::Wait { items, want, deadline, timed_out: false }, results);
        self.settle_jobs();
        Handled::Later
    }

    /// `signal SIG NAME…`: sent to each process that has a pid (STARTING, RUNNING, STOPPING).
    /// An unknown signal is told per process, as supervisord does.
    pub(super) fn signal_processes(&mut self, signal: &str, names: &[String]) -> Response {
        let signal = Signal::parse(signal).ok();
        let mut results = Vec::new();
        let mut seen = HashSet::new();
        for m in self.resolve_each(names) {
            results.extend(no_match(&m));
            for id in m.ids {
                let Some(p) = self.processes.get(&id) else { continue };
                let name = p.config.qualified_name();
                let pid = p.state.pid();
                if (m.form == Form::Many && pid.is_none()) || !seen.insert(id) {
                    continue;
                }
                results.push(match (signal, pid) {
                    (None, _) => failed(&name, "bad signal name", ErrorKind::BadSignal),
                    (Some(_), None) => failed(&name, "not running", ErrorKind::NotRunning),
                    (Some(signal), Some(pid)) => match nix::sys::signal::kill(Pid::from_raw(pid as i32), signal.0) {
                        Ok(()) => ok(&name, "signalled"),
                        Err(e) => failed(&name, &format!("can't signal: {e}"), ErrorKind::Failed),
                    },
                });
            }
        }
        Response::Results { results }
    }
}
