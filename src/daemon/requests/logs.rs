//! Requests about output and logs: `tail [-f]`, `maintail [-f]`, `clear`, and `fg`. (`reopen`
//! is answered in the dispatch.) A following request registers its client as a follower in
//! the supervisor and answers [`Handled::Stream`]; `streams` feeds it from then on.

use std::fs::File;
use std::io::{ErrorKind as IoErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

use super::{ClientId, Handled, failure, unknown_names};
use crate::daemon::jobs::{failed, ok};
use crate::daemon::streams::{FollowSource, StdinRefused};
use crate::daemon::supervisor::Supervisor;
use crate::protocol::{Channel, ErrorKind, Response};

/// The largest `tail` answered (the daemon reads it into memory).
const MAX_TAIL: u64 = 8 << 20;

impl Supervisor {
    /// `tail [-f] [-N] NAME [CHANNEL]`.
    pub(super) fn tail(&mut self, client: ClientId, name: &str, channel: Channel, bytes: u64, follow: bool) -> Handled {
        let id = match self.resolve_one(name, "tail") {
            Ok(id) => id,
            Err(error) => return Handled::Reply(error),
        };
        let p = &self.processes[&id];
        // With redirect_stderr, stderr is in the stdout log.
        let channel = if p.config.redirect_stderr { Channel::Stdout } else { channel };
        let log = match channel {
            Channel::Stdout => &p.stdout_log,
            Channel::Stderr => &p.stderr_log,
        };
        let initial = match log.file() {
            Some(file) => read_tail_from(file.path(), file.open_for_reading(), bytes),
            None if follow => Ok(Vec::new()),
            None => {
                let message = format!("{} has no {} log file (it is NONE)", p.config.name, channel.as_str());
                return Handled::Reply(Response::Error { kind: ErrorKind::NoFile, message });
            }
        };
        match initial {
            Ok(initial) => {
                if follow {
                    self.followers.insert(client, FollowSource::Process { id, channel: Some(channel) });
                }
                Handled::Stream { initial, follow }
            }
            Err(message) => Handled::Reply(failure(message)),
        }
    }

    /// `maintail [-f] [-N]`.
    pub(super) fn maintail(&mut self, client: ClientId, bytes: u64, follow: bool) -> Handled {
        let Some(path) = self.config.daemon.logfile.clone() else {
            return Handled::Reply(failure("the daemon has no log file (logfile = NONE)".to_string()));
        };
        match read_tail(&path, bytes) {
            Ok(initial) => {
                if follow {
                    self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).set_following(true);
                    self.followers.insert(client, FollowSource::MainLog);
                }
                Handled::Stream { initial, follow }
            }
            Err(message) => Handled::Reply(failure(message)),
        }
    }

    /// `clear NAME…`: empties the processes' log files, answering in the order of the names.
    pub(super) fn clear(&mut self, names: &[String]) -> Response {
        let mut results = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for m in self.resolve_each(names) {
            if m.ids.is_empty() {
                results.extend(unknown_names(std::slice::from_ref(&m.name)));
            }
            for id in m.ids.into_iter().filter(|id| seen.insert(*id)) {
                let p = self.processes.get_mut(&id).expect("resolved");
                let name = p.config.qualified_name();
                let outcome = p.stdout_log.clear().and_then(|()| p.stderr_log.clear());
                results.push(match outcome {
                    Ok(()) => ok(&name, "cleared"),
                    Err(e) => failed(&name, &format!("can't clear its logs: {e}"), ErrorKind::Failed),
                });
            }
        }
        Response::Results { results }
    }

    /// Text for a running process's stdin (supervisord's `sendProcessStdin`).
    pub(super) fn send_stdin_request(&mut self, name: &str, data: &[u8]) -> Response {
        let id = match self.resolve_one(name, "sending to stdin") {
            Ok(id) => id,
            Err(error) => return error,
        };
        match self.send_stdin(id, data) {
            Ok(()) => Response::Done { message: format!("sent {} bytes to the stdin of {name}", data.len()) },
            Err(StdinRefused::NotRunning) => failure(format!("{name} is not running")),
            Err(StdinRefused::Full) => failure(format!("{name} is not reading its stdin")),
        }
    }

    /// Empties the daemon's own log file (supervisord's `clearLog`).
    pub(super) fn clear_main_log(&mut self) -> Response {
        let Some(path) = self.config.daemon.logfile.clone() else {
            return failure("the daemon has no log file (logfile = NONE)".to_string());
        };
        let cleared = self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).clear();
        match cleared {
            Ok(()) => Response::Done { message: format!("cleared {}", path.display()) },
            Err(e) => failure(format!("can't clear {}: {e}", path.display())),
        }
    }

    /// `fg NAME`: the process's output to the client, the client's input to its stdin.
    pub(super) fn attach(&mut self, client: ClientId, name: &str) -> Handled {
        let id = match self.resolve_one(name, "fg") {
            Ok(id) => id,
            Err(error) => return Handled::Reply(error),
        };
        if self.processes[&id].state.pid().is_none() {
            return Handled::Reply(failure(format!("{name} is not running")));
        }
        self.attached.insert(client, id);
        self.followers.insert(client, FollowSource::Process { id, channel: None });
        Handled::Stream { initial: Vec::new(), follow: true }
    }
}

/// The last `bytes` of a file (at most [`MAX_TAIL`]); a file not created yet is empty.
fn read_tail(path: &Path, bytes: u64) -> Result<Vec<u8>, String> {
    read_tail_from(path, File::open(path), bytes)
}

/// [`read_tail`] of a file already opened (or not) by the caller's rules.
fn read_tail_from(path: &Path, opened: std::io::Result<File>, bytes: u64) -> Result<Vec<u8>, String> {
    let mut file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == IoErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("can't read {}: {e}", path.display())),
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let want = bytes.min(MAX_TAIL);
    let start = len.saturating_sub(want);
    let mut data = Vec::with_capacity((len - start) as usize);
    file.seek(SeekFrom::Start(start))
        .and_then(|_| file.take(want).read_to_end(&mut data))
        .map_err(|e| format!("can't read {}: {e}", path.display()))?;
    Ok(data)
}
