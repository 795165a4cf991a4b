//! The event loop: the only place that owns state and does I/O.
//!
//! One `poll` waits on everything at once (the signal pipe, the control socket, each client, each
//! child's output pipe) with a timeout equal to the next deadline of the timer queue; nothing
//! ticks. Each wake-up drains the signal pipe first (reaping every exited child on SIGCHLD), then
//! serves sockets and pipes, then fires due timers, then settles the jobs that clients wait on.
//! Every change of a process goes through [`process_state::transition`], whose effects are
//! carried out here.

mod output;
mod reload;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::io::ErrorKind;
use std::os::unix::net::UnixListener;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use log::{debug, error, info, warn};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use polling::{Event, Events, Poller};

use super::child_output::{ChannelLog, RotatingFile};
use super::lifecycle::ActivityFile;
use super::process_state::{self, Effect, Input, Refusal, State, Timer};
use super::server::{Connection, ReadOutcome};
use super::signals::SignalPipe;
use super::spawn;
use super::timers::{TimerId, Timers};
use crate::cli::Channel;
use crate::config::{Config, LogConfig, LogDestination, ProcessConfig, Signal};
use crate::protocol::{
    self, AvailInfo, ErrorKind as ProtoError, ExitStatus, ProcessInfo, ProcessResult, ProcessState, Request, Response,
};
use output::StdinPipe;

const SIGNAL_KEY: usize = 0;
const LISTENER_KEY: usize = 1;
const FIRST_DYNAMIC_KEY: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId(u64);

/// One supervised process: its settings, its lifecycle state, and what the loop keeps about it.
struct Process {
    config: ProcessConfig,
    state: State,
    timer: Option<TimerId>,
    start_time: Option<SystemTime>,
    stop_time: Option<SystemTime>,
    exit_status: Option<ExitStatus>,
    spawn_error: Option<String>,
    stdout_log: ChannelLog,
    stderr_log: ChannelLog,
    /// The write end of the running child's stdin, for `fg`.
    stdin: Option<StdinPipe>,
}

fn channel_log(config: &LogConfig) -> ChannelLog {
    let file = match &config.destination {
        LogDestination::None => None,
        LogDestination::File(path) => {
            Some(RotatingFile::new(path.clone(), config.maxbytes, config.backups).auto_named(config.auto))
        }
    };
    ChannelLog::new(file, config.timestamps)
}

impl Process {
    fn new(config: ProcessConfig) -> Self {
        // With redirect_stderr the stderr lines land in the stdout log, stamped as stdout's.
        let stdout_log = channel_log(&config.stdout);
        let stderr_log = channel_log(&config.stderr);
        Process {
            config,
            state: State::Stopped,
            timer: None,
            start_time: None,
            stop_time: None,
            exit_status: None,
            spawn_error: None,
            stdout_log,
            stderr_log,
            stdin: None,
        }
    }

    fn public_state(&self) -> ProcessState {
        self.state.public()
    }

    fn info(&self) -> ProcessInfo {
        ProcessInfo {
            name: self.config.name.clone(),
            group: self.config.group.clone(),
            state: self.public_state(),
            pid: self.state.pid(),
            start_time: self.start_time.map(epoch_seconds),
            stop_time: self.stop_time.map(epoch_seconds),
            exit_status: self.exit_status,
            spawn_error: self.spawn_error.clone(),
        }
    }
}

fn epoch_seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// The read end of one child output pipe.
struct OutputPipe {
    file: File,
    process: ProcessId,
    channel: Channel,
}

#[derive(Debug, Clone, Copy)]
enum TimerEvent {
    Process(ProcessId, Timer),
    JobDeadline(u64),
    /// Retry the logs whose writes failed.
    RetryLogs,
    /// Watch the control socket again after running out of descriptors.
    ListenAgain,
}

/// How long the control socket rests after an accept failed for lack of descriptors.
const LISTEN_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

/// Where a start, stop, restart or reload change of one process has got to.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    AwaitStopped { then: AfterStop },
    AwaitStarted,
    Done,
}

/// What to do with a process once it has stopped.
#[derive(Debug, Clone, PartialEq)]
enum AfterStop {
    Nothing,
    Start,
    /// Take the new settings and start again (a changed program in an update).
    Replace(Box<ProcessConfig>),
    /// Drop it (a program gone from the config).
    Remove,
}

struct ActionItem {
    id: ProcessId,
    name: String,
    step: Step,
    /// Whether each step's outcome is a line of the reply (start/stop), or the job's reply was
    /// written up front (update).
    report: bool,
}

enum JobKind {
    /// start, stop, restart: each item walks through its steps.
    Actions(Vec<ActionItem>),
    /// wait: each process must reach `want`.
    Wait { items: Vec<(ProcessId, String, bool)>, want: ProcessState, deadline: Option<TimerId>, timed_out: bool },
}

/// Work that outlives one loop pass. A client may wait for its results; a restart goes on even
/// if its client left.
struct Job {
    id: u64,
    reply_to: Option<usize>,
    kind: JobKind,
    results: Vec<ProcessResult>,
}

struct Client {
    connection: Connection,
    /// A job answers this client's last request: read no further request until it does.
    busy: bool,
    /// The connection carries raw output now (tail, maintail, fg), not requests.
    streaming: bool,
    /// Drop the client once its output is written.
    closing: bool,
    /// The process whose stdin this client's input goes to (`fg`).
    attached: Option<ProcessId>,
}

/// Whether the other end of a socket is closed both ways (not merely shut for writing).
fn peer_hung_up(stream: &std::os::unix::net::UnixStream) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let mut fds = [PollFd::new(stream.as_fd(), PollFlags::POLLOUT)];
    poll(&mut fds, PollTimeout::ZERO).is_ok()
        && fds[0].revents().is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR))
}

/// The supervisor: every piece of the daemon's state, owned by the loop.
pub struct Supervisor {
    config: Config,
    processes: BTreeMap<ProcessId, Process>,
    by_pid: HashMap<u32, ProcessId>,
    timers: Timers<TimerEvent>,
    poller: Poller,
    listener: UnixListener,
    signals: SignalPipe,
    clients: HashMap<usize, Client>,
    outputs: HashMap<usize, OutputPipe>,
    jobs: Vec<Job>,
    next_key: usize,
    next_job: u64,
    next_process: u64,
    mode: Mode,
    /// The daemon's own environment, the base of every child's.
    base_environment: Vec<(String, String)>,
    activity_log: ActivityFile,
    /// Clients following output, by client key.
    followers: HashMap<usize, output::FollowSource>,
    /// Poller keys of children's stdin pipes waiting for room.
    stdin_keys: HashMap<usize, ProcessId>,
    /// The retry timer of failing logs, while one is armed.
    log_retry: Option<TimerId>,
    /// Reused for every pipe read: large reads mean fewer system calls for a chatty child.
    read_buffer: Vec<u8>,
    /// The logger, to change the level on reload.
    logger: Option<flexi_logger::LoggerHandle>,
}

fn process_result(name: &str, message: &str) -> ProcessResult {
    ProcessResult { name: name.to_string(), message: message.to_string(), error: None }
}

fn process_error(name: &str, message: &str, kind: ProtoError) -> ProcessResult {
    ProcessResult { name: name.to_string(), message: message.to_string(), error: Some(kind) }
}

/// `NAME: ERROR (no such process)` for each name that matched nothing.
fn unknown_names(names: &[String]) -> Vec<ProcessResult> {
    names.iter().map(|n| process_error(n, "no such process", ProtoError::NoSuchProcess)).collect()
}

impl Supervisor {
    pub fn new(
        config: Config,
        listener: UnixListener,
        activity_log: ActivityFile,
        logger: Option<flexi_logger::LoggerHandle>,
    ) -> anyhow::Result<Self> {
        let poller = Poller::new()?;
        let signals = SignalPipe::install()?;
        // SAFETY: the signal pipe and the listener are owned by the Supervisor and are deleted
        // from the poller in `Drop` before they close.
        unsafe {
            poller.add(signals.reader(), Event::readable(SIGNAL_KEY))?;
            poller.add(&listener, Event::readable(LISTENER_KEY))?;
        }
        let mut supervisor = Supervisor {
            config: config.clone(),
            processes: BTreeMap::new(),
            by_pid: HashMap::new(),
            timers: Timers::default(),
            poller,
            listener,
            signals,
            clients: HashMap::new(),
            outputs: HashMap::new(),
            jobs: Vec::new(),
            next_key: FIRST_DYNAMIC_KEY,
            next_job: 0,
            next_process: 0,
            mode: Mode::Serving,
            base_environment: std::env::vars().collect(),
            activity_log,
            followers: HashMap::new(),
            stdin_keys: HashMap::new(),
            log_retry: None,
            // Allocated zeroed (calloc), so its pages cost memory only once a read fills them.
            read_buffer: vec![0; output::READ_BUFFER],
            logger,
        };
        for process in config.processes() {
            supervisor.insert_process(process.clone());
        }
        Ok(supervisor)
    }

    /// Starts the autostart processes, lowest priority first.
    pub fn autostart(&mut self) {
        let mut ids: Vec<(i64, ProcessId)> =
            self.processes.iter().filter(|(_, p)| p.config.autostart).map(|(id, p)| (p.config.priority, *id)).collect();
        ids.sort();
        for (_, id) in ids {
            self.feed(id, Input::Start);
        }
    }

    /// Runs until shutdown completes.
    pub fn run(&mut self) -> anyhow::Result<()> {
        let mut events = Events::new();
        loop {
            match self.mode {
                Mode::Serving => {}
                Mode::ShuttingDown => {
                    if self.stop_all_in_priority_order() {
                        break;
                    }
                }
                Mode::Reloading { .. } => {
                    if self.stop_all_in_priority_order() {
                        self.finish_reload();
                    }
                }
            }
            let timeout = self.timers.next_deadline().map(|at| at.saturating_duration_since(Instant::now()));
            events.clear();
            match self.poller.wait(&mut events, timeout) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
            // Signals first: an exit must be known before a request about that process is served.
            let keys: Vec<(usize, bool, bool)> = events.iter().map(|e| (e.key, e.readable, e.writable)).collect();
            if keys.iter().any(|(key, _, _)| *key == SIGNAL_KEY) {
                self.handle_signals()?;
            }
            for (key, readable, writable) in keys {
                match key {
                    SIGNAL_KEY => {}
                    LISTENER_KEY => self.accept_clients()?,
                    key if self.outputs.contains_key(&key) => self.read_output(key),
                    key if self.stdin_keys.contains_key(&key) => self.write_stdin(self.stdin_keys[&key]),
                    key => self.serve_client(key, readable, writable),
                }
            }
            let now = Instant::now();
            for timer in self.timers.pop_due(now) {
                match timer {
                    TimerEvent::Process(id, timer) => {
                        if let Some(p) = self.processes.get_mut(&id) {
                            p.timer = None;
                        }
                        self.feed(id, Input::Timer(timer));
                    }
                    TimerEvent::JobDeadline(job) => self.expire_job(job),
                    TimerEvent::RetryLogs => self.retry_logs(),
                    TimerEvent::ListenAgain => self.poller.modify(&self.listener, Event::readable(LISTENER_KEY))?,
                }
            }
            self.settle_jobs();
            self.feed_main_log_followers();
        }
        self.drain_all_outputs();
        info!("exiting");
        Ok(())
    }

    fn handle_signals(&mut self) -> anyhow::Result<()> {
        for signal in self.signals.drain() {
            match signal {
                libc::SIGCHLD => self.reap(),
                libc::SIGTERM | libc::SIGINT | libc::SIGQUIT => {
                    let name = Signal(nix::sys::signal::Signal::try_from(signal)?);
                    warn!("received {name} indicating exit request");
                    self.begin_shutdown();
                }
                libc::SIGHUP => self.sighup(),
                libc::SIGUSR2 => {
                    self.reopen_logs();
                    info!("received SIGUSR2 indicating log reopen request; log files reopened");
                }
                _ => {}
            }
        }
        self.poller.modify(self.signals.reader(), Event::readable(SIGNAL_KEY))?;
        Ok(())
    }

    /// Reaps every exited child, after reading what it left in its pipes.
    fn reap(&mut self) {
        loop {
            let (pid, status) = match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) => (pid, ExitStatus::Code(code)),
                Ok(WaitStatus::Signaled(pid, signal, _)) => (pid, ExitStatus::Signal(signal as i32)),
                Ok(WaitStatus::StillAlive) => break,
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => break,
            };
            let pid = pid.as_raw() as u32;
            let Some(id) = self.by_pid.remove(&pid) else {
                debug!("reaped unknown pid {pid}");
                continue;
            };
            self.drain_outputs_of(id);
            self.close_stdin(id);
            self.lifecycle_marker(id, &format!("exited ({})", process_state::describe_exit(status)));
            if let Some(p) = self.processes.get_mut(&id) {
                p.exit_status = Some(status);
                p.stop_time = Some(SystemTime::now());
            }
            self.feed(id, Input::Exited { pid, status });
        }
    }

    /// Feeds an input to a process's state machine and carries out the effects, including the
    /// inputs they produce in turn (a spawn's outcome). Returns why the first input was
    /// refused, if it was.
    fn feed(&mut self, id: ProcessId, input: Input) -> Option<Refusal> {
        let mut queue = VecDeque::from([input]);
        let mut first_refusal = None;
        let mut first = true;
        while let Some(input) = queue.pop_front() {
            let Some(p) = self.processes.get_mut(&id) else { return Some(Refusal::Stale) };
            let transition = process_state::transition(&p.state, &input, &p.config, Instant::now());
            if first {
                first_refusal = transition.refused;
                first = false;
            }
            if let Some(why) = transition.refused {
                if why == Refusal::Stale {
                    debug!("{}: ignored {input:?} in {:?}", p.config.name, p.state);
                }
                continue;
            }
            if let Some(timer) = p.timer.take() {
                self.timers.cancel(timer);
            }
            p.state = transition.state;
            for effect in transition.effects {
                match effect {
                    Effect::Log { level, message } => log::log!(level, "{message}"),
                    Effect::Arm { at, timer } => {
                        let timer_id = self.timers.insert(at, TimerEvent::Process(id, timer));
                        if let Some(p) = self.processes.get_mut(&id) {
                            p.timer = Some(timer_id);
                        }
                    }
                    Effect::Kill { pid, signal, group } => {
                        let target = if group { -(pid as i32) } else { pid as i32 };
                        if let Err(e) = nix::sys::signal::kill(Pid::from_raw(target), signal.0)
                            && e != nix::errno::Errno::ESRCH
                        {
                            error!("can't send {signal} to pid {target}: {e}");
                        }
                    }
                    // Nothing starts while everything is being stopped.
                    Effect::Spawn if self.mode != Mode::Serving => {}
                    Effect::Spawn => queue.push_back(self.spawn(id)),
                }
            }
        }
        first_refusal
    }

    fn spawn(&mut self, id: ProcessId) -> Input {
        let p = self.processes.get(&id).expect("spawn of a known process");
        let mut environment = self.base_environment.clone();
        environment.extend(self.config.daemon.environment.iter().cloned());
        environment.extend(p.config.environment.iter().cloned());
        environment.push(("TASKMASTER_ENABLED".into(), "1".into()));
        environment.push(("TASKMASTER_PROCESS_NAME".into(), p.config.name.clone()));
        environment.push(("TASKMASTER_GROUP_NAME".into(), p.config.group.clone()));
        environment.push(("TASKMASTER_SERVER_URL".into(), self.config.unix_server.file.display().to_string()));
        match spawn::spawn(&p.config, &environment) {
            Ok(child) => {
                let pid = child.pid;
                self.by_pid.insert(pid, id);
                self.watch_output(id, child.stdout, Channel::Stdout);
                if let Some(stderr) = child.stderr {
                    self.watch_output(id, stderr, Channel::Stderr);
                }
                let p = self.processes.get_mut(&id).expect("still there");
                p.spawn_error = None;
                p.start_time = Some(SystemTime::now());
                p.stop_time = None;
                p.stdin = Some(StdinPipe { file: child.stdin, backlog: Vec::new(), key: None });
                self.lifecycle_marker(id, &format!("spawned with pid {pid}"));
                Input::SpawnSucceeded { pid }
            }
            Err(error) => {
                let p = self.processes.get_mut(&id).expect("still there");
                p.spawn_error = Some(error.clone());
                Input::SpawnFailed { error }
            }
        }
    }

    fn accept_clients(&mut self) -> anyhow::Result<()> {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    let connection = match Connection::new(stream) {
                        Ok(c) => c,
                        Err(e) => {
                            warn!("can't set up a client connection: {e}");
                            continue;
                        }
                    };
                    let key = self.allocate_key();
                    // SAFETY: the stream is owned by `self.clients` and deleted from the poller
                    // before it is dropped (`drop_client`).
                    if let Err(e) = unsafe { self.poller.add(&connection.stream, Event::readable(key)) } {
                        warn!("can't watch a client connection: {e}");
                        continue;
                    }
                    let client = Client { connection, busy: false, streaming: false, closing: false, attached: None };
                    self.clients.insert(key, client);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)) =>
                {
                    // Out of descriptors: the pending connection would wake the loop again at
                    // once, so listen again only a little later, serving the connected meanwhile.
                    warn!("can't accept a client: {e}; listening again in {LISTEN_RETRY:?}");
                    self.timers.insert(Instant::now() + LISTEN_RETRY, TimerEvent::ListenAgain);
                    return Ok(());
                }
                Err(e) => {
                    warn!("can't accept a client: {e}");
                    break;
                }
            }
        }
        self.poller.modify(&self.listener, Event::readable(LISTENER_KEY))?;
        Ok(())
    }

    fn drop_client(&mut self, key: usize) {
        if let Some(client) = self.clients.remove(&key) {
            let _ = self.poller.delete(&client.connection.stream);
        }
        self.followers.remove(&key);
        for job in &mut self.jobs {
            if job.reply_to == Some(key) {
                job.reply_to = None;
            }
        }
        // A wait nobody waits for has no purpose.
        self.jobs.retain(|job| job.reply_to.is_some() || matches!(job.kind, JobKind::Actions(_)));
    }

    fn serve_client(&mut self, key: usize, readable: bool, writable: bool) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if readable {
            match client.connection.read_available() {
                Ok(_) if client.streaming || client.closing => {
                    // Raw input: keystrokes for an attached process, else nothing to serve.
                    if client.attached.is_some() {
                        self.forward_input(key);
                    } else {
                        client.connection.take_input();
                    }
                }
                Ok(ReadOutcome::Open) => {}
                Ok(ReadOutcome::TooLong) => {
                    let message = format!("request line longer than {} bytes", protocol::MAX_LINE);
                    return self.reply_and_close(key, message);
                }
                Err(_) => {
                    self.drop_client(key);
                    return;
                }
            }
        }
        if writable
            && let Some(client) = self.clients.get_mut(&key)
            && client.connection.flush().is_err()
        {
            self.drop_client(key);
            return;
        }
        self.process_requests(key);
        self.update_client_interest(key);
    }

    /// Answers a client that broke the protocol, then hangs up: what the socket does not take
    /// at once is not waited for.
    fn reply_and_close(&mut self, key: usize, message: String) {
        self.send(key, &Response::Error { kind: ProtoError::BadRequest, message });
        self.drop_client(key);
    }

    /// Serves every complete request line, one at a time: a request a job answers holds back
    /// the next until the answer is sent.
    fn process_requests(&mut self, key: usize) {
        loop {
            let Some(client) = self.clients.get_mut(&key) else { return };
            if client.busy {
                return;
            }
            let line = match client.connection.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return,
                Err(protocol::LineTooLong) => {
                    let message = format!("request line longer than {} bytes", protocol::MAX_LINE);
                    self.reply_and_close(key, message);
                    return;
                }
            };
            match protocol::decode_request(&line) {
                Ok(request) => self.handle_request(key, request),
                Err(message) => self.send(key, &Response::Error { kind: ProtoError::BadRequest, message }),
            }
        }
    }

    fn update_client_interest(&mut self, key: usize) {
        let Some(client) = self.clients.get(&key) else { return };
        let done_reading = client.connection.read_closed;
        let wants_write = client.connection.wants_write();
        // A finished stream, a follower that hung up, or a client with nothing left to say.
        let finished = (client.closing && !wants_write)
            || (done_reading && client.streaming)
            || (done_reading && !client.busy && !wants_write);
        if finished {
            self.drop_client(key);
            return;
        }
        let interest = match (done_reading, wants_write) {
            (false, false) => Event::readable(key),
            (false, true) => Event::all(key),
            (true, true) => Event::writable(key),
            (true, false) => {
                // Waiting for a job's answer with the client's sending side shut. One that is
                // gone entirely is dropped, its wait with it. One that only half-closed stays
                // registered with no interest: epoll still reports a later full hang-up, once.
                if peer_hung_up(&client.connection.stream) {
                    return self.drop_client(key);
                }
                Event::none(key)
            }
        };
        if self.poller.modify(&client.connection.stream, interest).is_err() {
            self.drop_client(key);
        }
    }

    fn send(&mut self, key: usize, response: &Response) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if let Err(e) = client.connection.send(&protocol::encode_line(response)) {
            warn!("dropping a client: {e}");
            self.drop_client(key);
        }
    }

    /// Resolves process names: NAME, GROUP:NAME, GROUP:*, a bare group or program name, all, or a
    /// glob. Returns the matches in display order, and the names that matched nothing.
    fn resolve(&self, names: &[String]) -> (Vec<ProcessId>, Vec<String>) {
        let mut ordered: Vec<(&ProcessId, &Process)> = self.processes.iter().collect();
        ordered.sort_by_key(|(_, p)| p.config.qualified_name());
        let mut found: Vec<ProcessId> = Vec::new();
        let mut unknown = Vec::new();
        for name in names {
            let matches: Vec<ProcessId> = if name == "all" {
                ordered.iter().map(|(id, _)| **id).collect()
            } else if let Some((group, process)) = name.split_once(':') {
                ordered
                    .iter()
                    .filter(|(_, p)| {
                        p.config.group == group && (process == "*" || process.is_empty() || p.config.name == process)
                    })
                    .map(|(id, _)| **id)
                    .collect()
            } else if name.contains(['*', '?', '[']) {
                match glob::Pattern::new(name) {
                    Ok(pattern) => ordered
                        .iter()
                        .filter(|(_, p)| pattern.matches(&p.config.name) || pattern.matches(&p.config.qualified_name()))
                        .map(|(id, _)| **id)
                        .collect(),
                    Err(_) => Vec::new(),
                }
            } else {
                let exact: Vec<ProcessId> =
                    ordered.iter().filter(|(_, p)| p.config.name == *name).map(|(id, _)| **id).collect();
                if exact.is_empty() {
                    ordered
                        .iter()
                        .filter(|(_, p)| p.config.group == *name || p.config.program == *name)
                        .map(|(id, _)| **id)
                        .collect()
                } else {
                    exact
                }
            };
            if matches.is_empty() {
                unknown.push(name.clone());
            }
            for id in matches {
                if !found.contains(&id) {
                    found.push(id);
                }
            }
        }
        (found, unknown)
    }

    /// The one process an action on a single process (`tail`, `fg`) names, or the error to
    /// answer with.
    fn resolve_one(&self, name: &str, action: &str) -> Result<ProcessId, Response> {
        let (ids, _) = self.resolve(&[name.to_string()]);
        match ids[..] {
            [id] => Ok(id),
            [] => {
                Err(Response::Error { kind: ProtoError::NoSuchProcess, message: format!("no such process '{name}'") })
            }
            _ => Err(Response::Error {
                kind: ProtoError::BadRequest,
                message: format!("'{name}' names {} processes; {action} takes one", ids.len()),
            }),
        }
    }

    fn display_name(&self, id: ProcessId) -> String {
        self.processes.get(&id).map(|p| p.config.qualified_name()).unwrap_or_default()
    }

    fn handle_request(&mut self, key: usize, request: Request) {
        let response = match request {
            Request::Status { names } => {
                let (ids, unknown) =
                    if names.is_empty() { self.resolve(&["all".to_string()]) } else { self.resolve(&names) };
                let processes = ids.iter().filter_map(|id| self.processes.get(id)).map(Process::info).collect();
                Response::Status { now: epoch_seconds(SystemTime::now()), processes, unknown }
            }
            Request::Start { names, wait } => return self.start_job(key, Kind::Start, &names, wait),
            Request::Stop { names, wait } => return self.start_job(key, Kind::Stop, &names, wait),
            Request::Restart { names, wait } => return self.start_job(key, Kind::Restart, &names, wait),
            Request::Signal { signal, names } => match Signal::parse(&signal) {
                Err(message) => Response::Error { kind: ProtoError::BadRequest, message },
                Ok(signal) => self.signal_processes(signal, &names),
            },
            Request::Pid { names } if names.is_empty() => Response::DaemonPid { pid: std::process::id() },
            Request::Pid { names } => {
                let (ids, unknown) = self.resolve(&names);
                let pids = ids
                    .iter()
                    .filter_map(|id| self.processes.get(id))
                    .map(|p| (p.config.qualified_name(), p.state.pid()))
                    .collect();
                Response::Pids { pids, unknown }
            }
            Request::Avail => {
                let mut programs: Vec<AvailInfo> = self
                    .config
                    .processes()
                    .map(|p| AvailInfo {
                        name: p.qualified_name(),
                        group: p.group.clone(),
                        in_use: self.processes.values().any(|q| q.config.name == p.name),
                        autostart: p.autostart,
                        priority: p.priority,
                    })
                    .collect();
                programs.sort_by(|a, b| a.name.cmp(&b.name));
                Response::Avail { programs }
            }
            Request::Version => Response::Version { version: env!("CARGO_PKG_VERSION").to_string() },
            Request::Shutdown => {
                self.send(key, &Response::Done { message: "Shut down".to_string() });
                warn!("shutdown requested by a client");
                self.begin_shutdown();
                return;
            }
            Request::Wait { names, state, timeout_ms } => return self.wait_job(key, &names, state, timeout_ms),
            Request::Reread => self.reread(),
            Request::Update { names } => return self.update(Some(key), &names),
            Request::Add { names } => self.add(&names),
            Request::Remove { names } => self.remove(&names),
            Request::Reload => return self.begin_reload(key),
            Request::Tail { name, channel, bytes, follow } => return self.tail(key, &name, channel, bytes, follow),
            Request::Maintail { bytes, follow } => return self.maintail(key, bytes, follow),
            Request::Clear { names } => self.clear(&names),
            Request::Reopen => {
                self.reopen_logs();
                info!("reopened log files at a client's request");
                Response::Done { message: "Reopened log files".to_string() }
            }
            Request::Fg { name } => return self.attach(key, &name),
        };
        self.send(key, &response);
    }

    fn signal_processes(&mut self, signal: Signal, names: &[String]) -> Response {
        let (ids, unknown) = self.resolve(names);
        let mut results = unknown_names(&unknown);
        for id in ids {
            let Some(p) = self.processes.get(&id) else { continue };
            let name = p.config.qualified_name();
            results.push(match p.state.pid() {
                None => process_error(&name, "not running", ProtoError::Failed),
                Some(pid) => match nix::sys::signal::kill(Pid::from_raw(pid as i32), signal.0) {
                    Ok(()) => process_result(&name, "signalled"),
                    Err(e) => process_error(&name, &format!("can't signal: {e}"), ProtoError::Failed),
                },
            });
        }
        Response::Results { results }
    }

    fn start_job(&mut self, key: usize, kind: Kind, names: &[String], wait: bool) {
        if let Some(message) = self.busy_reason() {
            return self.send(key, &Response::Error { kind: ProtoError::Failed, message });
        }
        let (ids, unknown) = self.resolve(names);
        let mut results = unknown_names(&unknown);
        let mut items = Vec::new();
        for id in ids {
            let name = self.display_name(id);
            if !self.take_over(id) {
                results.push(process_error(&name, "being removed by an update", ProtoError::Failed));
                continue;
            }
            let step = match kind {
                Kind::Start => match self.feed(id, Input::Start) {
                    Some(Refusal::AlreadyStarted) => {
                        results.push(process_error(&name, "already started", ProtoError::Failed));
                        Step::Done
                    }
                    _ => Step::AwaitStarted,
                },
                Kind::Stop => match self.feed(id, Input::Stop) {
                    Some(Refusal::NotRunning) => {
                        results.push(process_error(&name, "not running", ProtoError::Failed));
                        Step::Done
                    }
                    _ => Step::AwaitStopped { then: AfterStop::Nothing },
                },
                Kind::Restart => match self.feed(id, Input::Stop) {
                    Some(Refusal::NotRunning) => {
                        self.feed(id, Input::Start);
                        Step::AwaitStarted
                    }
                    _ => Step::AwaitStopped { then: AfterStop::Start },
                },
            };
            if !wait && step != Step::Done {
                results.push(process_result(&name, kind.no_wait_message()));
            }
            items.push(ActionItem { id, name, step, report: true });
        }
        let job_id = self.next_job;
        self.next_job += 1;
        let reply_to = if wait { Some(key) } else { None };
        self.jobs.push(Job { id: job_id, reply_to, kind: JobKind::Actions(items), results });
        if !wait {
            let results = std::mem::take(&mut self.jobs.last_mut().expect("just pushed").results);
            self.send(key, &Response::Results { results });
        } else if let Some(client) = self.clients.get_mut(&key) {
            client.busy = true;
        }
        self.settle_jobs();
    }

    /// Ends the pending start, stop or restart steps of other requests on `id`: the latest
    /// request about a process decides what happens to it, and the earlier ones are told they
    /// were superseded. A settings change waiting for the stop is applied now (without the
    /// start it planned). A pending removal is never taken over: false.
    fn take_over(&mut self, id: ProcessId) -> bool {
        let removing = self.jobs.iter().any(|job| match &job.kind {
            JobKind::Actions(items) => {
                items.iter().any(|i| i.id == id && matches!(i.step, Step::AwaitStopped { then: AfterStop::Remove }))
            }
            JobKind::Wait { .. } => false,
        });
        if removing {
            return false;
        }
        let mut replaced = Vec::new();
        for job in &mut self.jobs {
            let Job { kind: JobKind::Actions(items), results, .. } = job else { continue };
            for item in items.iter_mut().filter(|i| i.id == id && i.step != Step::Done) {
                if let Step::AwaitStopped { then: AfterStop::Replace(config) } = &item.step {
                    replaced.push((**config).clone());
                }
                if item.report {
                    results.push(process_error(&item.name, "superseded by a later request", ProtoError::Failed));
                }
                item.step = Step::Done;
            }
        }
        for config in replaced {
            self.replace_config(id, config);
        }
        true
    }

    fn wait_job(&mut self, key: usize, names: &[String], want: ProcessState, timeout_ms: Option<u64>) {
        let (ids, unknown) = self.resolve(names);
        let results = unknown_names(&unknown);
        let items = ids.iter().map(|id| (*id, self.display_name(*id), false)).collect();
        let job_id = self.next_job;
        self.next_job += 1;
        let deadline = timeout_ms.map(|ms| {
            self.timers.insert(Instant::now() + std::time::Duration::from_millis(ms), TimerEvent::JobDeadline(job_id))
        });
        self.jobs.push(Job {
            id: job_id,
            reply_to: Some(key),
            kind: JobKind::Wait { items, want, deadline, timed_out: false },
            results,
        });
        if let Some(client) = self.clients.get_mut(&key) {
            client.busy = true;
        }
        self.settle_jobs();
    }

    fn expire_job(&mut self, job_id: u64) {
        for job in &mut self.jobs {
            if job.id == job_id
                && let JobKind::Wait { timed_out, deadline, .. } = &mut job.kind
            {
                *timed_out = true;
                *deadline = None;
            }
        }
    }

    /// Moves every job forward as far as the processes' states allow, and answers the finished.
    fn settle_jobs(&mut self) {
        let mut index = 0;
        while index < self.jobs.len() {
            let mut job = std::mem::replace(&mut self.jobs[index].kind, JobKind::Actions(Vec::new()));
            let mut new_results = Vec::new();
            let finished = match &mut job {
                JobKind::Actions(items) => self.advance_actions(items, &mut new_results),
                JobKind::Wait { items, want, deadline, timed_out } => {
                    let finished = self.advance_wait(items, *want, *timed_out, &mut new_results);
                    if finished && let Some(timer) = deadline.take() {
                        self.timers.cancel(timer);
                    }
                    finished
                }
            };
            self.jobs[index].kind = job;
            self.jobs[index].results.extend(new_results);
            if finished {
                let mut job = self.jobs.remove(index);
                // Results in the order of the processes asked for, not of their completion.
                if let JobKind::Actions(items) = &job.kind {
                    let position = |name: &str| items.iter().position(|item| item.name == name);
                    job.results.sort_by_key(|r| position(&r.name));
                }
                if let Some(key) = job.reply_to {
                    self.send(key, &Response::Results { results: job.results });
                    if let Some(client) = self.clients.get_mut(&key) {
                        client.busy = false;
                    }
                    self.process_requests(key);
                    self.update_client_interest(key);
                }
            } else {
                index += 1;
            }
        }
    }

    fn advance_actions(&mut self, items: &mut [ActionItem], results: &mut Vec<ProcessResult>) -> bool {
        for item in items.iter_mut() {
            loop {
                let Some(p) = self.processes.get(&item.id) else {
                    if item.step != Step::Done {
                        results.push(process_error(&item.name, "no such process", ProtoError::NoSuchProcess));
                        item.step = Step::Done;
                    }
                    break;
                };
                let state = p.public_state();
                match &item.step {
                    Step::Done => break,
                    Step::AwaitStopped { then } => {
                        if state.is_running() {
                            break;
                        }
                        if item.report {
                            results.push(process_result(&item.name, "stopped"));
                        }
                        item.step = match then.clone() {
                            AfterStop::Nothing => Step::Done,
                            AfterStop::Start => {
                                self.feed(item.id, Input::Start);
                                Step::AwaitStarted
                            }
                            AfterStop::Replace(config) => {
                                self.replace_config(item.id, *config);
                                self.feed(item.id, Input::Start);
                                Step::Done
                            }
                            AfterStop::Remove => {
                                self.remove_process(item.id);
                                Step::Done
                            }
                        };
                    }
                    Step::AwaitStarted => {
                        match state {
                            ProcessState::Starting => break,
                            ProcessState::Running => results.push(process_result(&item.name, "started")),
                            _ if p.spawn_error.is_some() => {
                                results.push(process_error(&item.name, "spawn error", ProtoError::Failed))
                            }
                            _ => results.push(process_error(&item.name, "abnormal termination", ProtoError::Failed)),
                        }
                        item.step = Step::Done;
                    }
                }
            }
        }
        items.iter().all(|item| item.step == Step::Done)
    }

    fn advance_wait(
        &self,
        items: &mut [(ProcessId, String, bool)],
        want: ProcessState,
        timed_out: bool,
        results: &mut Vec<ProcessResult>,
    ) -> bool {
        for (id, name, done) in items.iter_mut() {
            if *done {
                continue;
            }
            let state = self.processes.get(id).map(Process::public_state);
            match state {
                None => results.push(process_error(name, "no such process", ProtoError::NoSuchProcess)),
                Some(state) if state == want => results.push(process_result(name, state.as_str())),
                Some(ProcessState::Fatal) => {
                    results.push(process_error(name, &format!("entered FATAL, not {want}"), ProtoError::Failed))
                }
                Some(state) if timed_out => {
                    let message = format!("timed out waiting for {want} (still {state})");
                    results.push(process_error(name, &message, ProtoError::Failed))
                }
                Some(_) => continue,
            }
            *done = true;
        }
        items.iter().all(|(_, _, done)| *done)
    }

    fn begin_shutdown(&mut self) {
        if self.mode != Mode::ShuttingDown {
            self.mode = Mode::ShuttingDown;
            info!("stopping all processes");
        }
    }

    /// Why process actions are refused now, if they are.
    fn busy_reason(&self) -> Option<String> {
        match self.mode {
            Mode::Serving => None,
            Mode::ShuttingDown => Some("the daemon is shutting down".to_string()),
            Mode::Reloading { .. } => Some("the daemon is reloading its configuration".to_string()),
        }
    }

    /// Stops processes in reverse priority order, one priority at a time. True once none runs.
    fn stop_all_in_priority_order(&mut self) -> bool {
        let active: Vec<(i64, ProcessId, bool)> = self
            .processes
            .iter()
            .filter(|(_, p)| p.public_state().is_running())
            .map(|(id, p)| (p.config.priority, *id, p.public_state() == ProcessState::Stopping))
            .collect();
        let Some(highest) = active.iter().map(|(priority, _, _)| *priority).max() else {
            return true;
        };
        for (priority, id, stopping) in active {
            if priority == highest && !stopping {
                self.feed(id, Input::Stop);
            }
        }
        !self.processes.values().any(|p| p.public_state().is_running())
    }
}

/// What the daemon as a whole is doing.
#[derive(Debug, PartialEq)]
enum Mode {
    Serving,
    /// Stopping everything, then taking `config` (the `reload` action); `reply_to` waits.
    Reloading {
        config: Box<Config>,
        reply_to: Option<usize>,
    },
    ShuttingDown,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Start,
    Stop,
    Restart,
}

impl Kind {
    fn no_wait_message(self) -> &'static str {
        match self {
            Kind::Start => "starting",
            Kind::Stop => "stopping",
            Kind::Restart => "restarting",
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        let _ = self.poller.delete(self.signals.reader());
        let _ = self.poller.delete(&self.listener);
        for client in self.clients.values() {
            let _ = self.poller.delete(&client.connection.stream);
        }
        for pipe in self.outputs.values() {
            let _ = self.poller.delete(&pipe.file);
        }
        for stdin in self.processes.values().filter_map(|p| p.stdin.as_ref()) {
            if stdin.key.is_some() {
                let _ = self.poller.delete(&stdin.file);
            }
        }
    }
}
