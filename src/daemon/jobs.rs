//! Client jobs: the work a request starts that outlives one pass of the loop, and the answer
//! it owes. Pure: [`advance`] reads the processes' states through a lookup and returns the
//! commands the supervisor must carry out, so every step is tested from tables below.
//!
//! A job is either a list of [`ActionItem`]s (`start`, `stop`, `restart`, and the stops an
//! `update` must wait for), each walking through its [`Step`]s, or a `wait` for processes to
//! reach a state. The supervisor calls [`advance`] after anything that may change a state,
//! carries out the returned [`Command`]s, and calls it again until it returns none; a job that
//! [`Job::is_finished`] is answered with [`Job::finish`].
//!
//! The latest request about a process decides what happens to it: [`take_over`] ends the
//! pending steps of earlier jobs on that process (they report "superseded").

use super::process_state::{Input, Refusal};
use super::requests::ClientId;
use super::supervisor::ProcessId;
use super::timers::TimerId;
use crate::config::ProcessConfig;
use crate::protocol::{ErrorKind, ProcessResult, ProcessState};

/// The operator actions a job carries out on each process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
}

impl Action {
    /// The input the action feeds the process first.
    pub fn first_input(self) -> Input {
        match self {
            Action::Start => Input::Start,
            Action::Stop | Action::Restart => Input::Stop,
        }
    }

    /// The line answered at once when the client does not wait.
    pub fn no_wait_message(self) -> &'static str {
        match self {
            Action::Start => "starting",
            Action::Stop => "stopping",
            Action::Restart => "restarting",
        }
    }
}

/// Where a start, stop, restart or reload change of one process has got to.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    AwaitStopped {
        then: AfterStop,
    },
    /// A stop not sent yet: other processes of the same request depend on this one and stop
    /// first (`ordered_stop`); it becomes `AwaitStopped` when they are down.
    HeldStop,
    AwaitStarted,
    Done,
}

/// What to do with a process once it has stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterStop {
    Nothing,
    Start,
    /// Give way to a fresh process with these settings, started if autostart (a process of a
    /// group an update changed).
    Replace(Box<ProcessConfig>),
    /// Drop it (a program gone from the config).
    Remove,
}

/// Where a line of the reply goes: its phase (a restart's stops come before its starts, as
/// supervisorctl's restart is a stop of every name, then a start) and its item's slot.
pub type LineKey = u64;

/// The phase bit of a start's lines in a [`LineKey`].
pub const START_PHASE: LineKey = 1 << 32;

#[derive(Debug, Clone, PartialEq)]
pub struct ActionItem {
    pub id: ProcessId,
    pub name: String,
    /// The item's place in the reply (the order of the names asked for).
    pub slot: LineKey,
    pub step: Step,
    /// Whether each step's outcome is a line of the reply (start/stop), or the job's reply was
    /// written up front (update).
    pub report: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitItem {
    pub id: ProcessId,
    pub name: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobKind {
    /// start, stop, restart, update: each item walks through its steps.
    Actions(Vec<ActionItem>),
    /// wait: each process must reach `want`, unless `timed_out` first.
    Wait { items: Vec<WaitItem>, want: ProcessState, deadline: Option<TimerId>, timed_out: bool },
}

/// Work a client may wait for. A restart goes on even if its client left (`reply_to` None).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: u64,
    pub reply_to: Option<ClientId>,
    pub kind: JobKind,
    /// The reply's lines so far, each with where it goes in the reply.
    pub results: Vec<(LineKey, ProcessResult)>,
}

/// What a job needs to know of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub state: ProcessState,
    /// Its last spawn failed (as opposed to an exit).
    pub spawn_error: bool,
    /// Its start waits for its dependencies (`monitor`).
    pub waiting: Waiting,
}

/// Whether a process's start is held back by its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    No,
    /// Until they get there.
    Yes,
    /// One of them failed for good (FATAL): the start waits, but the client is answered.
    Blocked,
}

/// What the supervisor must do for a job.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Feed [`Input::Start`].
    Start(ProcessId),
    /// Replace the process by a fresh one with these settings, started if autostart.
    Renew(ProcessId, Box<ProcessConfig>),
    /// Drop the process from the table.
    Remove(ProcessId),
}

pub fn ok(name: &str, message: &str) -> ProcessResult {
    ProcessResult { name: name.to_string(), message: message.to_string(), error: None }
}

pub fn failed(name: &str, message: &str, kind: ErrorKind) -> ProcessResult {
    ProcessResult { name: name.to_string(), message: message.to_string(), error: Some(kind) }
}

/// How an action's item starts, given what its first input did.
#[derive(Debug, Clone, PartialEq)]
pub struct Begin {
    pub step: Step,
    /// The item's line when the action was refused outright.
    pub failure: Option<ProcessResult>,
    /// Feed [`Input::Start`] now (a restart of a process that was not running).
    pub start_now: bool,
}

/// The first step of `action` on process `name`, once [`Action::first_input`] was fed and
/// answered `refused`.
pub fn begin(action: Action, name: &str, refused: Option<Refusal>) -> Begin {
    let plain = |step| Begin { step, failure: None, start_now: false };
    match (action, refused) {
        (Action::Start, Some(Refusal::AlreadyStarted)) => Begin {
            step: Step::Done,
            failure: Some(failed(name, "already started", ErrorKind::AlreadyStarted)),
            start_now: false,
        },
        (Action::Start, _) => plain(Step::AwaitStarted),
        (Action::Stop, Some(Refusal::NotRunning)) => Begin {
            step: Step::Done,
            failure: Some(failed(name, "not running", ErrorKind::NotRunning)),
            start_now: false,
        },
        (Action::Stop, _) => plain(Step::AwaitStopped { then: AfterStop::Nothing }),
        (Action::Restart, Some(Refusal::NotRunning)) => {
            Begin { step: Step::AwaitStarted, failure: None, start_now: true }
        }
        (Action::Restart, _) => plain(Step::AwaitStopped { then: AfterStop::Start }),
    }
}

impl Job {
    pub fn is_finished(&self) -> bool {
        match &self.kind {
            JobKind::Actions(items) => items.iter().all(|item| item.step == Step::Done),
            JobKind::Wait { items, .. } => items.iter().all(|item| item.done),
        }
    }

    /// Who to answer, and the answer: results in the order of the names asked for (a
    /// restart's stops first), not of their completion.
    pub fn finish(mut self) -> (Option<ClientId>, Vec<ProcessResult>) {
        self.results.sort_by_key(|(key, _)| *key);
        (self.reply_to, self.results.into_iter().map(|(_, r)| r).collect())
    }
}

/// Moves a job forward as far as the observed states allow; returns the commands to carry
/// out before observing again.
pub fn advance(job: &mut Job, observe: impl Fn(ProcessId) -> Option<Observed>) -> Vec<Command> {
    let mut commands = Vec::new();
    match &mut job.kind {
        JobKind::Actions(items) => {
            for item in items.iter_mut() {
                advance_item(item, observe(item.id), &mut job.results, &mut commands);
            }
        }
        JobKind::Wait { items, want, timed_out, .. } => {
            for (slot, item) in items.iter_mut().enumerate().filter(|(_, item)| !item.done) {
                if let Some(result) = wait_outcome(&item.name, observe(item.id), *want, *timed_out) {
                    job.results.push((slot as LineKey, result));
                    item.done = true;
                }
            }
        }
    }
    commands
}

fn advance_item(
    item: &mut ActionItem,
    observed: Option<Observed>,
    results: &mut Vec<(LineKey, ProcessResult)>,
    commands: &mut Vec<Command>,
) {
    let started_key = START_PHASE | item.slot;
    let Some(observed) = observed else {
        if item.step != Step::Done {
            results.push((started_key, failed(&item.name, "no such process", ErrorKind::NoSuchProcess)));
            item.step = Step::Done;
        }
        return;
    };
    match &item.step {
        Step::Done => {}
        Step::AwaitStopped { .. } | Step::HeldStop if observed.state.is_running() => {}
        Step::HeldStop => {
            // It went down by itself while it waited for its dependants.
            if item.report {
                results.push((item.slot, ok(&item.name, "stopped")));
            }
            item.step = Step::Done;
        }
        Step::AwaitStopped { then } => {
            if item.report {
                results.push((item.slot, ok(&item.name, "stopped")));
            }
            item.step = match then.clone() {
                AfterStop::Nothing => Step::Done,
                AfterStop::Start => {
                    commands.push(Command::Start(item.id));
                    Step::AwaitStarted
                }
                AfterStop::Replace(config) => {
                    commands.push(Command::Renew(item.id, config));
                    Step::Done
                }
                AfterStop::Remove => {
                    commands.push(Command::Remove(item.id));
                    Step::Done
                }
            };
        }
        Step::AwaitStarted => {
            // As supervisord: BACKOFF and FATAL always come with a spawn error ("Exited too
            // quickly" included); leaving STARTING any other way is an abnormal termination.
            let result = match (observed.state, observed.waiting) {
                (_, Waiting::Yes) | (ProcessState::Starting, _) => return,
                (_, Waiting::Blocked) => {
                    failed(&item.name, "a dependency failed; it waits for it (see status)", ErrorKind::Failed)
                }
                (ProcessState::Running, _) => ok(&item.name, "started"),
                (ProcessState::Backoff | ProcessState::Fatal, _) => {
                    failed(&item.name, "spawn error", ErrorKind::SpawnError)
                }
                _ if observed.spawn_error => failed(&item.name, "spawn error", ErrorKind::SpawnError),
                _ => failed(&item.name, "abnormal termination", ErrorKind::AbnormalTermination),
            };
            results.push((started_key, result));
            item.step = Step::Done;
        }
    }
}

fn wait_outcome(name: &str, observed: Option<Observed>, want: ProcessState, timed_out: bool) -> Option<ProcessResult> {
    let Some(Observed { state, .. }) = observed else {
        return Some(failed(name, "no such process", ErrorKind::NoSuchProcess));
    };
    if state == want {
        return Some(ok(name, state.as_str()));
    }
    if state == ProcessState::Fatal {
        return Some(failed(name, &format!("entered FATAL, not {want}"), ErrorKind::Failed));
    }
    timed_out.then(|| failed(name, &format!("timed out waiting for {want} (still {state})"), ErrorKind::Failed))
}

/// Ends the pending steps of every job on `id`, telling the reporting ones they were
/// superseded. Returns the settings changes that were waiting for a stop (to apply now,
/// without the start they planned), or None, changing nothing, when a removal is pending:
/// a process on its way out is never taken over.
pub fn take_over(jobs: &mut [Job], id: ProcessId) -> Option<Vec<ProcessConfig>> {
    let removing = jobs.iter().any(|job| match &job.kind {
        JobKind::Actions(items) => {
            items.iter().any(|i| i.id == id && matches!(i.step, Step::AwaitStopped { then: AfterStop::Remove }))
        }
        JobKind::Wait { .. } => false,
    });
    if removing {
        return None;
    }
    let mut replaced = Vec::new();
    for job in jobs {
        let Job { kind: JobKind::Actions(items), results, .. } = job else { continue };
        for item in items.iter_mut().filter(|i| i.id == id && i.step != Step::Done) {
            if let Step::AwaitStopped { then: AfterStop::Replace(config) } = &item.step {
                replaced.push((**config).clone());
            }
            if item.report {
                let line = failed(&item.name, "superseded by a later request", ErrorKind::Failed);
                results.push((START_PHASE | item.slot, line));
            }
            item.step = Step::Done;
        }
    }
    Some(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProcessState::*;

    const A: ProcessId = ProcessId(1);
    const B: ProcessId = ProcessId(2);

    fn seen(state: ProcessState) -> Option<Observed> {
        Some(Observed { state, spawn_error: false, waiting: Waiting::No })
    }

    fn item(id: ProcessId, step: Step) -> ActionItem {
        let name = if id == A { "a" } else { "b" };
        ActionItem { id, name: name.into(), slot: id.0, step, report: true }
    }

    fn lines(job: &Job) -> Vec<ProcessResult> {
        job.results.iter().map(|(_, r)| r.clone()).collect()
    }

    fn actions(items: Vec<ActionItem>) -> Job {
        Job { id: 7, reply_to: Some(ClientId(3)), kind: JobKind::Actions(items), results: Vec::new() }
    }

    fn config() -> Box<ProcessConfig> {
        Box::new(crate::daemon::process_state::tests::policy())
    }

    #[test]
    fn every_first_step() {
        let fail = |m: &str, kind| Some(failed("a", m, kind));
        let cases: Vec<(Action, Option<Refusal>, Begin)> = vec![
            (Action::Start, None, Begin { step: Step::AwaitStarted, failure: None, start_now: false }),
            (
                Action::Start,
                Some(Refusal::AlreadyStarted),
                Begin {
                    step: Step::Done,
                    failure: fail("already started", ErrorKind::AlreadyStarted),
                    start_now: false,
                },
            ),
            (Action::Start, Some(Refusal::Stale), Begin { step: Step::AwaitStarted, failure: None, start_now: false }),
            (
                Action::Stop,
                None,
                Begin { step: Step::AwaitStopped { then: AfterStop::Nothing }, failure: None, start_now: false },
            ),
            (
                Action::Stop,
                Some(Refusal::NotRunning),
                Begin { step: Step::Done, failure: fail("not running", ErrorKind::NotRunning), start_now: false },
            ),
            (
                Action::Restart,
                None,
                Begin { step: Step::AwaitStopped { then: AfterStop::Start }, failure: None, start_now: false },
            ),
            (
                Action::Restart,
                Some(Refusal::NotRunning),
                Begin { step: Step::AwaitStarted, failure: None, start_now: true },
            ),
        ];
        for (action, refused, expected) in cases {
            assert_eq!(begin(action, "a", refused), expected, "{action:?} refused {refused:?}");
        }
        assert_eq!(Action::Start.first_input(), Input::Start);
        assert_eq!(Action::Restart.first_input(), Input::Stop);
        assert_eq!(Action::Restart.no_wait_message(), "restarting");
    }

    #[test]
    fn every_action_step() {
        let stopped_then = |then| Step::AwaitStopped { then };
        // (step, observed, results, next step, commands)
        type Case = (Step, Option<Observed>, Vec<ProcessResult>, Step, Vec<Command>);
        let cases: Vec<Case> = vec![
            (Step::AwaitStarted, seen(Starting), vec![], Step::AwaitStarted, vec![]),
            (Step::AwaitStarted, seen(Running), vec![ok("a", "started")], Step::Done, vec![]),
            // A start held back by its dependencies waits; one whose dependency failed answers.
            (
                Step::AwaitStarted,
                Some(Observed { state: Stopped, spawn_error: false, waiting: Waiting::Yes }),
                vec![],
                Step::AwaitStarted,
                vec![],
            ),
            (
                Step::AwaitStarted,
                Some(Observed { state: Stopped, spawn_error: false, waiting: Waiting::Blocked }),
                vec![failed("a", "a dependency failed; it waits for it (see status)", ErrorKind::Failed)],
                Step::Done,
                vec![],
            ),
            (
                Step::AwaitStarted,
                Some(Observed { state: Backoff, spawn_error: true, waiting: Waiting::No }),
                vec![failed("a", "spawn error", ErrorKind::SpawnError)],
                Step::Done,
                vec![],
            ),
            (
                Step::AwaitStarted,
                seen(Backoff),
                vec![failed("a", "spawn error", ErrorKind::SpawnError)],
                Step::Done,
                vec![],
            ),
            (
                Step::AwaitStarted,
                seen(Stopped),
                vec![failed("a", "abnormal termination", ErrorKind::AbnormalTermination)],
                Step::Done,
                vec![],
            ),
            (
                Step::AwaitStarted,
                None,
                vec![failed("a", "no such process", ErrorKind::NoSuchProcess)],
                Step::Done,
                vec![],
            ),
            (stopped_then(AfterStop::Nothing), seen(Stopping), vec![], stopped_then(AfterStop::Nothing), vec![]),
            (stopped_then(AfterStop::Nothing), seen(Running), vec![], stopped_then(AfterStop::Nothing), vec![]),
            (stopped_then(AfterStop::Nothing), seen(Stopped), vec![ok("a", "stopped")], Step::Done, vec![]),
            (stopped_then(AfterStop::Nothing), seen(Exited), vec![ok("a", "stopped")], Step::Done, vec![]),
            // A held stop waits while the process runs (its release is `ordered_stop`'s); one
            // that went down by itself meanwhile is stopped.
            (Step::HeldStop, seen(Running), vec![], Step::HeldStop, vec![]),
            (Step::HeldStop, seen(Exited), vec![ok("a", "stopped")], Step::Done, vec![]),
            (
                stopped_then(AfterStop::Start),
                seen(Stopped),
                vec![ok("a", "stopped")],
                Step::AwaitStarted,
                vec![Command::Start(A)],
            ),
            (
                stopped_then(AfterStop::Replace(config())),
                seen(Stopped),
                vec![ok("a", "stopped")],
                Step::Done,
                vec![Command::Renew(A, config())],
            ),
            (
                stopped_then(AfterStop::Remove),
                seen(Fatal),
                vec![ok("a", "stopped")],
                Step::Done,
                vec![Command::Remove(A)],
            ),
            (
                stopped_then(AfterStop::Start),
                None,
                vec![failed("a", "no such process", ErrorKind::NoSuchProcess)],
                Step::Done,
                vec![],
            ),
            (Step::Done, seen(Running), vec![], Step::Done, vec![]),
            (Step::Done, None, vec![], Step::Done, vec![]),
        ];
        for (step, observed, results, next, commands) in cases {
            let mut job = actions(vec![item(A, step.clone())]);
            let got = advance(&mut job, |_| observed);
            let JobKind::Actions(items) = &job.kind else { unreachable!() };
            assert_eq!(
                (&lines(&job), &items[0].step, &got),
                (&results, &next, &commands),
                "{step:?} seeing {observed:?}"
            );
        }
    }

    #[test]
    fn silent_items_report_nothing_but_still_act() {
        let mut job =
            actions(vec![ActionItem { report: false, ..item(A, Step::AwaitStopped { then: AfterStop::Remove }) }]);
        assert_eq!(advance(&mut job, |_| seen(Stopped)), vec![Command::Remove(A)]);
        assert!(job.results.is_empty());
        assert!(job.is_finished());
    }

    #[test]
    fn a_job_finishes_when_every_item_is_done_and_answers_in_request_order() {
        let mut job =
            actions(vec![item(A, Step::AwaitStopped { then: AfterStop::Start }), item(B, Step::AwaitStarted)]);
        let state = std::cell::Cell::new(Stopped);
        // B settles first, A is stopped and must be started.
        let commands = advance(&mut job, |id| if id == B { seen(Running) } else { seen(state.get()) });
        assert_eq!(commands, vec![Command::Start(A)]);
        assert!(!job.is_finished());
        state.set(Starting);
        assert!(advance(&mut job, |id| if id == B { seen(Running) } else { seen(state.get()) }).is_empty());
        assert!(!job.is_finished());
        state.set(Running);
        advance(&mut job, |_| seen(state.get()));
        assert!(job.is_finished());
        let (reply_to, results) = job.finish();
        assert_eq!(reply_to, Some(ClientId(3)));
        // A restart's stops come first, then the starts, each in the order asked for.
        assert_eq!(results, vec![ok("a", "stopped"), ok("a", "started"), ok("b", "started")]);
    }

    #[test]
    fn a_restart_answers_its_stops_before_its_starts() {
        // Two restarts: each line goes to its phase, then its item's place.
        let mut job = actions(vec![
            item(A, Step::AwaitStopped { then: AfterStop::Start }),
            item(B, Step::AwaitStopped { then: AfterStop::Start }),
        ]);
        advance(&mut job, |_| seen(Stopped));
        advance(&mut job, |_| seen(Running));
        assert!(job.is_finished());
        let (_, results) = job.finish();
        assert_eq!(results, vec![ok("a", "stopped"), ok("b", "stopped"), ok("a", "started"), ok("b", "started")]);
    }

    fn wait_job(want: ProcessState, timed_out: bool) -> Job {
        let items = vec![WaitItem { id: A, name: "a".into(), done: false }];
        Job {
            id: 1,
            reply_to: Some(ClientId(9)),
            kind: JobKind::Wait { items, want, deadline: None, timed_out },
            results: vec![],
        }
    }

    #[test]
    fn every_wait_outcome() {
        let cases: Vec<(ProcessState, bool, Option<Observed>, Option<ProcessResult>)> = vec![
            (Running, false, seen(Running), Some(ok("a", "RUNNING"))),
            (Stopped, false, seen(Stopped), Some(ok("a", "STOPPED"))),
            (Fatal, false, seen(Fatal), Some(ok("a", "FATAL"))),
            (Running, false, seen(Starting), None),
            (Running, false, seen(Fatal), Some(failed("a", "entered FATAL, not RUNNING", ErrorKind::Failed))),
            (Running, true, seen(Fatal), Some(failed("a", "entered FATAL, not RUNNING", ErrorKind::Failed))),
            (
                Running,
                true,
                seen(Backoff),
                Some(failed("a", "timed out waiting for RUNNING (still BACKOFF)", ErrorKind::Failed)),
            ),
            (Running, false, None, Some(failed("a", "no such process", ErrorKind::NoSuchProcess))),
        ];
        for (want, timed_out, observed, expected) in cases {
            let mut job = wait_job(want, timed_out);
            assert!(advance(&mut job, |_| observed).is_empty());
            assert_eq!(lines(&job).first(), expected.as_ref(), "want {want} timed_out {timed_out} seeing {observed:?}");
            assert_eq!(job.is_finished(), expected.is_some());
        }
    }

    #[test]
    fn a_finished_wait_item_reports_once() {
        let mut job = wait_job(Running, false);
        advance(&mut job, |_| seen(Running));
        advance(&mut job, |_| seen(Fatal));
        assert_eq!(lines(&job), vec![ok("a", "RUNNING")]);
    }

    #[test]
    fn take_over_supersedes_pending_steps() {
        let mut jobs = vec![
            actions(vec![item(A, Step::AwaitStarted), item(B, Step::AwaitStarted)]),
            actions(vec![ActionItem {
                report: false,
                ..item(A, Step::AwaitStopped { then: AfterStop::Replace(config()) })
            }]),
            actions(vec![item(A, Step::Done)]),
            wait_job(Running, false),
        ];
        assert_eq!(take_over(&mut jobs, A), Some(vec![*config()]));
        assert_eq!(lines(&jobs[0]), vec![failed("a", "superseded by a later request", ErrorKind::Failed)]);
        let JobKind::Actions(items) = &jobs[0].kind else { unreachable!() };
        assert_eq!((&items[0].step, &items[1].step), (&Step::Done, &Step::AwaitStarted));
        // The silent update item and the finished item say nothing; the wait is left alone.
        assert!(jobs[1].results.is_empty() && jobs[2].results.is_empty());
        assert!(jobs[1].is_finished());
        assert!(!jobs[3].is_finished());
    }

    #[test]
    fn a_pending_removal_is_never_taken_over() {
        let removal =
            actions(vec![ActionItem { report: false, ..item(A, Step::AwaitStopped { then: AfterStop::Remove }) }]);
        let mut jobs = vec![actions(vec![item(A, Step::AwaitStarted)]), removal];
        let before = jobs.clone();
        assert_eq!(take_over(&mut jobs, A), None);
        assert_eq!(jobs, before);
        assert_eq!(take_over(&mut jobs, B), Some(vec![]));
    }
}
