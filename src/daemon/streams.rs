//! Streams of bytes between the daemon and its children: output pipes read into the log files
//! and handed to followers (`tail -f`, `maintail -f`, `fg`), clients' input written to a
//! child's stdin (`fg`), failing log writes retried, logs reopened.
//!
//! Output pipes are read without ever blocking the loop, a bounded slice per wake-up, and each
//! chunk goes to the channel's log and to whoever follows it. A follower is a client of any
//! front-end; its bytes are queued as [`Outgoing::Bytes`] and its front-end bounds what it
//! buffers ([`FOLLOWER_BUFFER`]), so a follower never slows the daemon or the child: a `tail -f`
//! that falls behind reads on from the log file (`catch_up`), others are let go. Stdin
//! backlogs are bounded too.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};

use log::{error, warn};
use polling::Event;

use super::log_files::ChannelLog;
use super::requests::{ClientId, Outgoing};
use super::supervisor::{OutputPipe, ProcessId, Supervisor};
use crate::protocol::Channel;

/// How much one output pipe may be read per wake-up before others get their turn.
const OUTPUT_READ_BUDGET: usize = 4 << 20;

/// The size of one read from an output pipe (pipes are enlarged to match, on Linux). Measured
/// on 1 GiB captured: copying in 1 MiB reads beat 64 KiB reads and splice(2) in wall time and
/// daemon CPU alike.
pub const READ_BUFFER: usize = 1 << 20;

/// What a follower may leave unread before it is dropped.
pub const FOLLOWER_BUFFER: usize = 4 << 20;

/// What a follower follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowSource {
    /// One channel of a process (`tail -f`), or both (`fg`, channel None).
    Process { id: ProcessId, channel: Option<Channel> },
    /// The daemon's own log (`maintail -f`).
    MainLog,
}

/// The stdin of a child, for `fg`: written without blocking, with a bounded backlog.
pub struct StdinPipe {
    pub file: File,
    pub backlog: Vec<u8>,
    /// The poller key while the pipe is watched for room to write the backlog.
    pub key: Option<usize>,
}

const MAX_STDIN_BACKLOG: usize = 1 << 20;

/// Why [`Supervisor::send_stdin`] took nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdinRefused {
    /// The process has no running child (so no stdin).
    NotRunning,
    /// The child is not reading: its backlog is at its bound.
    Full,
}

impl Supervisor {
    pub fn watch_output(&mut self, process: ProcessId, file: File, channel: Channel) {
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
    pub fn read_output(&mut self, key: usize) {
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
    pub fn drain_outputs_of(&mut self, id: ProcessId) {
        let keys: Vec<usize> = self.outputs.iter().filter(|(_, p)| p.process == id).map(|(k, _)| *k).collect();
        for key in keys {
            self.read_output(key);
        }
    }

    pub fn drain_all_outputs(&mut self) {
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

    /// A chunk of a child's output: to its log and followers, through the event machinery
    /// when the channel has events (a listener's protocol, capture mode, PROCESS_LOG).
    pub fn write_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        self.stats.logged(id, channel, data.len());
        self.watch_ready_line(id, data);
        if self.output_has_events(id, channel) {
            return self.write_output_with_events(id, channel, data);
        }
        self.log_output(id, channel, data);
    }

    /// Logs a chunk of a child's output and hands it to its followers.
    pub fn log_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        self.mark_lagging_followers(id, channel, data.len());
        let Some(log) = self.channel_log(id, channel) else { return };
        let held = log.backlog_len();
        let report = log.write(data);
        self.report_log_write(id, channel, report, held);
        self.syslog_output(id, channel, data);
        self.feed_followers(FollowSource::Process { id, channel: Some(channel) }, data);
    }

    /// A line of the daemon's own into the process's stdout log (`log_lifecycle`).
    pub fn lifecycle_marker(&mut self, id: ProcessId, text: &str) {
        let Some(p) = self.processes.get_mut(&id) else { return };
        if !p.config.log_lifecycle {
            return;
        }
        let line = format!("--- taskmaster: {text} at {} ---", chrono::Local::now().to_rfc3339());
        let held = p.stdout_log.backlog_len();
        let report = p.stdout_log.marker(&line);
        self.report_log_write(id, Channel::Stdout, report, held);
    }

    /// A process was spawned: its log files exist from now on, as supervisord's do (it opens
    /// them as it forks), so a reader never finds a started process with no log.
    pub fn create_logs(&mut self, id: ProcessId) {
        if let Some(p) = self.processes.get_mut(&id) {
            p.stdout_log.create();
            p.stderr_log.create();
        }
    }

    /// `reopen` and SIGUSR2: every log file is closed and opened again at its path.
    pub fn reopen_logs(&mut self) {
        self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).reopen();
        for p in self.processes.values_mut() {
            p.stdout_log.reopen();
            p.stderr_log.reopen();
        }
    }

    /// Sends raw bytes to each follower of `source`.
    pub fn feed_followers(&mut self, source: FollowSource, data: &[u8]) {
        if self.followers.is_empty() {
            return;
        }
        let keys: Vec<ClientId> = self
            .followers
            .iter()
            // One catching up from disk reads this chunk there.
            .filter(|(key, _)| !self.lagging.contains_key(key))
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
            self.outbox.push_back((key, Outgoing::Bytes(data.to_vec())));
        }
    }

    /// A follower its front-end let go of (it fell behind): nothing more is streamed to it.
    pub fn unfollow(&mut self, client: ClientId) {
        self.audit_fg_end(client);
        self.followers.remove(&client);
        self.attached.remove(&client);
        self.unfollow_events(client);
    }

    /// Hands what the activity log wrote since the last pass to `maintail -f` followers.
    pub fn feed_main_log_followers(&mut self) {
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

    /// Raw input from a streaming client: for its process's stdin if it is attached (`fg`),
    /// else ignored.
    pub fn client_input(&mut self, client: ClientId, input: &[u8]) {
        let Some(&id) = self.attached.get(&client) else { return };
        if input.is_empty() {
            return;
        }
        match self.send_stdin(id, input) {
            Ok(()) => self.audit_fg_input(client, input.len()),
            Err(StdinRefused::Full) => {
                let name = self.processes.get(&id).map(|p| p.config.name.as_str()).unwrap_or_default();
                warn!("{name}: stdin is not being read; dropping {} bytes of fg input", input.len());
            }
            Err(StdinRefused::NotRunning) => {}
        }
    }

    /// Queues bytes for a running process's stdin and writes what the pipe takes now, never
    /// blocking (the operation behind `fg` input, and behind a front-end's "send to stdin").
    pub fn send_stdin(&mut self, id: ProcessId, input: &[u8]) -> Result<(), StdinRefused> {
        let Some(p) = self.processes.get_mut(&id) else { return Err(StdinRefused::NotRunning) };
        let Some(stdin) = p.stdin.as_mut() else { return Err(StdinRefused::NotRunning) };
        if stdin.backlog.len() + input.len() > MAX_STDIN_BACKLOG {
            return Err(StdinRefused::Full);
        }
        stdin.backlog.extend_from_slice(input);
        self.write_stdin(id);
        Ok(())
    }

    /// Writes a process's stdin backlog as far as the pipe takes it, watching for room if not.
    pub fn write_stdin(&mut self, id: ProcessId) {
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
                let key = self.keys.next();
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
    pub fn close_stdin(&mut self, id: ProcessId) {
        if let Some(p) = self.processes.get_mut(&id)
            && let Some(stdin) = p.stdin.take()
            && let Some(key) = stdin.key
        {
            let _ = self.poller.delete(&stdin.file);
            self.stdin_keys.remove(&key);
        }
        let attached: Vec<ClientId> =
            self.attached.iter().filter(|(_, process)| **process == id).map(|(client, _)| *client).collect();
        self.end_streams(attached, id, "exited");
    }

    /// Ends every stream about a process that is going away (`tail -f` and `fg` alike).
    pub fn release_followers(&mut self, id: ProcessId, why: &str) {
        let keys: Vec<ClientId> = self
            .followers
            .iter()
            .filter(|(_, source)| matches!(source, FollowSource::Process { id: followed, .. } if *followed == id))
            .map(|(key, _)| *key)
            .collect();
        self.end_streams(keys, id, why);
    }

    fn end_streams(&mut self, clients: Vec<ClientId>, id: ProcessId, why: &str) {
        let name = self.display_name(id);
        for client in clients {
            self.unfollow(client);
            self.outbox.push_back((client, Outgoing::End(format!("\n[taskmaster: {name} {why}]\n").into_bytes())));
        }
    }
}
