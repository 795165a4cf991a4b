//! The supervisor: every piece of the daemon's state, owned by one value that the event loop
//! drives, and the operations that requests, signals and timers share.
//!
//! What lives where: the fields are here; the loop that waits on them is `event_loop`; the
//! JSON-lines front-end's connections are served in `control_socket`; child output, log
//! writes and streams to followers in `streams`; what each request does in `requests`. Policy
//! is kept out of this struct in pure modules: a process's moves in `process_state`, a
//! client job's steps in `jobs`, name resolution in `names`, deadlines in `timers`.
//!
//! Every change of a process goes through [`Supervisor::feed`], which runs
//! [`process_state::transition`] and carries out its effects.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::os::unix::net::UnixListener;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use log::{debug, error, info};
use nix::unistd::Pid;
use polling::{Event, Poller};

use super::activity_log::ActivityFile;
use super::control_socket::Client;
use super::event_loop::{LISTENER_KEY, SIGNAL_KEY};
use super::events::EventHub;
use super::events::types::Event as SupervisorEvent;
use super::http_front::HttpFront;
use super::jobs::{self, Command, Job, JobKind, Observed};
use super::log_files::{ChannelLog, RotatingFile};
use super::log_retry::FailingLog;
use super::monitor::{MonitorTimer, Monitors};
use super::names::{self, Entry, NotOne, Resolved};
use super::orphans::ChildRecord;
use super::process_state::{self, Effect, Input, Refusal, State, Timer, Wanted};
use super::requests::audit::FgSessions;
use super::requests::{ClientId, Outgoing};
use super::signals::SignalPipe;
use super::spawn;
use super::stats::Stats;
use super::streams::{self, FollowSource, StdinPipe};
use super::timers::{TimerId, Timers};
use crate::config::{Config, LogConfig, LogDestination, ProcessConfig};
use crate::protocol::{Channel, ErrorKind, ExitStatus, ProcessInfo, ProcessResult, ProcessState, Response};

/// A process's identity for the daemon's lifetime (names can be reused across reloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProcessId(pub u64);

/// One supervised process: its settings, its lifecycle state, and what the loop keeps about it.
pub struct Process {
    pub config: ProcessConfig,
    pub state: State,
    pub timer: Option<TimerId>,
    pub start_time: Option<SystemTime>,
    pub stop_time: Option<SystemTime>,
    pub exit_status: Option<ExitStatus>,
    pub spawn_error: Option<String>,
    pub stdout_log: ChannelLog,
    pub stderr_log: ChannelLog,
    /// The write end of the running child's stdin, for `fg`.
    pub stdin: Option<StdinPipe>,
    /// Set while its log files have nowhere to go ([`log_problem`]): a start is refused.
    pub log_problem: Option<String>,
}

pub fn channel_log(config: &LogConfig) -> ChannelLog {
    let file = match &config.destination {
        LogDestination::None => None,
        LogDestination::File(path) => {
            Some(RotatingFile::new(path.clone(), config.maxbytes, config.backups).auto_named(config.auto))
        }
    };
    ChannelLog::new(file, config.timestamps)
}

/// Why a process's log files have nowhere to go, if so: a directory that does not exist or
/// that the daemon may not write in. Checked when a configuration takes effect (start-up, add,
/// update): a log that fails later (a full disk, a directory moved away) is the log writer's to
/// ride out with its backlog, not a reason to refuse a start.
fn log_problem(config: &ProcessConfig) -> Option<String> {
    use nix::unistd::{AccessFlags, access};
    for (channel, log) in [("stdout", &config.stdout), ("stderr", &config.stderr)] {
        let LogDestination::File(path) = &log.destination else { continue };
        let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else { continue };
        let why = match std::fs::metadata(dir) {
            Err(e) => e.to_string(),
            Ok(meta) if !meta.is_dir() => "not a directory".to_string(),
            Ok(_) => match access(dir, AccessFlags::W_OK | AccessFlags::X_OK) {
                Ok(()) => continue,
                Err(e) => e.to_string(),
            },
        };
        return Some(format!("can't open its {channel} log {}: {}: {why}", path.display(), dir.display()));
    }
    None
}

impl Process {
    fn new(config: ProcessConfig) -> Self {
        // With redirect_stderr the stderr lines land in the stdout log, stamped as stdout's.
        let stdout_log = channel_log(&config.stdout);
        let stderr_log = channel_log(&config.stderr);
        let log_problem = log_problem(&config);
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
            log_problem,
        }
    }

    pub fn public_state(&self) -> ProcessState {
        self.state.public()
    }

    pub fn info(&self) -> ProcessInfo {
        ProcessInfo {
            name: self.config.name.clone(),
            group: self.config.group.clone(),
            state: self.public_state(),
            pid: self.state.pid(),
            start_time: self.start_time.map(epoch_seconds),
            stop_time: self.stop_time.map(epoch_seconds),
            exit_status: self.exit_status,
            spawn_error: self.spawn_error.clone(),
            health: None,
            status_text: None,
        }
    }
}

pub fn epoch_seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// The read end of one child output pipe.
pub struct OutputPipe {
    pub file: File,
    pub process: ProcessId,
    pub channel: Channel,
}

#[derive(Debug, Clone, Copy)]
pub enum TimerEvent {
    Process(ProcessId, Timer),
    JobDeadline(u64),
    /// Retry a log whose writes failed (`log_retry`).
    RetryLog(ProcessId, Channel),
    /// Watch the control socket again after running out of descriptors.
    ListenAgain,
    /// An HTTP connection had no complete request for too long, or an HTTP listener that ran
    /// out of descriptors may accept again (`http_front`).
    HttpIdle(usize),
    /// A health check, readiness or watchdog timer of one run (pid) of a process (`monitor`).
    Monitor(ProcessId, u32, MonitorTimer),
    /// A TICK period may have rolled over (armed only while someone takes ticks).
    Tick,
    /// The time listeners were given to hear the others stop is over.
    ListenerGrace,
}

/// What the daemon as a whole is doing.
#[derive(Debug, PartialEq)]
pub enum Mode {
    Serving,
    /// Stopping everything, then taking `config` (the `reload` action); `reply_to` waits.
    Reloading {
        config: Box<Config>,
        reply_to: Option<ClientId>,
    },
    ShuttingDown,
}

/// The allocator of poller keys, the one place they come from.
pub struct Keys(usize);

impl Keys {
    pub fn next(&mut self) -> usize {
        let key = self.0;
        self.0 += 1;
        key
    }
}

/// The supervisor: every piece of the daemon's state, owned by the loop.
pub struct Supervisor {
    pub config: Config,
    pub processes: BTreeMap<ProcessId, Process>,
    pub by_pid: HashMap<u32, ProcessId>,
    pub timers: Timers<TimerEvent>,
    /// One poller and one key space for every source: the signal pipe, the listener, clients,
    /// output pipes and stdin pipes (keys from `keys`).
    pub poller: Poller,
    pub listener: UnixListener,
    pub signals: SignalPipe,
    /// The JSON-lines front-end's connections, by poller key.
    pub clients: HashMap<usize, Client>,
    pub outputs: HashMap<usize, OutputPipe>,
    /// Poller keys of children's stdin pipes waiting for room.
    pub stdin_keys: HashMap<usize, ProcessId>,
    pub keys: Keys,
    pub jobs: Vec<Job>,
    next_job: u64,
    next_process: u64,
    pub mode: Mode,
    /// The daemon's own environment, the base of every child's.
    base_environment: Vec<(String, String)>,
    pub activity_log: ActivityFile,
    /// Clients following output (`tail -f`, `maintail -f`, `fg`).
    pub followers: HashMap<ClientId, FollowSource>,
    /// `tail -f` followers that fell behind, catching up from disk (`catch_up`).
    pub lagging: HashMap<ClientId, super::catch_up::Lag>,
    /// Clients whose input goes to a process's stdin (`fg`).
    pub attached: HashMap<ClientId, ProcessId>,
    /// Who is attached with `fg`, for the audit trail (`requests::audit`).
    pub fg_sessions: FgSessions,
    /// What is owed to clients, in order, until a front-end delivers it.
    pub outbox: VecDeque<(ClientId, Outgoing)>,
    /// The logs whose writes fail, each with its own retry (`log_retry`).
    pub failing_logs: HashMap<(ProcessId, Channel), FailingLog>,
    /// Reused for every pipe read: large reads mean fewer system calls for a chatty child.
    pub read_buffer: Vec<u8>,
    /// The logger, to change the level on reload.
    pub logger: Option<flexi_logger::LoggerHandle>,
    /// The HTTP front-end's listeners and connections (`http_front`).
    pub http: HttpFront,
    /// Counters for `/metrics` (`stats`).
    pub stats: Stats,
    /// Health checks, readiness, watchdogs and starts waiting on dependencies (`monitor`).
    pub monitors: Monitors,
    /// Event listener pools, listeners' protocol states, event followers (`events`).
    pub events: EventHub,
    /// The record of the children beside the pidfile, for a successor after a crash (`orphans`).
    pub children: Option<ChildRecord>,
    /// The service manager and container side of the daemon (`host`).
    pub host: super::host::HostState,
}

impl Supervisor {
    pub fn new(
        config: Config,
        listener: UnixListener,
        signals: SignalPipe,
        activity_log: ActivityFile,
        logger: Option<flexi_logger::LoggerHandle>,
    ) -> anyhow::Result<Self> {
        let poller = Poller::new()?;
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
            stdin_keys: HashMap::new(),
            keys: Keys(super::event_loop::FIRST_DYNAMIC_KEY),
            jobs: Vec::new(),
            next_job: 0,
            next_process: 0,
            mode: Mode::Serving,
            base_environment: std::env::vars().collect(),
            activity_log,
            followers: HashMap::new(),
            lagging: HashMap::new(),
            attached: HashMap::new(),
            fg_sessions: FgSessions::new(),
            outbox: VecDeque::new(),
            failing_logs: HashMap::new(),
            // Allocated zeroed (calloc), so its pages cost memory only once a read fills them.
            read_buffer: vec![0; streams::READ_BUFFER],
            logger,
            http: HttpFront::default(),
            stats: Stats::default(),
            monitors: Monitors::default(),
            events: EventHub::new(&config),
            children: None,
            host: Default::default(),
        };
        for process in config.processes() {
            supervisor.insert_process(process.clone());
        }
        Ok(supervisor)
    }

    /// The next poller key: one key space for every kind of source.
    pub fn allocate_key(&mut self) -> usize {
        self.keys.next()
    }

    /// Starts the autostart processes, lowest priority first, and what they depend on before
    /// them (a start waits until its dependencies hold): the daemon is RUNNING.
    pub fn autostart(&mut self) {
        self.emit(SupervisorEvent::supervisor_state(true));
        self.arm_ticks();
        for id in self.autostart_order() {
            self.start_when_ready(id);
        }
    }

    /// The daemon's own environment, the base of every child's.
    pub fn base_environment(&self) -> &[(String, String)] {
        &self.base_environment
    }

    /// Feeds an input to a process's state machine and carries out the effects, including the
    /// inputs they produce in turn (a spawn's outcome). Returns why the first input was
    /// refused, if it was.
    pub fn feed(&mut self, id: ProcessId, input: Input) -> Option<Refusal> {
        let mut queue = VecDeque::from([input]);
        let mut first_refusal = None;
        let mut first = true;
        let before = self.web_watch(id);
        while let Some(input) = queue.pop_front() {
            let Some(p) = self.processes.get_mut(&id) else { return Some(Refusal::Stale) };
            let wanted = if self.mode == Mode::Serving { Wanted::Up } else { Wanted::Down };
            let transition = process_state::transition(&p.state, &input, &p.config, wanted, Instant::now());
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
            let old = std::mem::replace(&mut p.state, transition.state);
            self.announce_transition(id, &old);
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
                    Effect::Spawn => {
                        self.announce_starting(id);
                        queue.push_back(self.spawn(id));
                    }
                }
            }
        }
        self.web_process_changed(id, before);
        self.sync_monitor(id);
        first_refusal
    }

    /// The complete environment a process's child gets, in order (later entries win).
    pub fn child_environment(&self, config: &ProcessConfig) -> Vec<(String, String)> {
        let mut environment = self.base_environment.clone();
        // supervisord's clients in a child (supervisorctl, superlance, childutils) find the
        // daemon by this (what supervisord gives for a unix_http_server); the config's
        // environments may still set it otherwise, as in supervisord.
        environment
            .push(("SUPERVISOR_SERVER_URL".into(), format!("unix://{}", self.config.unix_server.file.display())));
        environment.extend(self.config.daemon.environment.iter().cloned());
        environment.extend(config.environment.iter().cloned());
        environment.push(("TASKMASTER_ENABLED".into(), "1".into()));
        environment.push(("TASKMASTER_PROCESS_NAME".into(), config.name.clone()));
        environment.push(("TASKMASTER_GROUP_NAME".into(), config.group.clone()));
        environment.push(("TASKMASTER_SERVER_URL".into(), self.config.unix_server.file.display().to_string()));
        // What supervisord gives its children: supervisor.childutils and the listeners written
        // with it read these (SUPERVISOR_SERVER_URL is above).
        environment.push(("SUPERVISOR_ENABLED".into(), "1".into()));
        environment.push(("SUPERVISOR_PROCESS_NAME".into(), config.name.clone()));
        environment.push(("SUPERVISOR_GROUP_NAME".into(), config.group.clone()));
        environment
    }

    fn spawn(&mut self, id: ProcessId) -> Input {
        // Output with nowhere to go is refused up front, the reason shown in status, until the
        // directory is there.
        let p = self.processes.get_mut(&id).expect("spawn of a known process");
        if p.log_problem.is_some() {
            p.log_problem = log_problem(&p.config);
            if let Some(error) = p.log_problem.clone() {
                p.spawn_error = Some(error.clone());
                return Input::SpawnFailed { error };
            }
        }
        // First: it may open the process's notify socket.
        let monitor_environment = self.monitor_environment(id);
        let p = self.processes.get(&id).expect("spawn of a known process");
        let mut environment = self.child_environment(&p.config);
        environment.extend(monitor_environment);
        match spawn::spawn(&p.config, &environment) {
            Ok(child) => {
                let pid = child.pid;
                self.by_pid.insert(pid, id);
                self.stats.spawned(id);
                if let Some(record) = &mut self.children {
                    record.spawned(pid, &p.config);
                }
                self.events_spawned(id);
                self.create_logs(id);
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

    /// A reaped child: what it left in its pipes is read first, then its process learns.
    pub fn child_exited(&mut self, pid: u32, status: ExitStatus) {
        if self.probe_exited(pid, status) {
            return;
        }
        let Some(id) = self.by_pid.remove(&pid) else {
            debug!("reaped unknown pid {pid}");
            return;
        };
        if let Some(record) = &mut self.children {
            record.exited(pid);
        }
        self.drain_outputs_of(id);
        self.syslog_flush(id);
        self.close_stdin(id);
        self.events_exited(id);
        self.lifecycle_marker(id, &format!("exited ({})", process_state::describe_exit(status)));
        if let Some(p) = self.processes.get_mut(&id) {
            p.exit_status = Some(status);
            p.stop_time = Some(SystemTime::now());
        }
        self.feed(id, Input::Exited { pid, status });
    }

    pub fn begin_shutdown(&mut self) {
        if self.mode != Mode::ShuttingDown {
            if self.mode == Mode::Serving {
                self.emit(SupervisorEvent::supervisor_state(false));
            }
            self.mode = Mode::ShuttingDown;
            info!("stopping all processes");
        }
    }

    /// Why process actions are refused now, if they are.
    pub fn busy_reason(&self) -> Option<String> {
        match self.mode {
            Mode::Serving => None,
            Mode::ShuttingDown => Some("the daemon is shutting down".to_string()),
            Mode::Reloading { .. } => Some("the daemon is reloading its configuration".to_string()),
        }
    }

    /// Stops processes in reverse priority order, one priority at a time, a dependant before
    /// what it depends on (`monitor::stop_now`). True once none runs.
    pub fn stop_all_in_priority_order(&mut self) -> bool {
        let active: Vec<ProcessId> =
            self.processes.iter().filter(|(_, p)| p.public_state().is_running()).map(|(id, _)| *id).collect();
        if active.is_empty() {
            return true;
        }
        for id in self.stop_now(&active) {
            if self.processes[&id].public_state() != ProcessState::Stopping && !self.listener_still_hearing(id) {
                self.feed(id, Input::Stop);
            }
        }
        !self.processes.values().any(|p| p.public_state().is_running())
    }

    pub fn find_process(&self, name: &str) -> Option<ProcessId> {
        self.processes.iter().find(|(_, p)| p.config.name == name).map(|(id, _)| *id)
    }

    /// Adds a process; the first of its group announces the group (PROCESS_GROUP_ADDED).
    pub fn insert_process(&mut self, config: ProcessConfig) -> ProcessId {
        let id = ProcessId(self.next_process);
        self.next_process += 1;
        let group = config.group.clone();
        self.processes.insert(id, Process::new(config));
        self.web_processes_changed();
        self.join_group(&group);
        id
    }

    /// New settings for a process, kept in its current state; its log files follow.
    pub fn replace_config(&mut self, id: ProcessId, config: ProcessConfig) {
        let Some(p) = self.processes.get_mut(&id) else { return };
        let logs_changed = p.config.stdout != config.stdout || p.config.stderr != config.stderr;
        let groups = (p.config.group != config.group).then(|| (p.config.group.clone(), config.group.clone()));
        if logs_changed {
            self.forget_failing_logs(id);
        }
        let Some(p) = self.processes.get_mut(&id) else { return };
        p.config = config;
        if logs_changed {
            p.stdout_log = channel_log(&p.config.stdout);
            p.stderr_log = channel_log(&p.config.stderr);
            p.log_problem = log_problem(&p.config);
        }
        if let Some((old, new)) = groups {
            self.leave_group(&old);
            self.join_group(&new);
        }
        self.sync_monitor(id);
    }

    /// Drops a process; the last of its group announces it gone (PROCESS_GROUP_REMOVED).
    pub fn remove_process(&mut self, id: ProcessId) {
        self.release_followers(id, "was removed from the configuration");
        self.stats.forget(id);
        self.web_processes_changed();
        self.drop_monitor(id);
        self.forget_failing_logs(id);
        self.events_forget(id);
        let Some(p) = self.processes.remove(&id) else { return };
        if let Some(timer) = p.timer {
            self.timers.cancel(timer);
        }
        self.leave_group(&p.config.group);
    }

    pub fn display_name(&self, id: ProcessId) -> String {
        self.processes.get(&id).map(|p| p.config.qualified_name()).unwrap_or_default()
    }

    fn name_entries(&self) -> Vec<Entry<'_, ProcessId>> {
        self.processes
            .iter()
            .map(|(id, p)| Entry { id: *id, name: &p.config.name, group: &p.config.group, program: &p.config.program })
            .collect()
    }

    /// The processes `names` mean, and the names that matched nothing (see `names`).
    pub fn resolve(&self, names: &[String]) -> Resolved<ProcessId> {
        names::resolve(&self.name_entries(), names)
    }

    /// Each of `names` with the processes it picks and its form (see `names::resolve_each`).
    pub fn resolve_each(&self, names: &[String]) -> Vec<names::NameMatch<ProcessId>> {
        names::resolve_each(&self.name_entries(), names)
    }

    /// The one process an action on a single process (`tail`, `fg`) names, or the error to
    /// answer with.
    pub fn resolve_one(&self, name: &str, action: &str) -> Result<ProcessId, Response> {
        names::resolve_one(&self.name_entries(), name).map_err(|why| match why {
            NotOne::None => {
                Response::Error { kind: ErrorKind::NoSuchProcess, message: format!("no such process '{name}'") }
            }
            NotOne::Many(n) => Response::Error {
                kind: ErrorKind::BadRequest,
                message: format!("'{name}' names {n} processes; {action} takes one"),
            },
        })
    }

    /// Queues something owed to a client; its front-end delivers it.
    pub fn reply(&mut self, to: Option<ClientId>, response: Response) {
        if let Some(client) = to {
            self.outbox.push_back((client, Outgoing::Reply(response)));
        }
    }

    /// Queues a job; [`Self::settle_jobs`] moves it.
    pub fn new_job(&mut self, reply_to: Option<ClientId>, kind: JobKind, results: Vec<(jobs::LineKey, ProcessResult)>) {
        let id = self.next_job;
        self.next_job += 1;
        self.jobs.push(Job { id, reply_to, kind, results });
    }

    pub fn next_job_id(&self) -> u64 {
        self.next_job
    }

    /// Ends the pending steps of other requests on `id` (see [`jobs::take_over`]); a settings
    /// change waiting for the stop is applied now. False when a removal is pending.
    pub fn take_over(&mut self, id: ProcessId) -> bool {
        match jobs::take_over(&mut self.jobs, id) {
            None => false,
            Some(replaced) => {
                for config in replaced {
                    self.replace_config(id, config);
                }
                true
            }
        }
    }

    /// Moves every job forward as far as the processes' states allow, and answers the finished.
    pub fn settle_jobs(&mut self) {
        let mut index = 0;
        while index < self.jobs.len() {
            loop {
                let processes = &self.processes;
                let monitors = &self.monitors;
                let waiting = |id| monitors.waiting(id);
                let observe = |id: ProcessId| {
                    processes.get(&id).map(|p| Observed {
                        state: p.public_state(),
                        spawn_error: p.spawn_error.is_some(),
                        waiting: waiting(id),
                    })
                };
                let commands = jobs::advance(&mut self.jobs[index], observe);
                if commands.is_empty() {
                    // A stop held for its dependants may go now (`ordered_stop`).
                    if self.release_held_stops(index) {
                        continue;
                    }
                    break;
                }
                for command in commands {
                    match command {
                        Command::Start(id) => {
                            self.feed(id, Input::Start);
                        }
                        Command::Renew(id, config) => self.renew_process(id, *config),
                        Command::Remove(id) => self.remove_process(id),
                    }
                }
            }
            if self.jobs[index].is_finished() {
                let job = self.jobs.remove(index);
                if let JobKind::Wait { deadline: Some(timer), .. } = &job.kind {
                    self.timers.cancel(*timer);
                }
                let (reply_to, results) = job.finish();
                self.reply(reply_to, Response::Results { results });
            } else {
                index += 1;
            }
        }
    }

    /// A wait's deadline passed: it answers at its next settling.
    pub fn expire_job(&mut self, job_id: u64) {
        for job in &mut self.jobs {
            if job.id == job_id
                && let JobKind::Wait { timed_out, deadline, .. } = &mut job.kind
            {
                *timed_out = true;
                *deadline = None;
            }
        }
    }

    /// A client of any front-end is gone: its streams end, its jobs go on unanswered, and a
    /// wait nobody waits for is dropped.
    pub fn client_gone(&mut self, client: ClientId) {
        self.audit_fg_end(client);
        self.followers.remove(&client);
        self.unfollow_events(client);
        self.attached.remove(&client);
        for job in &mut self.jobs {
            if job.reply_to == Some(client) {
                job.reply_to = None;
            }
        }
        self.jobs.retain(|job| job.reply_to.is_some() || matches!(job.kind, JobKind::Actions(_)));
        if let Mode::Reloading { reply_to, .. } = &mut self.mode
            && *reply_to == Some(client)
        {
            *reply_to = None;
        }
        self.outbox.retain(|(to, _)| *to != client);
    }
}
