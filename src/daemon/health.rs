//! Health-check policy, pure: what one check's outcome does to a process's health, and when the
//! next check is due. The probes themselves (sockets, exec children) are `probes`; the glue
//! that runs them from the event loop is `monitor`.
//!
//! docker's rules: a pass makes the process healthy at once and resets the count of failures;
//! `retries` consecutive failures make it unhealthy; during `start_period` after the spawn a
//! failure is not counted unless the process has already passed once (a pass ends the start
//! period early). Becoming unhealthy asks for a restart once, when the policy says so.

use std::time::{Duration, Instant};

use crate::config::{HealthCheck, OnUnhealthy};
use crate::protocol::Health;

/// One process's health, from its spawn on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthState {
    pub status: Health,
    /// Consecutive counted failures.
    pub failures: u32,
    pub spawned_at: Instant,
    /// The check has passed at least once since the spawn (readiness = "healthcheck").
    pub passed_once: bool,
    /// The last failure's reason, for the log and status.
    pub last_failure: Option<String>,
}

impl HealthState {
    pub fn new(spawned_at: Instant) -> Self {
        HealthState { status: Health::Starting, failures: 0, spawned_at, passed_once: false, last_failure: None }
    }
}

/// What the monitor must do after a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing changed that anyone outside needs to know.
    Same,
    /// The status changed (to healthy, or to unhealthy without a restart).
    Changed,
    /// Became unhealthy, and the policy restarts it.
    Restart,
}

/// Records one check's outcome (`Err` holds why it failed).
pub fn record(state: &mut HealthState, outcome: Result<(), String>, check: &HealthCheck, now: Instant) -> Verdict {
    let before = state.status;
    match outcome {
        Ok(()) => {
            state.failures = 0;
            state.passed_once = true;
            state.last_failure = None;
            state.status = Health::Healthy;
        }
        Err(why) => {
            state.last_failure = Some(why);
            let in_start_period = now < state.spawned_at + check.start_period && !state.passed_once;
            if in_start_period {
                return Verdict::Same;
            }
            state.failures = state.failures.saturating_add(1);
            if state.failures >= check.retries {
                state.status = Health::Unhealthy;
            }
        }
    }
    match (before == state.status, state.status, check.on_unhealthy) {
        (true, _, _) => Verdict::Same,
        (false, Health::Unhealthy, OnUnhealthy::Restart) => Verdict::Restart,
        (false, _, _) => Verdict::Changed,
    }
}

/// When the first check runs after a spawn: soon (at most a second), so a check used for
/// readiness or a `healthy` dependency does not cost a whole interval; then every `interval`.
pub fn first_check_at(check: &HealthCheck, spawned_at: Instant) -> Instant {
    spawned_at + check.interval.min(Duration::from_secs(1))
}

/// When the check after one that started at `started` and ended at `now` runs: `interval`
/// after the last one began, but never before it ended.
pub fn next_check_at(check: &HealthCheck, started: Instant, now: Instant) -> Instant {
    (started + check.interval).max(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Probe;

    fn check(retries: u32, start_period: u64, on_unhealthy: OnUnhealthy) -> HealthCheck {
        HealthCheck {
            probe: Probe::Tcp { host: "127.0.0.1".parse().unwrap(), port: 1 },
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(1),
            retries,
            start_period: Duration::from_secs(start_period),
            on_unhealthy,
        }
    }

    /// A sequence of outcomes at given seconds after the spawn, and what each gives.
    #[test]
    fn outcomes_table() {
        use Health::*;
        let fail = || Err("refused".to_string());
        let pass = || Ok(());
        type Step = (u64, Result<(), String>, Health, u32, Verdict);
        let cases: Vec<(HealthCheck, Vec<Step>)> = vec![
            // Three failures in a row make it unhealthy, and the policy restarts it once.
            (
                check(3, 0, OnUnhealthy::Restart),
                vec![
                    (1, fail(), Starting, 1, Verdict::Same),
                    (2, fail(), Starting, 2, Verdict::Same),
                    (3, fail(), Unhealthy, 3, Verdict::Restart),
                    (4, fail(), Unhealthy, 4, Verdict::Same),
                ],
            ),
            // A pass resets the count.
            (
                check(2, 0, OnUnhealthy::Restart),
                vec![
                    (1, pass(), Healthy, 0, Verdict::Changed),
                    (2, fail(), Healthy, 1, Verdict::Same),
                    (3, pass(), Healthy, 0, Verdict::Same),
                    (4, fail(), Healthy, 1, Verdict::Same),
                    (5, fail(), Unhealthy, 2, Verdict::Restart),
                    (6, pass(), Healthy, 0, Verdict::Changed),
                ],
            ),
            // Report only.
            (
                check(1, 0, OnUnhealthy::None),
                vec![(1, fail(), Unhealthy, 1, Verdict::Changed), (2, pass(), Healthy, 0, Verdict::Changed)],
            ),
            // Failures during the start period are not counted...
            (
                check(1, 10, OnUnhealthy::Restart),
                vec![
                    (1, fail(), Starting, 0, Verdict::Same),
                    (9, fail(), Starting, 0, Verdict::Same),
                    (10, fail(), Unhealthy, 1, Verdict::Restart),
                ],
            ),
            // ...unless it has passed once already.
            (
                check(1, 10, OnUnhealthy::Restart),
                vec![(1, pass(), Healthy, 0, Verdict::Changed), (2, fail(), Unhealthy, 1, Verdict::Restart)],
            ),
        ];
        let t0 = Instant::now();
        for (check, steps) in cases {
            let mut state = HealthState::new(t0);
            for (at, outcome, status, failures, verdict) in steps {
                let got = record(&mut state, outcome, &check, t0 + Duration::from_secs(at));
                assert_eq!((state.status, state.failures, got), (status, failures, verdict), "at {at}s");
            }
        }
    }

    #[test]
    fn schedule() {
        let t0 = Instant::now();
        let c = check(3, 0, OnUnhealthy::Restart);
        assert_eq!(first_check_at(&c, t0), t0 + Duration::from_secs(1));
        assert_eq!(next_check_at(&c, t0, t0 + Duration::from_millis(20)), t0 + Duration::from_secs(5));
        assert_eq!(next_check_at(&c, t0, t0 + Duration::from_secs(7)), t0 + Duration::from_secs(7));
    }
}
