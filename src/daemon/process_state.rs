//! A process's states: supervisord's state machine as a pure function.
//!
//! [`transition`] takes a state, an input, the process's settings and the current time, and
//! returns the next state with the effects the event loop must carry out (spawn, signal, arm a
//! timer, log a line). No I/O and no clock happen here, so every move, the illegal ones
//! included, is tested from tables below.
//!
//! The wanted state ([`Wanted`]) is kept apart from the observed one, as runit does: while the
//! daemon wants its processes down (shutting down, reloading), no transition spawns.
//!
//! A crash loop is not a fork bomb: a process that exits from RUNNING less than
//! [`MIN_RESTART_INTERVAL`] after its spawn waits in COOLING_DOWN (shown as EXITED) until that
//! long after its spawn, as supervisord's one-second tick does by accident; one that ran longer
//! restarts at once.
//!
//! A pid exists only in the states that have one. The consecutive failed starts (supervisord's
//! "backoff" counter) live in STARTING and BACKOFF only: reaching RUNNING forgets them.

use std::time::{Duration, Instant};

use log::Level;

use crate::config::{AutoRestart, ProcessConfig, Readiness, Signal};
use crate::protocol::{ExitStatus, ProcessState};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Stopped,
    Starting {
        pid: u32,
        since: Instant,
        failures: u32,
    },
    Running {
        pid: u32,
        since: Instant,
    },
    Backoff {
        failures: u32,
        retry_at: Instant,
    },
    /// `kill_at` is when SIGKILL follows; None once it has been sent.
    Stopping {
        pid: u32,
        kill_at: Option<Instant>,
    },
    Exited {
        status: ExitStatus,
    },
    /// Exited after a short run and to be restarted at `restart_at` (a crash loop's pause).
    CoolingDown {
        status: ExitStatus,
        restart_at: Instant,
    },
    Fatal,
    /// Stopping (as the public sees it) for a reason of the daemon's own, with what follows the
    /// exit: a restart (an unhealthy process, a silent watchdog), or a failed start (a notify
    /// program that never said READY=1).
    Recycling {
        pid: u32,
        kill_at: Option<Instant>,
        then: AfterKill,
    },
}

/// What follows the exit of a [`State::Recycling`] process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterKill {
    Restart,
    FailedStart { failures: u32 },
}

/// The shortest time between two automatic spawns of a process that keeps exiting at once.
pub const MIN_RESTART_INTERVAL: Duration = Duration::from_secs(1);

impl State {
    pub fn pid(&self) -> Option<u32> {
        match self {
            State::Starting { pid, .. }
            | State::Running { pid, .. }
            | State::Stopping { pid, .. }
            | State::Recycling { pid, .. } => Some(*pid),
            _ => None,
        }
    }

    pub fn public(&self) -> ProcessState {
        match self {
            State::Stopped => ProcessState::Stopped,
            State::Starting { .. } => ProcessState::Starting,
            State::Running { .. } => ProcessState::Running,
            State::Backoff { .. } => ProcessState::Backoff,
            State::Stopping { .. } | State::Recycling { .. } => ProcessState::Stopping,
            State::Exited { .. } | State::CoolingDown { .. } => ProcessState::Exited,
            State::Fatal => ProcessState::Fatal,
        }
    }

    /// The failures carried into the next spawn attempt.
    fn failures(&self) -> u32 {
        match self {
            State::Starting { failures, .. } | State::Backoff { failures, .. } => *failures,
            _ => 0,
        }
    }
}

/// What happens to a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An operator's start, or autostart.
    Start,
    /// An operator's stop, or shutdown.
    Stop,
    /// The loop carried out [`Effect::Spawn`] and the child runs.
    SpawnSucceeded { pid: u32 },
    /// The loop carried out [`Effect::Spawn`] and it failed (command not found, ...).
    SpawnFailed { error: String },
    /// The child was reaped.
    Exited { pid: u32, status: ExitStatus },
    /// The timers this module arms.
    Timer(Timer),
    /// A notify program sent READY=1.
    Ready { pid: u32 },
    /// Restart `pid` (unhealthy, or its watchdog went silent); `why` is logged.
    Restart { pid: u32, why: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// startsecs have passed since the spawn of `pid`.
    StartSecs { pid: u32 },
    /// The back-off delay is over.
    Retry,
    /// stopwaitsecs have passed since `pid` was asked to stop.
    StopTimeout { pid: u32 },
    /// A crash loop's pause is over (COOLING_DOWN).
    Restart,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Spawn the process, then feed back SpawnSucceeded or SpawnFailed.
    Spawn,
    /// Send `signal` to `pid`, or to its process group.
    Kill { pid: u32, signal: Signal, group: bool },
    /// Deliver [`Input::Timer`] at `at`. A process has at most one pending timer: arming one
    /// replaces the last, and any transition that arms none cancels it.
    Arm { at: Instant, timer: Timer },
    /// A line for the activity log.
    Log { level: Level, message: String },
}

/// Why an input was not acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AlreadyStarted,
    NotRunning,
    /// An input that does not apply to the state, such as a timer or exit of an older pid.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub state: State,
    pub effects: Vec<Effect>,
    pub refused: Option<Refusal>,
}

impl Transition {
    fn to(state: State, effects: Vec<Effect>) -> Self {
        Transition { state, effects, refused: None }
    }

    fn refuse(state: &State, why: Refusal) -> Self {
        Transition { state: state.clone(), effects: Vec::new(), refused: Some(why) }
    }
}

fn log(level: Level, message: String) -> Effect {
    Effect::Log { level, message }
}

/// supervisord's wording for how a process ended.
pub fn describe_exit(status: ExitStatus) -> String {
    match status {
        ExitStatus::Code(code) => format!("exit status {code}"),
        ExitStatus::Signal(n) => {
            let name = nix::sys::signal::Signal::try_from(n).map(|s| s.as_str().to_string()).unwrap_or(n.to_string());
            format!("terminated by {name}")
        }
    }
}

/// Whether an exit from RUNNING is one of the configured expected ones.
pub fn is_expected(status: ExitStatus, policy: &ProcessConfig) -> bool {
    matches!(status, ExitStatus::Code(code) if policy.exitcodes.contains(&code))
}

/// What the daemon wants of its processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Serving: starts, autorestarts and back-off retries spawn.
    Up,
    /// Shutting down or reloading: nothing spawns. A start, an exit that would restart and a
    /// back-off retry leave the process where it is, for the stop that follows.
    Down,
}

/// The next state of a process, and what to do about it.
pub fn transition(state: &State, input: &Input, policy: &ProcessConfig, wanted: Wanted, now: Instant) -> Transition {
    let mut next = transition_up(state, input, policy, now);
    if wanted == Wanted::Down {
        next.effects
            .retain(|effect| *effect != Effect::Spawn && !matches!(effect, Effect::Arm { timer: Timer::Restart, .. }));
        // A restart put off is a restart all the same: none while the processes are wanted down.
        if let State::CoolingDown { status, .. } = next.state {
            next.state = State::Exited { status };
        }
    }
    next
}

/// [`transition`] while the processes are wanted up.
fn transition_up(state: &State, input: &Input, policy: &ProcessConfig, now: Instant) -> Transition {
    let name = &policy.name;
    match (state, input) {
        (State::Stopped | State::Exited { .. } | State::Fatal, Input::Start) => {
            Transition::to(state.clone(), vec![Effect::Spawn])
        }
        (
            State::Starting { .. }
            | State::Running { .. }
            | State::Backoff { .. }
            | State::Stopping { .. }
            | State::Recycling { .. },
            Input::Start,
        ) => Transition::refuse(state, Refusal::AlreadyStarted),

        (
            State::Stopped | State::Exited { .. } | State::Fatal | State::Backoff { .. },
            Input::SpawnSucceeded { pid },
        ) => {
            let failures = state.failures();
            let spawned = log(Level::Info, format!("spawned: '{name}' with pid {pid}"));
            if policy.health.readiness == Readiness::Notify {
                // RUNNING comes with READY=1; startsecs is how long to wait for it (0: for ever).
                let mut effects = vec![spawned];
                if policy.startsecs > 0 {
                    let at = now + Duration::from_secs(policy.startsecs);
                    effects.push(Effect::Arm { at, timer: Timer::StartSecs { pid: *pid } });
                }
                Transition::to(State::Starting { pid: *pid, since: now, failures }, effects)
            } else if policy.startsecs == 0 {
                let success = log(
                    Level::Info,
                    format!(
                        "success: {name} entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)"
                    ),
                );
                Transition::to(State::Running { pid: *pid, since: now }, vec![spawned, success])
            } else {
                let at = now + Duration::from_secs(policy.startsecs);
                let timer = Effect::Arm { at, timer: Timer::StartSecs { pid: *pid } };
                Transition::to(State::Starting { pid: *pid, since: now, failures }, vec![spawned, timer])
            }
        }
        (
            State::Stopped | State::Exited { .. } | State::Fatal | State::Backoff { .. },
            Input::SpawnFailed { error },
        ) => failed_start(state.failures(), vec![log(Level::Info, format!("spawnerr: {error}"))], policy, now),

        (State::Starting { pid, failures, .. }, Input::Timer(Timer::StartSecs { pid: timer_pid }))
            if pid == timer_pid && policy.health.readiness == Readiness::Notify =>
        {
            let message = format!(
                "{name} sent no READY=1 within {} seconds (startsecs); killing it as a failed start",
                policy.startsecs
            );
            let signal = Signal(nix::sys::signal::Signal::SIGKILL);
            let effects =
                vec![log(Level::Info, message), Effect::Kill { pid: *pid, signal, group: policy.killasgroup }];
            let then = AfterKill::FailedStart { failures: *failures };
            Transition::to(State::Recycling { pid: *pid, kill_at: None, then }, effects)
        }
        (State::Starting { pid, since, .. }, Input::Ready { pid: ready_pid })
            if pid == ready_pid && policy.health.readiness == Readiness::Notify =>
        {
            let message = format!("success: {name} entered RUNNING state, process sent READY=1");
            Transition::to(State::Running { pid: *pid, since: *since }, vec![log(Level::Info, message)])
        }
        (State::Starting { pid, .. } | State::Running { pid, .. }, Input::Restart { pid: target, why })
            if pid == target =>
        {
            let at = now + Duration::from_secs(policy.stopwaitsecs);
            let effects = vec![
                log(Level::Info, format!("restarting: {name} (pid {pid}): {why}")),
                Effect::Kill { pid: *pid, signal: policy.stopsignal, group: policy.stopasgroup },
                Effect::Arm { at, timer: Timer::StopTimeout { pid: *pid } },
            ];
            Transition::to(State::Recycling { pid: *pid, kill_at: Some(at), then: AfterKill::Restart }, effects)
        }
        (State::Recycling { pid, kill_at, .. }, Input::Stop) => {
            // The operator's stop wins: no restart, no retry after this exit.
            let effects = kill_at.map(|at| Effect::Arm { at, timer: Timer::StopTimeout { pid: *pid } });
            Transition::to(State::Stopping { pid: *pid, kill_at: *kill_at }, effects.into_iter().collect())
        }
        (State::Recycling { pid, then, .. }, Input::Timer(Timer::StopTimeout { pid: timer_pid }))
            if pid == timer_pid =>
        {
            let kill = nix::sys::signal::Signal::SIGKILL;
            let effects = vec![
                log(Level::Warn, format!("killing '{name}' ({pid}) with SIGKILL")),
                Effect::Kill { pid: *pid, signal: Signal(kill), group: policy.killasgroup },
            ];
            Transition::to(State::Recycling { pid: *pid, kill_at: None, then: *then }, effects)
        }
        (State::Recycling { pid, then, .. }, Input::Exited { pid: exited, status }) if pid == exited => {
            let message = format!("stopped: {name} ({})", describe_exit(*status));
            match then {
                AfterKill::Restart => Transition::to(State::Stopped, vec![log(Level::Info, message), Effect::Spawn]),
                AfterKill::FailedStart { failures } => {
                    failed_start(*failures, vec![log(Level::Info, message)], policy, now)
                }
            }
        }
        (State::Starting { pid, since, .. }, Input::Timer(Timer::StartSecs { pid: timer_pid })) if pid == timer_pid => {
            let message = format!(
                "success: {name} entered RUNNING state, process has stayed up for > than {} seconds (startsecs)",
                policy.startsecs
            );
            Transition::to(State::Running { pid: *pid, since: *since }, vec![log(Level::Info, message)])
        }
        (State::Starting { pid, failures, .. }, Input::Exited { pid: exited, status }) if pid == exited => {
            let message = format!("exited: {name} ({}; not expected)", describe_exit(*status));
            failed_start(*failures, vec![log(Level::Info, message)], policy, now)
        }
        (State::Backoff { .. }, Input::Timer(Timer::Retry)) => Transition::to(state.clone(), vec![Effect::Spawn]),

        (State::Running { pid, since }, Input::Exited { pid: exited, status }) if pid == exited => {
            let expected = is_expected(*status, policy);
            let message = format!(
                "exited: {name} ({}; {})",
                describe_exit(*status),
                if expected { "expected" } else { "not expected" }
            );
            let restart = match policy.autorestart {
                AutoRestart::Always => true,
                AutoRestart::Unexpected => !expected,
                AutoRestart::Never => false,
            };
            let mut effects = vec![log(Level::Info, message)];
            let restart_at = *since + MIN_RESTART_INTERVAL;
            if restart && restart_at > now {
                effects.push(Effect::Arm { at: restart_at, timer: Timer::Restart });
                return Transition::to(State::CoolingDown { status: *status, restart_at }, effects);
            }
            if restart {
                effects.push(Effect::Spawn);
            }
            Transition::to(State::Exited { status: *status }, effects)
        }
        (State::CoolingDown { status, .. }, Input::Timer(Timer::Restart) | Input::Start) => {
            Transition::to(State::Exited { status: *status }, vec![Effect::Spawn])
        }
        // Stopping a process that waits to restart cancels the restart (the timer goes with
        // the state): it stays EXITED.
        (State::CoolingDown { status, .. }, Input::Stop) => Transition::to(
            State::Exited { status: *status },
            vec![log(Level::Info, format!("stopped: {name} (restart cancelled)"))],
        ),

        (State::Starting { pid, .. } | State::Running { pid, .. }, Input::Stop) => {
            let at = now + Duration::from_secs(policy.stopwaitsecs);
            let effects = vec![
                log(Level::Debug, format!("stopping: {name} (pid {pid}) with {}", policy.stopsignal)),
                Effect::Kill { pid: *pid, signal: policy.stopsignal, group: policy.stopasgroup },
                Effect::Arm { at, timer: Timer::StopTimeout { pid: *pid } },
            ];
            Transition::to(State::Stopping { pid: *pid, kill_at: Some(at) }, effects)
        }
        (State::Backoff { .. }, Input::Stop) => {
            Transition::to(State::Stopped, vec![log(Level::Info, format!("stopped: {name} (in BACKOFF)"))])
        }
        // Asking again to stop a stopping process is not an error: the caller waits like the first.
        (State::Stopping { pid, kill_at }, Input::Stop) => {
            let effects = kill_at.map(|at| Effect::Arm { at, timer: Timer::StopTimeout { pid: *pid } });
            Transition::to(state.clone(), effects.into_iter().collect())
        }
        (State::Stopped | State::Exited { .. } | State::Fatal, Input::Stop) => {
            Transition::refuse(state, Refusal::NotRunning)
        }

        (State::Stopping { pid, .. }, Input::Timer(Timer::StopTimeout { pid: timer_pid })) if pid == timer_pid => {
            let kill = nix::sys::signal::Signal::SIGKILL;
            let effects = vec![
                log(Level::Warn, format!("killing '{name}' ({pid}) with SIGKILL")),
                Effect::Kill { pid: *pid, signal: Signal(kill), group: policy.killasgroup },
            ];
            Transition::to(State::Stopping { pid: *pid, kill_at: None }, effects)
        }
        (State::Stopping { pid, .. }, Input::Exited { pid: exited, status }) if pid == exited => {
            let message = format!("stopped: {name} ({})", describe_exit(*status));
            Transition::to(State::Stopped, vec![log(Level::Info, message)])
        }

        _ => Transition::refuse(state, Refusal::Stale),
    }
}

/// A start that did not reach RUNNING: back off and retry, or give up after startretries.
fn failed_start(previous_failures: u32, mut effects: Vec<Effect>, policy: &ProcessConfig, now: Instant) -> Transition {
    let failures = previous_failures + 1;
    if failures > policy.startretries {
        let message = format!("gave up: {} entered FATAL state, too many start retries too quickly", policy.name);
        effects.push(log(Level::Info, message));
        return Transition::to(State::Fatal, effects);
    }
    let retry_at = now + Duration::from_secs(u64::from(failures));
    effects.push(Effect::Arm { at: retry_at, timer: Timer::Retry });
    Transition::to(State::Backoff { failures, retry_at }, effects)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::LogConfig;
    use nix::sys::signal::Signal as Sig;

    /// A plain process's settings, for tests elsewhere too.
    pub(crate) fn policy() -> ProcessConfig {
        let log = LogConfig::none();
        ProcessConfig {
            name: "web".into(),
            program: "web".into(),
            group: "web".into(),
            process_num: 0,
            command: vec!["true".into()],
            priority: 999,
            autostart: true,
            startsecs: 1,
            startretries: 3,
            autorestart: AutoRestart::Unexpected,
            exitcodes: vec![0],
            stopsignal: Signal(Sig::SIGTERM),
            stopwaitsecs: 10,
            stopasgroup: false,
            killasgroup: false,
            user: None,
            redirect_stderr: false,
            stdout: log.clone(),
            stderr: log,
            environment: vec![],
            directory: None,
            umask: None,
            log_lifecycle: false,
            health: Default::default(),
            output_events: Default::default(),
        }
    }

    fn secs(t0: Instant, s: u64) -> Instant {
        t0 + Duration::from_secs(s)
    }

    fn ago(t0: Instant, s: u64) -> Instant {
        t0.checked_sub(Duration::from_secs(s)).expect("the monotonic clock is past its first seconds")
    }

    fn non_log(effects: &[Effect]) -> Vec<Effect> {
        effects.iter().filter(|e| !matches!(e, Effect::Log { .. })).cloned().collect()
    }

    fn logs(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Log { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every legal move: (state, input) → (state, effects other than logging).
    #[test]
    fn legal_moves() {
        let t0 = Instant::now();
        let p = policy();
        let code = |c| ExitStatus::Code(c);
        let term = Signal(Sig::SIGTERM);
        let kill = Signal(Sig::SIGKILL);
        let starting = State::Starting { pid: 7, since: t0, failures: 0 };
        let long_running = State::Running { pid: 7, since: ago(t0, 5) };
        let table: Vec<(State, Input, State, Vec<Effect>)> = vec![
            (State::Stopped, Input::Start, State::Stopped, vec![Effect::Spawn]),
            (State::Exited { status: code(1) }, Input::Start, State::Exited { status: code(1) }, vec![Effect::Spawn]),
            (State::Fatal, Input::Start, State::Fatal, vec![Effect::Spawn]),
            (
                State::Stopped,
                Input::SpawnSucceeded { pid: 7 },
                starting.clone(),
                vec![Effect::Arm { at: secs(t0, 1), timer: Timer::StartSecs { pid: 7 } }],
            ),
            (starting.clone(), Input::Timer(Timer::StartSecs { pid: 7 }), State::Running { pid: 7, since: t0 }, vec![]),
            (
                starting.clone(),
                Input::Exited { pid: 7, status: code(0) },
                State::Backoff { failures: 1, retry_at: secs(t0, 1) },
                vec![Effect::Arm { at: secs(t0, 1), timer: Timer::Retry }],
            ),
            (
                State::Backoff { failures: 2, retry_at: t0 },
                Input::Timer(Timer::Retry),
                State::Backoff { failures: 2, retry_at: t0 },
                vec![Effect::Spawn],
            ),
            (
                State::Backoff { failures: 2, retry_at: t0 },
                Input::SpawnSucceeded { pid: 8 },
                State::Starting { pid: 8, since: t0, failures: 2 },
                vec![Effect::Arm { at: secs(t0, 1), timer: Timer::StartSecs { pid: 8 } }],
            ),
            (
                State::Backoff { failures: 2, retry_at: t0 },
                Input::SpawnFailed { error: "x".into() },
                State::Backoff { failures: 3, retry_at: secs(t0, 3) },
                vec![Effect::Arm { at: secs(t0, 3), timer: Timer::Retry }],
            ),
            (
                State::Backoff { failures: 3, retry_at: t0 },
                Input::SpawnFailed { error: "x".into() },
                State::Fatal,
                vec![],
            ),
            (
                State::Starting { pid: 7, since: t0, failures: 3 },
                Input::Exited { pid: 7, status: code(1) },
                State::Fatal,
                vec![],
            ),
            (
                long_running.clone(),
                Input::Exited { pid: 7, status: code(3) },
                State::Exited { status: code(3) },
                vec![Effect::Spawn],
            ),
            (
                long_running.clone(),
                Input::Exited { pid: 7, status: code(0) },
                State::Exited { status: code(0) },
                vec![],
            ),
            (
                long_running.clone(),
                Input::Exited { pid: 7, status: ExitStatus::Signal(9) },
                State::Exited { status: ExitStatus::Signal(9) },
                vec![Effect::Spawn],
            ),
            (
                State::Exited { status: code(3) },
                Input::SpawnSucceeded { pid: 9 },
                State::Starting { pid: 9, since: t0, failures: 0 },
                vec![Effect::Arm { at: secs(t0, 1), timer: Timer::StartSecs { pid: 9 } }],
            ),
            (
                State::Running { pid: 7, since: t0 },
                Input::Stop,
                State::Stopping { pid: 7, kill_at: Some(secs(t0, 10)) },
                vec![
                    Effect::Kill { pid: 7, signal: term, group: false },
                    Effect::Arm { at: secs(t0, 10), timer: Timer::StopTimeout { pid: 7 } },
                ],
            ),
            (
                starting.clone(),
                Input::Stop,
                State::Stopping { pid: 7, kill_at: Some(secs(t0, 10)) },
                vec![
                    Effect::Kill { pid: 7, signal: term, group: false },
                    Effect::Arm { at: secs(t0, 10), timer: Timer::StopTimeout { pid: 7 } },
                ],
            ),
            (State::Backoff { failures: 1, retry_at: t0 }, Input::Stop, State::Stopped, vec![]),
            (
                State::Stopping { pid: 7, kill_at: Some(t0) },
                Input::Timer(Timer::StopTimeout { pid: 7 }),
                State::Stopping { pid: 7, kill_at: None },
                vec![Effect::Kill { pid: 7, signal: kill, group: false }],
            ),
            (
                State::Stopping { pid: 7, kill_at: None },
                Input::Exited { pid: 7, status: ExitStatus::Signal(15) },
                State::Stopped,
                vec![],
            ),
            (
                State::Stopping { pid: 7, kill_at: Some(secs(t0, 4)) },
                Input::Stop,
                State::Stopping { pid: 7, kill_at: Some(secs(t0, 4)) },
                vec![Effect::Arm { at: secs(t0, 4), timer: Timer::StopTimeout { pid: 7 } }],
            ),
        ];
        for (from, input, want_state, want_effects) in table {
            let t = transition(&from, &input, &p, Wanted::Up, t0);
            assert_eq!(t.refused, None, "{from:?} + {input:?}");
            assert_eq!(t.state, want_state, "{from:?} + {input:?}");
            assert_eq!(non_log(&t.effects), want_effects, "{from:?} + {input:?}");
        }
    }

    /// Every move that must be refused, and leave the state as it was.
    #[test]
    fn illegal_moves_change_nothing() {
        let t0 = Instant::now();
        let p = policy();
        let running = State::Running { pid: 7, since: t0 };
        let starting = State::Starting { pid: 7, since: t0, failures: 0 };
        let stopping = State::Stopping { pid: 7, kill_at: Some(t0) };
        let backoff = State::Backoff { failures: 1, retry_at: t0 };
        let exited = State::Exited { status: ExitStatus::Code(0) };
        let table = vec![
            (running.clone(), Input::Start, Refusal::AlreadyStarted),
            (starting.clone(), Input::Start, Refusal::AlreadyStarted),
            (backoff.clone(), Input::Start, Refusal::AlreadyStarted),
            (stopping.clone(), Input::Start, Refusal::AlreadyStarted),
            (State::Stopped, Input::Stop, Refusal::NotRunning),
            (exited.clone(), Input::Stop, Refusal::NotRunning),
            (State::Fatal, Input::Stop, Refusal::NotRunning),
            // Events about another (older) pid.
            (running.clone(), Input::Exited { pid: 6, status: ExitStatus::Code(0) }, Refusal::Stale),
            (starting.clone(), Input::Timer(Timer::StartSecs { pid: 6 }), Refusal::Stale),
            (stopping.clone(), Input::Timer(Timer::StopTimeout { pid: 6 }), Refusal::Stale),
            // Timers that outlived their state.
            (State::Stopped, Input::Timer(Timer::Retry), Refusal::Stale),
            (running.clone(), Input::Timer(Timer::StopTimeout { pid: 7 }), Refusal::Stale),
            (running.clone(), Input::Timer(Timer::Retry), Refusal::Stale),
            // A spawn result with no spawn asked for.
            (running.clone(), Input::SpawnSucceeded { pid: 8 }, Refusal::Stale),
            (stopping.clone(), Input::SpawnFailed { error: "x".into() }, Refusal::Stale),
            (State::Stopped, Input::Exited { pid: 7, status: ExitStatus::Code(0) }, Refusal::Stale),
        ];
        for (from, input, why) in table {
            let t = transition(&from, &input, &p, Wanted::Up, t0);
            assert_eq!(t.refused, Some(why), "{from:?} + {input:?}");
            assert_eq!(t.state, from, "{from:?} + {input:?}");
            assert!(t.effects.is_empty(), "{from:?} + {input:?}");
        }
    }

    #[test]
    fn policies_shape_the_moves() {
        let t0 = Instant::now();
        let mut p = policy();
        p.startsecs = 0;
        let t = transition(&State::Stopped, &Input::SpawnSucceeded { pid: 7 }, &p, Wanted::Up, t0);
        assert_eq!(t.state, State::Running { pid: 7, since: t0 }, "startsecs = 0 is RUNNING at once");
        let running = State::Running { pid: 7, since: ago(t0, 5) };

        p.autorestart = AutoRestart::Always;
        let t = transition(&running, &Input::Exited { pid: 7, status: ExitStatus::Code(0) }, &p, Wanted::Up, t0);
        assert!(t.effects.contains(&Effect::Spawn), "autorestart = true restarts an expected exit");
        p.autorestart = AutoRestart::Never;
        let t = transition(&running, &Input::Exited { pid: 7, status: ExitStatus::Code(3) }, &p, Wanted::Up, t0);
        assert!(!t.effects.contains(&Effect::Spawn), "autorestart = false never restarts");
        p.autorestart = AutoRestart::Unexpected;
        p.exitcodes = vec![0, 3];
        let t = transition(&running, &Input::Exited { pid: 7, status: ExitStatus::Code(3) }, &p, Wanted::Up, t0);
        assert!(!t.effects.contains(&Effect::Spawn), "3 is expected now");

        p.stopasgroup = true;
        p.killasgroup = true;
        p.stopsignal = Signal(Sig::SIGINT);
        let t = transition(&running, &Input::Stop, &p, Wanted::Up, t0);
        assert!(t.effects.contains(&Effect::Kill { pid: 7, signal: Signal(Sig::SIGINT), group: true }));
        let t = transition(&t.state, &Input::Timer(Timer::StopTimeout { pid: 7 }), &p, Wanted::Up, t0);
        assert!(t.effects.contains(&Effect::Kill { pid: 7, signal: Signal(Sig::SIGKILL), group: true }));

        p.startretries = 0;
        let t = transition(&State::Stopped, &Input::SpawnFailed { error: "x".into() }, &p, Wanted::Up, t0);
        assert_eq!(t.state, State::Fatal, "startretries = 0 gives up at the first failure");
    }

    #[test]
    fn backoff_waits_one_second_more_each_time_then_gives_up() {
        let t0 = Instant::now();
        let p = policy();
        let mut state = State::Stopped;
        let mut delays = vec![];
        for attempt in 0..4 {
            let pid = 100 + attempt;
            state = transition(&state, &Input::SpawnSucceeded { pid }, &p, Wanted::Up, t0).state;
            state = transition(&state, &Input::Exited { pid, status: ExitStatus::Code(1) }, &p, Wanted::Up, t0).state;
            if let State::Backoff { retry_at, .. } = state {
                delays.push((retry_at - t0).as_secs());
            }
        }
        assert_eq!(delays, [1, 2, 3]);
        assert_eq!(state, State::Fatal);
    }

    #[test]
    fn log_lines_use_supervisord_wording() {
        let t0 = Instant::now();
        let p = policy();
        let t = transition(&State::Stopped, &Input::SpawnSucceeded { pid: 123 }, &p, Wanted::Up, t0);
        assert_eq!(logs(&t.effects), ["spawned: 'web' with pid 123"]);
        let t = transition(&t.state, &Input::Timer(Timer::StartSecs { pid: 123 }), &p, Wanted::Up, t0);
        assert_eq!(
            logs(&t.effects),
            ["success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)"]
        );
        let t = transition(&t.state, &Input::Exited { pid: 123, status: ExitStatus::Code(3) }, &p, Wanted::Up, t0);
        assert_eq!(logs(&t.effects), ["exited: web (exit status 3; not expected)"]);
        let stopping = State::Stopping { pid: 5, kill_at: None };
        let t = transition(&stopping, &Input::Exited { pid: 5, status: ExitStatus::Signal(15) }, &p, Wanted::Up, t0);
        assert_eq!(logs(&t.effects), ["stopped: web (terminated by SIGTERM)"]);
        let failing = State::Starting { pid: 5, since: t0, failures: 3 };
        let t = transition(&failing, &Input::Exited { pid: 5, status: ExitStatus::Code(1) }, &p, Wanted::Up, t0);
        assert_eq!(logs(&t.effects)[1], "gave up: web entered FATAL state, too many start retries too quickly");
    }

    #[test]
    fn nothing_spawns_while_the_processes_are_wanted_down() {
        let p = policy();
        let t0 = Instant::now();
        let running = State::Running { pid: 7, since: ago(t0, 5) };
        let backoff = State::Backoff { failures: 1, retry_at: t0 };
        // (state, input, spawns when wanted up)
        let cases = [
            (State::Stopped, Input::Start, true),
            (State::Exited { status: ExitStatus::Code(1) }, Input::Start, true),
            (State::Fatal, Input::Start, true),
            (running.clone(), Input::Exited { pid: 7, status: ExitStatus::Code(1) }, true),
            (backoff.clone(), Input::Timer(Timer::Retry), true),
            (running.clone(), Input::Stop, false),
            (backoff, Input::Stop, false),
            (running, Input::Start, false),
        ];
        for (state, input, spawns) in cases {
            let up = transition(&state, &input, &p, Wanted::Up, t0);
            let down = transition(&state, &input, &p, Wanted::Down, t0);
            assert_eq!(up.effects.contains(&Effect::Spawn), spawns, "{state:?} {input:?} up");
            assert!(!down.effects.contains(&Effect::Spawn), "{state:?} {input:?} down");
            // Only the spawn goes: the same next state, refusal and other effects.
            let without_spawn: Vec<Effect> = up.effects.iter().filter(|e| **e != Effect::Spawn).cloned().collect();
            assert_eq!((down.state, down.refused, down.effects), (up.state, up.refused, without_spawn));
        }
    }

    /// The moves of readiness (notify) and of the daemon's own restarts (health, watchdog).
    #[test]
    fn notify_and_recycling_moves() {
        let t0 = Instant::now();
        let mut notify = policy();
        notify.health.readiness = Readiness::Notify;
        notify.startsecs = 5;
        let plain = policy();
        let kill = Signal(Sig::SIGKILL);
        let term = Signal(Sig::SIGTERM);
        let starting = |failures| State::Starting { pid: 7, since: t0, failures };
        let restart = |pid| Input::Restart { pid, why: "unhealthy".into() };
        let recycling = |kill_at, then| State::Recycling { pid: 7, kill_at, then };
        // (policy, state, input, next state, effects other than logging; None: refused as stale)
        type Row<'a> = (&'a ProcessConfig, State, Input, Option<(State, Vec<Effect>)>);
        let table: Vec<Row<'_>> = vec![
            // A notify program waits for READY=1 at most startsecs, then fails its start.
            (
                &notify,
                State::Stopped,
                Input::SpawnSucceeded { pid: 7 },
                Some((starting(0), vec![Effect::Arm { at: secs(t0, 5), timer: Timer::StartSecs { pid: 7 } }])),
            ),
            (&notify, starting(0), Input::Ready { pid: 7 }, Some((State::Running { pid: 7, since: t0 }, vec![]))),
            (&notify, starting(0), Input::Ready { pid: 8 }, None),
            (&notify, State::Running { pid: 7, since: t0 }, Input::Ready { pid: 7 }, None),
            (&plain, starting(0), Input::Ready { pid: 7 }, None),
            (
                &notify,
                starting(1),
                Input::Timer(Timer::StartSecs { pid: 7 }),
                Some((
                    recycling(None, AfterKill::FailedStart { failures: 1 }),
                    vec![Effect::Kill { pid: 7, signal: kill, group: false }],
                )),
            ),
            (
                &notify,
                recycling(None, AfterKill::FailedStart { failures: 1 }),
                Input::Exited { pid: 7, status: ExitStatus::Signal(9) },
                Some((
                    State::Backoff { failures: 2, retry_at: secs(t0, 2) },
                    vec![Effect::Arm { at: secs(t0, 2), timer: Timer::Retry }],
                )),
            ),
            (
                &notify,
                recycling(None, AfterKill::FailedStart { failures: 3 }),
                Input::Exited { pid: 7, status: ExitStatus::Signal(9) },
                Some((State::Fatal, vec![])),
            ),
            // Restarts: stop signal, then a new spawn once it exited.
            (
                &plain,
                State::Running { pid: 7, since: t0 },
                restart(7),
                Some((
                    recycling(Some(secs(t0, 10)), AfterKill::Restart),
                    vec![
                        Effect::Kill { pid: 7, signal: term, group: false },
                        Effect::Arm { at: secs(t0, 10), timer: Timer::StopTimeout { pid: 7 } },
                    ],
                )),
            ),
            (&plain, State::Running { pid: 7, since: t0 }, restart(6), None),
            (&plain, State::Stopped, restart(7), None),
            (
                &plain,
                recycling(Some(t0), AfterKill::Restart),
                Input::Timer(Timer::StopTimeout { pid: 7 }),
                Some((recycling(None, AfterKill::Restart), vec![Effect::Kill { pid: 7, signal: kill, group: false }])),
            ),
            (
                &plain,
                recycling(None, AfterKill::Restart),
                Input::Exited { pid: 7, status: ExitStatus::Code(0) },
                Some((State::Stopped, vec![Effect::Spawn])),
            ),
            // The operator's stop turns a restart into a plain stop.
            (
                &plain,
                recycling(Some(secs(t0, 3)), AfterKill::Restart),
                Input::Stop,
                Some((
                    State::Stopping { pid: 7, kill_at: Some(secs(t0, 3)) },
                    vec![Effect::Arm { at: secs(t0, 3), timer: Timer::StopTimeout { pid: 7 } }],
                )),
            ),
        ];
        for (policy, state, input, want) in table {
            let t = transition(&state, &input, policy, Wanted::Up, t0);
            match want {
                None => assert_eq!(t.refused, Some(Refusal::Stale), "{state:?} {input:?}"),
                Some((next, effects)) => {
                    assert_eq!(t.refused, None, "{state:?} {input:?}");
                    assert_eq!((t.state, non_log(&t.effects)), (next, effects), "{state:?} {input:?}");
                }
            }
        }
        assert_eq!(recycling(None, AfterKill::Restart).public(), ProcessState::Stopping);
    }

    /// A crash loop: an exit less than a second after the spawn restarts one second after the
    /// spawn, not at once; a longer run restarts at once; the pause yields to operators.
    #[test]
    fn a_crash_loop_restarts_at_most_once_a_second() {
        let t0 = Instant::now();
        let mut p = policy();
        p.startsecs = 0;
        p.autorestart = AutoRestart::Always;
        let code = |c| ExitStatus::Code(c);
        let ms = |m| Duration::from_millis(m);
        let spawned_at = t0;
        let cooling = State::CoolingDown { status: code(0), restart_at: spawned_at + ms(1000) };
        // (state, input, now, next state, effects other than logging)
        let table: Vec<(State, Input, Instant, State, Vec<Effect>)> = vec![
            (
                State::Running { pid: 7, since: spawned_at },
                Input::Exited { pid: 7, status: code(0) },
                spawned_at + ms(3),
                cooling.clone(),
                vec![Effect::Arm { at: spawned_at + ms(1000), timer: Timer::Restart }],
            ),
            (
                State::Running { pid: 7, since: spawned_at },
                Input::Exited { pid: 7, status: code(0) },
                spawned_at + ms(999),
                cooling.clone(),
                vec![Effect::Arm { at: spawned_at + ms(1000), timer: Timer::Restart }],
            ),
            (
                State::Running { pid: 7, since: spawned_at },
                Input::Exited { pid: 7, status: code(0) },
                spawned_at + ms(1000),
                State::Exited { status: code(0) },
                vec![Effect::Spawn],
            ),
            (
                State::Running { pid: 7, since: spawned_at },
                Input::Exited { pid: 7, status: code(0) },
                spawned_at + ms(60_000),
                State::Exited { status: code(0) },
                vec![Effect::Spawn],
            ),
            (
                cooling.clone(),
                Input::Timer(Timer::Restart),
                spawned_at + ms(1000),
                State::Exited { status: code(0) },
                vec![Effect::Spawn],
            ),
            (
                cooling.clone(),
                Input::Start,
                spawned_at + ms(10),
                State::Exited { status: code(0) },
                vec![Effect::Spawn],
            ),
            (cooling.clone(), Input::Stop, spawned_at + ms(10), State::Exited { status: code(0) }, vec![]),
        ];
        for (from, input, now, want_state, want_effects) in table {
            let t = transition(&from, &input, &p, Wanted::Up, now);
            assert_eq!(t.refused, None, "{from:?} + {input:?}");
            assert_eq!(t.state, want_state, "{from:?} + {input:?} at {:?}", now - spawned_at);
            assert_eq!(non_log(&t.effects), want_effects, "{from:?} + {input:?} at {:?}", now - spawned_at);
        }
        assert_eq!(cooling.public(), ProcessState::Exited);
        assert_eq!(cooling.pid(), None);
        // Stale inputs leave the pause alone.
        for input in [Input::Timer(Timer::Retry), Input::Exited { pid: 7, status: code(0) }] {
            let t = transition(&cooling, &input, &p, Wanted::Up, t0);
            assert_eq!(t.refused, Some(Refusal::Stale));
        }
        // Wanted down: neither a spawn nor a pause, the process simply EXITED.
        let down = transition(
            &State::Running { pid: 7, since: spawned_at },
            &Input::Exited { pid: 7, status: code(0) },
            &p,
            Wanted::Down,
            spawned_at + ms(3),
        );
        assert_eq!(down.state, State::Exited { status: code(0) });
        assert!(non_log(&down.effects).is_empty(), "{:?}", down.effects);
        let down = transition(&cooling, &Input::Timer(Timer::Restart), &p, Wanted::Down, t0);
        assert!(non_log(&down.effects).is_empty());
    }
}
