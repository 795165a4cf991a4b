//! Child output and everything that reads it: the log files, `tail`, `tail -f`, `maintail`,
//! `clear`, `reopen` and `fg`.
//!
//! Output pipes are read without ever blocking the loop, a bounded slice per wake-up, and each
//! chunk goes to the channel's log and to whoever follows it. A follower is a client whose
//! connection carries raw bytes after a [`Response::Stream`] header; its buffer is bounded, and
//! a follower that falls behind is told and dropped, so it never slows the daemon or the child.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use log::{error, info, warn};
use polling::Event;

use super::{OutputPipe, ProcessId, Supervisor, TimerEvent, process_error, process_result};
use crate::cli::Channel;
use crate::daemon::child_output::{ChannelLog, WriteReport};
use crate::protocol::{ErrorKind as ProtoError, Response};

/// How much one output pipe may be read per wake-up before others get their turn.
const OUTPUT_READ_BUDGET: usize = 4 << 20;

/// The size of one read from an output pipe (pipes are enlarged to match, on Linux). Measured
/// on 1 GiB captured: copying in 1 MiB reads beat 64 KiB reads and splice(2) in wall time and
/// daemon CPU alike.
pub(super) const READ_BUFFER: usize = 1 << 20;

/// What a follower may leave unread before it is dropped.
pub(super) const FOLLOWER_BUFFER: usize = 4 << 20;

/// The largest `tail` answered (the daemon reads it into memory).
const MAX_TAIL: u64 = 8 << 20;

/// How often a log whose writes fail is retried. Armed only while a backlog exists.
const LOG_RETRY: Duration = Duration::from_secs(1);

/// What a follower follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FollowSource {
    /// One channel of a process (`tail -f`), or both (`fg`, channel None).
    Process { id: ProcessId, channel: Option<Channel> },
    /// The daemon's own log (`maintail -f`).
    MainLog,
}

/// The stdin of a child, for `fg`: written without blocking, with a bounded backlog.
pub(super) struct StdinPipe {
    pub file: File,
    pub backlog: Vec<u8>,
    /// The poller key while the pipe is watched for room to write the backlog.
    pub key: Option<usize>,
}

const MAX_STDIN_BACKLOG: usize = 1 << 20;

impl Supervisor {
    pub(super) fn allocate_key(&mut self) -> usize {
        let key = self.next_key;
        self.next_key += 1;
        key
    }

    pub(super) fn watch_output(&mut self, process: ProcessId, file: File, channel: Channel) {
        let key = self.allocate_key();
        // SAFETY: the pipe is owned by `self.outputs` and deleted from the poller before it is
        // dropped (`close_output`, `Drop for Supervisor`).
        if let Err(e) = unsafe { self.poller.add(&file, Event::readable(key)) } {
            error!("can't watch an output pipe: {e}");
            return;
        }
        self.outputs.insert(key, OutputPipe { file, process, channel });
    }

    fn close_output(&mut self, key: usize) {
        if let Some(pipe) = self.outputs.remove(&key) {
            let _ = self.poller.delete(&pipe.file);
        }
    }

    /// Reads one output pipe until it would block, it ends, or its budget is spent.
    pub(super) fn read_output(&mut self, key: usize) {
        let mut buf = std::mem::take(&mut self.read_buffer);
        let mut budget = OUTPUT_READ_BUDGET;
        let mut open = true;
        while budget > 0 {
            let Some(pipe) = self.outputs.get_mut(&key) else {
                open = false;
                break;
            };
            match pipe.file.read(&mut buf) {
                Ok(0) => {
                    self.close_output(key);
                    open = false;
                    break;
                }
                Ok(n) => {
                    let (process, channel) = (pipe.process, pipe.channel);
                    self.write_output(process, channel, &buf[..n]);
                    budget = budget.saturating_sub(n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => {
                    error!("can't read an output pipe: {e}");
                    self.close_output(key);
                    open = false;
                    break;
                }
            }
        }
        self.read_buffer = buf;
        if open
            && let Some(pipe) = self.outputs.get(&key)
            && let Err(e) = self.poller.modify(&pipe.file, Event::readable(key))
        {
            error!("can't watch an output pipe: {e}");
        }
    }

    /// Reads everything a process left in its pipes (at its exit, before anyone looks).
    pub(super) fn drain_outputs_of(&mut self, id: ProcessId) {
        let keys: Vec<usize> = self.outputs.iter().filter(|(_, p)| p.process == id).map(|(k, _)| *k).collect();
        for key in keys {
            self.read_output(key);
        }
    }

    pub(super) fn drain_all_outputs(&mut self) {
        let keys: Vec<usize> = self.outputs.keys().copied().collect();
        for key in keys {
            self.read_output(key);
        }
    }

    fn channel_log(&mut self, id: ProcessId, channel: Channel) -> Option<&mut ChannelLog> {
        let p = self.processes.get_mut(&id)?;
        Some(match channel {
            Channel::Stdout => &mut p.stdout_log,
            Channel::Stderr => &mut p.stderr_log,
        })
    }

    /// Logs a chunk of a child's output and hands it to its followers.
    pub(super) fn write_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        let Some(log) = self.channel_log(id, channel) else { return };
        let report = log.write(data);
        self.report_log_write(id, report);
        self.feed_followers(FollowSource::Process { id, channel: Some(channel) }, data);
    }

    /// A line of the daemon's own into the process's stdout log (`log_lifecycle`).
    pub(super) fn lifecycle_marker(&mut self, id: ProcessId, text: &str) {
        let Some(p) = self.processes.get_mut(&id) else { return };
        if !p.config.log_lifecycle {
            return;
        }
        let line = format!("--- taskmaster: {text} at {} ---", chrono::Local::now().to_rfc3339());
        let report = p.stdout_log.marker(&line);
        self.report_log_write(id, report);
    }

    fn report_log_write(&mut self, id: ProcessId, report: WriteReport) {
        if report == WriteReport::Written {
            return;
        }
        let name = self.processes.get(&id).map(|p| p.config.name.clone()).unwrap_or_default();
        match report {
            WriteReport::Written => {}
            WriteReport::Failed(why) => {
                // Said once per failure spell: the backlog keeps the output meanwhile.
                if self.log_retry.is_none() {
                    error!("can't write the log of {name} ({why}); keeping its output and retrying");
                    self.log_retry = Some(self.timers.insert(Instant::now() + LOG_RETRY, TimerEvent::RetryLogs));
                }
            }
            WriteReport::Recovered { dropped: 0 } => info!("the log of {name} is writable again; nothing was lost"),
            WriteReport::Recovered { dropped } => {
                warn!("the log of {name} is writable again; {dropped} bytes were dropped while it was not")
            }
        }
    }

    /// The retry timer: writes every backlog again, and re-arms while one remains.
    pub(super) fn retry_logs(&mut self) {
        self.log_retry = None;
        let ids: Vec<ProcessId> = self.processes.keys().copied().collect();
        for id in ids {
            for channel in [Channel::Stdout, Channel::Stderr] {
                if let Some(log) = self.channel_log(id, channel)
                    && log.has_backlog()
                {
                    let report = log.flush_backlog();
                    self.report_log_write(id, report);
                }
            }
        }
        let backlog = self.processes.values().any(|p| p.stdout_log.has_backlog() || p.stderr_log.has_backlog());
        if backlog && self.log_retry.is_none() {
            self.log_retry = Some(self.timers.insert(Instant::now() + LOG_RETRY, TimerEvent::RetryLogs));
        }
    }

    /// `reopen` and SIGUSR2: every log file is closed and opened again at its path.
    pub(super) fn reopen_logs(&mut self) {
        self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).reopen();
        for p in self.processes.values_mut() {
            p.stdout_log.reopen();
            p.stderr_log.reopen();
        }
    }

    /// Sends raw bytes to each follower of `source`.
    pub(super) fn feed_followers(&mut self, source: FollowSource, data: &[u8]) {
        if self.followers.is_empty() {
            return;
        }
        let keys: Vec<usize> = self
            .followers
            .iter()
            .filter(|(_, followed)| match (**followed, source) {
                (FollowSource::MainLog, FollowSource::MainLog) => true,
                (FollowSource::Process { id: a, channel: wanted }, FollowSource::Process { id: b, channel: got }) => {
                    a == b && (wanted.is_none() || wanted == got)
                }
                _ => false,
            })
            .map(|(key, _)| *key)
            .collect();
        for key in keys {
            self.send_raw(key, data);
        }
    }

    /// Queues raw bytes for a streaming client; one that fell too far behind is told and let go.
    fn send_raw(&mut self, key: usize, data: &[u8]) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if client.connection.pending_output() + data.len() > FOLLOWER_BUFFER {
            warn!("dropping a follower that fell more than {FOLLOWER_BUFFER} bytes behind");
            client.connection.discard_output();
            let notice = b"\n[taskmaster: this follower fell too far behind the output and was disconnected]\n";
            let _ = client.connection.send(notice);
            self.followers.remove(&key);
            client.closing = true;
            return self.update_client_interest(key);
        }
        if client.connection.send(data).is_err() {
            return self.drop_client(key);
        }
        self.update_client_interest(key);
    }

    /// Switches a client to raw streaming after a [`Response::Stream`] header.
    fn start_stream(&mut self, key: usize, initial: &[u8], follow: Option<FollowSource>) {
        self.send(key, &Response::Stream);
        if let Some(client) = self.clients.get_mut(&key) {
            client.streaming = true;
        }
        self.send_raw(key, initial);
        match follow {
            Some(source) => {
                self.followers.insert(key, source);
            }
            None => {
                if let Some(client) = self.clients.get_mut(&key) {
                    client.closing = true;
                }
            }
        }
        self.update_client_interest(key);
    }

    /// `tail [-f] [-N] NAME [CHANNEL]`.
    pub(super) fn tail(&mut self, key: usize, name: &str, channel: Channel, bytes: u64, follow: bool) {
        let id = match self.resolve_one(name, "tail") {
            Ok(id) => id,
            Err(error) => return self.send(key, &error),
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
                let message = format!("{} has no {} log file (it is NONE)", p.config.name, channel_name(channel));
                return self.send(key, &Response::Error { kind: ProtoError::Failed, message });
            }
        };
        match initial {
            Ok(initial) => {
                let follow = follow.then_some(FollowSource::Process { id, channel: Some(channel) });
                self.start_stream(key, &initial, follow);
            }
            Err(message) => self.send(key, &Response::Error { kind: ProtoError::Failed, message }),
        }
    }

    /// `maintail [-f] [-N]`.
    pub(super) fn maintail(&mut self, key: usize, bytes: u64, follow: bool) {
        let Some(path) = self.config.daemon.logfile.clone() else {
            let message = "the daemon has no log file (logfile = NONE)".to_string();
            return self.send(key, &Response::Error { kind: ProtoError::Failed, message });
        };
        match read_tail(&path, bytes) {
            Ok(initial) => {
                if follow {
                    self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).set_following(true);
                }
                self.start_stream(key, &initial, follow.then_some(FollowSource::MainLog));
            }
            Err(message) => self.send(key, &Response::Error { kind: ProtoError::Failed, message }),
        }
    }

    /// Hands what the activity log wrote since the last pass to `maintail -f` followers.
    pub(super) fn feed_main_log_followers(&mut self) {
        let lines = {
            let mut log = self.activity_log.lock().unwrap_or_else(|e| e.into_inner());
            if !self.followers.values().any(|s| *s == FollowSource::MainLog) {
                log.set_following(false);
                return;
            }
            log.take_followed()
        };
        if !lines.is_empty() {
            self.feed_followers(FollowSource::MainLog, &lines);
        }
    }

    /// `clear NAME…`: empties the processes' log files.
    pub(super) fn clear(&mut self, names: &[String]) -> Response {
        let (ids, unknown) = self.resolve(names);
        let mut results = super::unknown_names(&unknown);
        for id in ids {
            let p = self.processes.get_mut(&id).expect("resolved");
            let name = p.config.qualified_name();
            let outcome = p.stdout_log.clear().and_then(|()| p.stderr_log.clear());
            results.push(match outcome {
                Ok(()) => process_result(&name, "cleared"),
                Err(e) => process_error(&name, &format!("can't clear its logs: {e}"), ProtoError::Failed),
            });
        }
        Response::Results { results }
    }

    /// `fg NAME`: the process's output to the client, the client's input to its stdin.
    pub(super) fn attach(&mut self, key: usize, name: &str) {
        let id = match self.resolve_one(name, "fg") {
            Ok(id) => id,
            Err(error) => return self.send(key, &error),
        };
        if self.processes[&id].state.pid().is_none() {
            let message = format!("{name} is not running");
            return self.send(key, &Response::Error { kind: ProtoError::Failed, message });
        }
        if let Some(client) = self.clients.get_mut(&key) {
            client.attached = Some(id);
        }
        self.start_stream(key, b"", Some(FollowSource::Process { id, channel: None }));
    }

    /// What an attached client typed, for its process's stdin.
    pub(super) fn forward_input(&mut self, key: usize) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        let input = client.connection.take_input();
        let Some(id) = client.attached else { return };
        if input.is_empty() {
            return;
        }
        let Some(p) = self.processes.get_mut(&id) else { return };
        let Some(stdin) = p.stdin.as_mut() else { return };
        if stdin.backlog.len() + input.len() > MAX_STDIN_BACKLOG {
            warn!("{}: stdin is not being read; dropping {} bytes of fg input", p.config.name, input.len());
            return;
        }
        stdin.backlog.extend_from_slice(&input);
        self.write_stdin(id);
    }

    /// Writes a process's stdin backlog as far as the pipe takes it, watching for room if not.
    pub(super) fn write_stdin(&mut self, id: ProcessId) {
        let Some(p) = self.processes.get_mut(&id) else { return };
        let Some(stdin) = p.stdin.as_mut() else { return };
        while !stdin.backlog.is_empty() {
            match stdin.file.write(&stdin.backlog) {
                Ok(n) => {
                    stdin.backlog.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => {
                    // The child closed its stdin: what it will not read is dropped.
                    stdin.backlog.clear();
                }
            }
        }
        let wants_room = !stdin.backlog.is_empty();
        match (wants_room, stdin.key) {
            (true, Some(key)) => {
                let _ = self.poller.modify(&stdin.file, Event::writable(key));
            }
            (true, None) => {
                let key = self.next_key;
                self.next_key += 1;
                // SAFETY: the pipe is owned by the process and deleted from the poller before it
                // is dropped (`close_stdin`).
                if unsafe { self.poller.add(&stdin.file, Event::writable(key)) }.is_ok() {
                    stdin.key = Some(key);
                    self.stdin_keys.insert(key, id);
                }
            }
            (false, Some(key)) => {
                let _ = self.poller.delete(&stdin.file);
                stdin.key = None;
                self.stdin_keys.remove(&key);
            }
            (false, None) => {}
        }
    }

    /// Drops a process's stdin (it exited), and lets its attached clients go.
    pub(super) fn close_stdin(&mut self, id: ProcessId) {
        if let Some(p) = self.processes.get_mut(&id)
            && let Some(stdin) = p.stdin.take()
            && let Some(key) = stdin.key
        {
            let _ = self.poller.delete(&stdin.file);
            self.stdin_keys.remove(&key);
        }
        let attached: Vec<usize> =
            self.clients.iter().filter(|(_, c)| c.attached == Some(id)).map(|(key, _)| *key).collect();
        self.end_streams(attached, id, "exited");
    }

    /// Ends every stream about a process that is going away (`tail -f` and `fg` alike).
    pub(super) fn release_followers(&mut self, id: ProcessId, why: &str) {
        let keys: Vec<usize> = self
            .followers
            .iter()
            .filter(|(_, source)| matches!(source, FollowSource::Process { id: followed, .. } if *followed == id))
            .map(|(key, _)| *key)
            .collect();
        self.end_streams(keys, id, why);
    }

    fn end_streams(&mut self, keys: Vec<usize>, id: ProcessId, why: &str) {
        let name = self.display_name(id);
        for key in keys {
            self.send_raw(key, format!("\n[taskmaster: {name} {why}]\n").as_bytes());
            self.followers.remove(&key);
            if let Some(client) = self.clients.get_mut(&key) {
                client.closing = true;
                client.attached = None;
            }
            self.update_client_interest(key);
        }
    }
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Stdout => "stdout",
        Channel::Stderr => "stderr",
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
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
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
