//! supervisorctl 4.3's exit codes, decided from the reply's lines. Pure, and tested from tables.
//!
//! supervisorctl keeps one exit status per run and lets each failing line overwrite it (its
//! `set_exitstatus_from_xmlrpc_fault`), so the last failing line decides. What a line's failure
//! is worth depends on the action: a start ignores ALREADY_STARTED and a stop NOT_RUNNING (a
//! restart, being a stop then a start, both); a dead program (spawn error, abnormal
//! termination, not running) is 7, LSB's "program is not running"; an unknown group is 2 for a
//! start ("invalid arguments") and 1 elsewhere; the rest is 1. `status` has codes of its own
//! (LSB's status codes): 3 when a process it shows is not running, else 4 for an unknown name.

use super::exit;
use crate::protocol::{ErrorKind, ProcessInfo, ProcessResult, ProcessState};

/// The actions whose replies are lines of results, as far as their exit code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinesOf {
    Start,
    Stop,
    Restart,
    /// signal, clear, and the config changes: every failure counts.
    Other,
    /// `wait` (ours): an unknown name is 4, any other failure 1.
    Wait,
}

/// What one failing line makes the exit status, or None when the action ignores it.
fn line_code(action: LinesOf, kind: ErrorKind) -> Option<u8> {
    use ErrorKind::*;
    match (action, kind) {
        (LinesOf::Wait, NoSuchProcess | NoSuchGroup) => Some(exit::UNKNOWN),
        (LinesOf::Wait, _) => Some(exit::ERROR),
        (LinesOf::Start | LinesOf::Restart, AlreadyStarted) => None,
        // supervisorctl's add says so, and goes on as if it had worked.
        (_, AlreadyAdded) => None,
        (LinesOf::Stop | LinesOf::Restart, NotRunning) => None,
        (LinesOf::Start | LinesOf::Restart, NoSuchGroup) => Some(exit::BAD_ARGUMENTS),
        (_, SpawnError | AbnormalTermination | NotRunning) => Some(exit::LSB_NOT_RUNNING),
        (_, BadRequest) => Some(exit::BAD_ARGUMENTS),
        _ => Some(exit::ERROR),
    }
}

/// The exit code of a reply of result lines: the last failure that counts, else success.
pub fn results_code(action: LinesOf, results: &[ProcessResult]) -> u8 {
    results.iter().filter_map(|r| line_code(action, r.error?)).next_back().unwrap_or(exit::SUCCESS)
}

/// supervisord's STOPPED_STATES, which make `status` exit 3.
fn stopped(state: ProcessState) -> bool {
    matches!(state, ProcessState::Stopped | ProcessState::Exited | ProcessState::Fatal | ProcessState::Unknown)
}

/// `status`: 3 when a process shown is stopped, exited or fatal; else 4 when a name matched
/// nothing; else 0.
pub fn status_code(processes: &[ProcessInfo], unknown: &[String]) -> u8 {
    if processes.iter().any(|p| stopped(p.state)) {
        exit::NOT_RUNNING
    } else if !unknown.is_empty() {
        exit::UNKNOWN
    } else {
        exit::SUCCESS
    }
}

/// `pid NAME…`: 1 for an unknown name, else 7 for a process without a pid; `pid all` is 0.
pub fn pids_code(all: bool, pids: &[Option<u32>], unknown: &[String]) -> u8 {
    if !unknown.is_empty() {
        exit::ERROR
    } else if !all && pids.iter().any(Option::is_none) {
        exit::LSB_NOT_RUNNING
    } else {
        exit::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorKind::*;

    fn line(kind: Option<ErrorKind>) -> ProcessResult {
        ProcessResult { name: "x".into(), message: String::new(), error: kind }
    }

    #[test]
    fn every_action_and_fault() {
        // (action, the lines' kinds, exit code), as supervisorctl 4.3 exits.
        let cases: &[(LinesOf, &[Option<ErrorKind>], u8)] = &[
            (LinesOf::Start, &[None], 0),
            (LinesOf::Start, &[Some(AlreadyStarted)], 0),
            (LinesOf::Start, &[Some(NoSuchProcess)], 1),
            (LinesOf::Start, &[Some(NoSuchGroup)], 2),
            (LinesOf::Start, &[Some(NoFile)], 1),
            (LinesOf::Start, &[Some(NotExecutable)], 1),
            (LinesOf::Start, &[Some(SpawnError)], 7),
            (LinesOf::Start, &[Some(AbnormalTermination)], 7),
            (LinesOf::Stop, &[Some(NotRunning)], 0),
            (LinesOf::Stop, &[Some(NoSuchProcess)], 1),
            (LinesOf::Stop, &[Some(NoSuchGroup)], 1),
            (LinesOf::Restart, &[Some(NotRunning), None], 0),
            (LinesOf::Restart, &[Some(NoSuchGroup), Some(NoSuchGroup)], 2),
            (LinesOf::Other, &[Some(NotRunning)], 7),
            (LinesOf::Other, &[Some(BadSignal)], 1),
            (LinesOf::Other, &[Some(NoSuchGroup)], 1),
            // The last failing line decides, not the worst.
            (LinesOf::Start, &[Some(SpawnError), Some(NoSuchProcess), None], 1),
            (LinesOf::Start, &[Some(NoSuchProcess), Some(SpawnError), Some(AlreadyStarted)], 7),
            (LinesOf::Wait, &[Some(NoSuchProcess)], 4),
            (LinesOf::Wait, &[Some(Failed)], 1),
            (LinesOf::Other, &[], 0),
            (LinesOf::Other, &[Some(AlreadyAdded)], 0),
        ];
        for (action, kinds, code) in cases {
            let lines: Vec<ProcessResult> = kinds.iter().map(|k| line(*k)).collect();
            assert_eq!(results_code(*action, &lines), *code, "{action:?} {kinds:?}");
        }
    }

    #[test]
    fn status_and_pid_codes() {
        let info = |state| crate::client::render::tests::info("a", "a", state);
        let unknown = ["ghost".to_string()];
        assert_eq!(status_code(&[], &[]), 0);
        assert_eq!(status_code(&[info(ProcessState::Running)], &[]), 0);
        // BACKOFF, STARTING and STOPPING are not "not running" to supervisorctl.
        assert_eq!(status_code(&[info(ProcessState::Backoff), info(ProcessState::Stopping)], &[]), 0);
        assert_eq!(status_code(&[info(ProcessState::Exited)], &[]), 3);
        assert_eq!(status_code(&[info(ProcessState::Running)], &unknown), 4);
        assert_eq!(status_code(&[info(ProcessState::Fatal)], &unknown), 3);
        assert_eq!(pids_code(false, &[Some(5)], &[]), 0);
        assert_eq!(pids_code(false, &[None], &[]), 7);
        assert_eq!(pids_code(true, &[None], &[]), 0);
        assert_eq!(pids_code(false, &[Some(5)], &unknown), 1);
    }
}
