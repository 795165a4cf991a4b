//! What the daemon watches beyond supervisord: health checks, readiness (sd_notify, a log
//! line, a first passing check), the watchdog, and starts held back by dependencies. This file
//! is the glue between the pure policies (`health`, `dependencies`, `process_state`) and the
//! I/O (`probes`, `notify`), as methods on the `Supervisor`.
//!
//! A process whose config has none of these keys never gets a [`Monitor`]: no timer, no socket
//! and no work, so a supervisord config costs nothing and idles with zero wake-ups.
//!
//! Each run (one pid) of a monitored process has its own health and readiness: they start when
//! the process gets a pid (STARTING) and end when it is asked to stop or exits. Every timer and
//! socket event carries the pid it was armed for, so one for an earlier run is ignored.
//!
//! [`Supervisor::health_changed`] is the one place a health change is announced: the daemon
//! log, and the `PROCESS_HEALTH` event (to listeners and `taskmasterctl events`).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use log::{debug, info, warn};
use nix::sys::signal::Signal as Sig;
use nix::unistd::Pid;
use polling::{Event, PollMode};

use super::dependencies::{self, Gate, Instance};
use super::health::{self, HealthState, Verdict};
use super::jobs::Waiting;
use super::notify::{Message, NotifyDir, NotifySocket};
use super::probes::{self, Interest, SocketProbe, Step};
use super::process_state::{Input, Refusal, State, is_expected};
use super::supervisor::{ProcessId, Supervisor, TimerEvent};
use super::timers::TimerId;
use crate::config::{HealthConfig, Probe, Readiness};
use crate::protocol::{Health, ProcessState};

/// The timers of a monitored run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitorTimer {
    /// Time to run the health check.
    Check,
    /// The running check took too long.
    CheckTimeout,
    /// No WATCHDOG=1 for the watchdog interval.
    Watchdog,
}

/// A check in flight.
#[derive(Debug)]
enum RunningProbe {
    /// `edge`: registered edge-triggered for both directions, so that no re-arming is needed
    /// between connect, request and answer.
    Socket {
        key: usize,
        probe: Box<SocketProbe>,
        edge: bool,
    },
    Exec {
        pid: u32,
    },
}

/// What the daemon keeps about one monitored process.
#[derive(Debug)]
pub struct Monitor {
    /// The settings this monitor was set up with (a reload may change them).
    config: HealthConfig,
    /// The run being watched.
    pid: Option<u32>,
    health: Option<HealthState>,
    probe: Option<RunningProbe>,
    probe_started: Option<Instant>,
    /// The next check, or the running check's timeout.
    check_timer: Option<TimerId>,
    watchdog_timer: Option<TimerId>,
    /// readiness = { log_line }: seen in this run, and the tail of the output so far (a match
    /// may straddle two reads).
    line_seen: bool,
    line_tail: Vec<u8>,
    /// STATUS= of this run.
    status_text: Option<String>,
    /// The notify socket, kept across runs; its poller key.
    notify: Option<(usize, NotifySocket)>,
}

/// Everything monitoring adds to the supervisor.
#[derive(Default)]
pub struct Monitors {
    by_process: HashMap<ProcessId, Monitor>,
    /// Poller keys of probe sockets and notify sockets.
    keys: HashMap<usize, ProcessId>,
    /// Exec probes by pid.
    exec_pids: HashMap<u32, ProcessId>,
    notify_dir: Option<NotifyDir>,
    /// Starts waiting for their dependencies, with the reason shown in status, and whether the
    /// dependency failed for good.
    pending: BTreeMap<ProcessId, (String, bool)>,
}

impl Monitors {
    pub fn owns_key(&self, key: usize) -> bool {
        self.keys.contains_key(&key)
    }

    pub fn has_pending_starts(&self) -> bool {
        !self.pending.is_empty()
    }

    /// How a job sees a process's start: waiting for dependencies, blocked for good, or not.
    pub fn waiting(&self, id: ProcessId) -> Waiting {
        match self.pending.get(&id) {
            None => Waiting::No,
            Some((_, false)) => Waiting::Yes,
            Some((_, true)) => Waiting::Blocked,
        }
    }
}

fn wants_monitor(config: &HealthConfig) -> bool {
    config.check.is_some() || config.readiness != Readiness::Running
}

impl Supervisor {
    /// Brings a process's monitor in line with its state and settings: called after every
    /// change of either. Cheap for unmonitored processes.
    pub fn sync_monitor(&mut self, id: ProcessId) {
        let Some(p) = self.processes.get(&id) else { return self.drop_monitor(id) };
        let live_pid = match p.state {
            State::Starting { pid, .. } | State::Running { pid, .. } => Some(pid),
            _ => None,
        };
        if !wants_monitor(&p.config.health) {
            if self.monitors.by_process.contains_key(&id) {
                self.drop_monitor(id);
            }
            return;
        }
        let config = p.config.health.clone();
        let monitor = self.monitors.by_process.entry(id).or_insert_with(|| Monitor {
            config: config.clone(),
            pid: None,
            health: None,
            probe: None,
            probe_started: None,
            check_timer: None,
            watchdog_timer: None,
            line_seen: false,
            line_tail: Vec::new(),
            status_text: None,
            notify: None,
        });
        let reconfigured = monitor.config != config;
        if monitor.pid == live_pid && !reconfigured {
            return;
        }
        monitor.config = config;
        self.end_run(id);
        if let Some(pid) = live_pid {
            self.begin_run(id, pid);
        }
    }

    /// The monitor's part of a spawn: the variables the child needs (NOTIFY_SOCKET,
    /// WATCHDOG_USEC), creating its socket the first time.
    pub fn monitor_environment(&mut self, id: ProcessId) -> Vec<(String, String)> {
        let Some(p) = self.processes.get(&id) else { return Vec::new() };
        if !p.config.health.uses_notify_socket() {
            return Vec::new();
        }
        let watchdog = p.config.health.watchdog;
        self.sync_monitor(id);
        if self.monitors.notify_dir.is_none() {
            match NotifyDir::create() {
                Ok(dir) => self.monitors.notify_dir = Some(dir),
                Err(e) => {
                    warn!("can't create the directory of notify sockets: {e}");
                    return Vec::new();
                }
            }
        }
        let needs_socket = self.monitors.by_process.get(&id).is_some_and(|m| m.notify.is_none());
        if needs_socket {
            let dir = self.monitors.notify_dir.as_ref().expect("created above");
            match NotifySocket::bind(dir, &format!("{}.sock", id.0)) {
                Ok(socket) => {
                    let key = self.allocate_key();
                    // SAFETY: the socket is owned by the monitor and deleted from the poller in
                    // `drop_monitor` (or the supervisor's Drop) before it closes.
                    if let Err(e) = unsafe { self.poller.add(&socket.socket, Event::readable(key)) } {
                        warn!("can't watch a notify socket: {e}");
                        return Vec::new();
                    }
                    self.monitors.keys.insert(key, id);
                    if let Some(m) = self.monitors.by_process.get_mut(&id) {
                        m.notify = Some((key, socket));
                    }
                }
                Err(e) => {
                    warn!("can't create a notify socket: {e}");
                    return Vec::new();
                }
            }
        }
        let Some((_, socket)) = self.monitors.by_process.get(&id).and_then(|m| m.notify.as_ref()) else {
            return Vec::new();
        };
        let mut env = vec![("NOTIFY_SOCKET".to_string(), socket.path.display().to_string())];
        if let Some(watchdog) = watchdog {
            env.push(("WATCHDOG_USEC".to_string(), watchdog.as_micros().to_string()));
        }
        env
    }

    fn begin_run(&mut self, id: ProcessId, pid: u32) {
        let now = Instant::now();
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        m.pid = Some(pid);
        if let Some(check) = &m.config.check {
            m.health = Some(HealthState::new(now));
            let at = health::first_check_at(check, now);
            m.check_timer = Some(self.timers.insert(at, TimerEvent::Monitor(id, pid, MonitorTimer::Check)));
        }
        if m.config.check.is_some() {
            self.health_changed(id, None, Some(Health::Starting));
        }
    }

    /// Ends the watched run: its check, its timers, its health.
    fn end_run(&mut self, id: ProcessId) {
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        m.pid = None;
        m.line_seen = false;
        m.line_tail.clear();
        m.status_text = None;
        m.probe_started = None;
        for timer in [m.check_timer.take(), m.watchdog_timer.take()].into_iter().flatten() {
            self.timers.cancel(timer);
        }
        let before = m.health.take().map(|h| h.status);
        self.cancel_probe(id);
        if before.is_some() {
            self.health_changed(id, before, None);
        }
    }

    fn cancel_probe(&mut self, id: ProcessId) {
        let Some(probe) = self.monitors.by_process.get_mut(&id).and_then(|m| m.probe.take()) else { return };
        match probe {
            RunningProbe::Socket { key, probe, .. } => {
                let _ = self.poller.delete(&probe.stream);
                self.monitors.keys.remove(&key);
            }
            RunningProbe::Exec { pid } => {
                // Still in exec_pids: its exit is swallowed when reaped.
                let _ = nix::sys::signal::kill(Pid::from_raw(-(pid as i32)), Sig::SIGKILL);
            }
        }
    }

    /// A process left the table (or the daemon stops): its monitor and socket go.
    pub fn drop_monitor(&mut self, id: ProcessId) {
        self.end_run(id);
        self.monitors.pending.remove(&id);
        if let Some(m) = self.monitors.by_process.remove(&id)
            && let Some((key, socket)) = m.notify
        {
            let _ = self.poller.delete(&socket.socket);
            self.monitors.keys.remove(&key);
        }
    }

    /// Deletes every monitored socket from the poller (the supervisor's Drop).
    pub fn drop_all_monitors(&mut self) {
        let ids: Vec<ProcessId> = self.monitors.by_process.keys().copied().collect();
        for id in ids {
            self.drop_monitor(id);
        }
    }

    /// The one place a health change is announced.
    pub fn health_changed(&mut self, id: ProcessId, before: Option<Health>, after: Option<Health>) {
        if before == after {
            return;
        }
        let name = self.display_name(id);
        match after {
            Some(Health::Healthy) => info!("health: {name} is healthy"),
            Some(Health::Unhealthy) => {
                let why = self.monitors.by_process.get(&id).and_then(|m| m.health.as_ref()?.last_failure.clone());
                warn!("health: {name} is unhealthy ({})", why.unwrap_or_default());
            }
            Some(Health::Starting) | None => {
                debug!("health: {name}: {}", after.map_or("no check running", Health::as_str))
            }
        }
        self.announce_health(id, before, after);
    }

    /// A monitor's timer fired.
    pub fn monitor_timer(&mut self, id: ProcessId, pid: u32, timer: MonitorTimer) {
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        if m.pid != Some(pid) {
            return;
        }
        match timer {
            MonitorTimer::Check => {
                m.check_timer = None;
                self.start_probe(id, pid);
            }
            MonitorTimer::CheckTimeout => {
                m.check_timer = None;
                let timeout = m.config.check.as_ref().map_or(0.0, |c| c.timeout.as_secs_f64());
                self.cancel_probe(id);
                self.probe_finished(id, pid, Err(format!("timed out after {timeout}s")));
            }
            MonitorTimer::Watchdog => {
                m.watchdog_timer = None;
                let secs = m.config.watchdog.map_or(0, |w| w.as_secs());
                let why = format!("no WATCHDOG=1 for {secs} seconds (watchdog)");
                warn!("{}: {why}", self.display_name(id));
                self.feed(id, Input::Restart { pid, why });
            }
        }
    }

    fn start_probe(&mut self, id: ProcessId, pid: u32) {
        let Some(m) = self.monitors.by_process.get(&id) else { return };
        let Some(check) = m.config.check.as_ref() else { return };
        let timeout = check.timeout;
        let now = Instant::now();
        let started = match &check.probe {
            Probe::Exec { command } => {
                let p = &self.processes[&id];
                let mut env = self.base_environment().to_vec();
                env.extend(self.config.daemon.environment.iter().cloned());
                env.extend(p.config.environment.iter().cloned());
                env.push(("TASKMASTER_PROCESS_NAME".into(), p.config.name.clone()));
                let spawned =
                    probes::spawn_exec(command, &env, p.config.directory.as_deref(), p.config.user.as_deref());
                spawned.map(|child| {
                    self.monitors.exec_pids.insert(child, id);
                    RunningProbe::Exec { pid: child }
                })
            }
            socket_probe => match SocketProbe::start(socket_probe) {
                Err(e) => Err(e),
                Ok((_, Step::Done(outcome))) => {
                    // Settled at once (a refused connection on loopback, usually).
                    self.monitors.by_process.get_mut(&id).expect("monitored").probe_started = Some(now);
                    return self.probe_finished(id, pid, outcome);
                }
                Ok((probe, Step::Wait(interest))) => {
                    let key = self.allocate_key();
                    let edge = self.poller.supports_edge();
                    // SAFETY: the probe's socket is owned by the monitor and deleted from the
                    // poller in `cancel_probe` or `monitor_socket_ready` before it closes.
                    let added = unsafe {
                        if edge {
                            self.poller.add_with_mode(&probe.stream, Event::all(key), PollMode::Edge)
                        } else {
                            self.poller.add(&probe.stream, event(key, interest))
                        }
                    };
                    match added {
                        Ok(()) => {
                            self.monitors.keys.insert(key, id);
                            Ok(RunningProbe::Socket { key, probe: Box::new(probe), edge })
                        }
                        Err(e) => Err(format!("can't watch the probe's socket: {e}")),
                    }
                }
            },
        };
        let m = self.monitors.by_process.get_mut(&id).expect("monitored");
        m.probe_started = Some(now);
        match started {
            Ok(probe) => {
                m.probe = Some(probe);
                let at = now + timeout;
                m.check_timer = Some(self.timers.insert(at, TimerEvent::Monitor(id, pid, MonitorTimer::CheckTimeout)));
            }
            Err(e) => self.probe_finished(id, pid, Err(e)),
        }
    }

    /// A probe or notify socket is ready.
    pub fn monitor_socket_ready(&mut self, key: usize) {
        let Some(&id) = self.monitors.keys.get(&key) else { return };
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        if m.notify.as_ref().is_some_and(|(k, _)| *k == key) {
            let (_, socket) = m.notify.as_ref().expect("checked");
            let messages = socket.receive();
            if let Err(e) = self.poller.modify(&socket.socket, Event::readable(key)) {
                warn!("can't watch a notify socket: {e}");
            }
            for message in messages {
                self.notify_message(id, message);
            }
            return;
        }
        let Some(RunningProbe::Socket { key: probe_key, probe, edge }) = &mut m.probe else { return };
        if *probe_key != key {
            return;
        }
        match probe.on_ready() {
            // Edge-triggered: the next change of either direction comes by itself.
            Step::Wait(_) if *edge => {}
            Step::Wait(interest) => {
                if let Err(e) = self.poller.modify(&probe.stream, event(key, interest)) {
                    warn!("can't watch a probe's socket: {e}");
                }
            }
            Step::Done(outcome) => {
                let pid = m.pid.expect("a probe runs only during a run");
                if let Some(RunningProbe::Socket { probe, .. }) = m.probe.take() {
                    let _ = self.poller.delete(&probe.stream);
                }
                self.monitors.keys.remove(&key);
                if let Some(timer) = m.check_timer.take() {
                    self.timers.cancel(timer);
                }
                self.probe_finished(id, pid, outcome);
            }
        }
    }

    /// A reaped child that is an exec probe: its outcome. False for any other child.
    pub fn probe_exited(&mut self, pid: u32, status: crate::protocol::ExitStatus) -> bool {
        let Some(id) = self.monitors.exec_pids.remove(&pid) else { return false };
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return true };
        if !matches!(m.probe, Some(RunningProbe::Exec { pid: running }) if running == pid) {
            return true;
        }
        m.probe = None;
        if let Some(timer) = m.check_timer.take() {
            self.timers.cancel(timer);
        }
        let Some(run) = m.pid else { return true };
        let outcome = match status {
            crate::protocol::ExitStatus::Code(0) => Ok(()),
            other => Err(format!("the check command ended with {}", super::process_state::describe_exit(other))),
        };
        self.probe_finished(id, run, outcome);
        true
    }

    fn probe_finished(&mut self, id: ProcessId, pid: u32, outcome: Result<(), String>) {
        let now = Instant::now();
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        let (Some(check), Some(state)) = (m.config.check.as_ref(), m.health.as_mut()) else { return };
        if let Err(why) = &outcome {
            debug!("health check of {id:?} failed: {why}");
        }
        let before = state.status;
        let verdict = health::record(state, outcome, check, now);
        let after = state.status;
        let started = m.probe_started.take().unwrap_or(now);
        let at = health::next_check_at(check, started, now);
        m.check_timer = Some(self.timers.insert(at, TimerEvent::Monitor(id, pid, MonitorTimer::Check)));
        self.health_changed(id, Some(before), Some(after));
        if verdict == Verdict::Restart {
            let retries = check_retries(self.monitors.by_process.get(&id));
            let why = format!("unhealthy after {retries} failed checks");
            self.feed(id, Input::Restart { pid, why });
        }
    }

    fn notify_message(&mut self, id: ProcessId, message: Message) {
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        let Some(pid) = m.pid else {
            debug!("notify message {message:?} for {id:?} between runs, ignored");
            return;
        };
        let ping = matches!(message, Message::Ready | Message::Watchdog);
        match message {
            Message::Ready => {
                self.feed(id, Input::Ready { pid });
            }
            Message::Status(text) => m.status_text = Some(text),
            Message::Watchdog => {}
            Message::Stopping => info!("{}: the program says it is stopping (STOPPING=1)", self.display_name(id)),
        }
        // As systemd has it, the watchdog runs once the start-up is complete (READY=1, which
        // makes the process RUNNING), and each ping puts it off.
        let running = self.processes.get(&id).is_some_and(|p| p.public_state() == ProcessState::Running);
        if ping
            && running
            && let Some(m) = self.monitors.by_process.get_mut(&id)
            && m.pid == Some(pid)
            && let Some(watchdog) = m.config.watchdog
        {
            if let Some(timer) = m.watchdog_timer.take() {
                self.timers.cancel(timer);
            }
            let at = Instant::now() + watchdog;
            m.watchdog_timer = Some(self.timers.insert(at, TimerEvent::Monitor(id, pid, MonitorTimer::Watchdog)));
        }
    }

    /// Output of a process, for `readiness = { log_line }`.
    pub fn watch_ready_line(&mut self, id: ProcessId, data: &[u8]) {
        let Some(m) = self.monitors.by_process.get_mut(&id) else { return };
        let Readiness::LogLine(needle) = &m.config.readiness else { return };
        if m.line_seen || m.pid.is_none() {
            return;
        }
        let needle = needle.as_bytes();
        m.line_tail.extend_from_slice(data);
        if m.line_tail.windows(needle.len()).any(|w| w == needle) {
            m.line_seen = true;
            m.line_tail = Vec::new();
            let said = String::from_utf8_lossy(needle).into_owned();
            info!("{}: ready (its output said {said:?})", self.display_name(id));
            return;
        }
        // Only what could begin a match is kept: bounded by the needle's length.
        let keep = needle.len().saturating_sub(1);
        let drop = m.line_tail.len().saturating_sub(keep);
        m.line_tail.drain(..drop);
    }

    /// The health shown in status, and the text: the program's STATUS=, or why its start waits.
    pub fn monitor_view(&self, id: ProcessId) -> (Option<Health>, Option<String>) {
        let pending = self.monitors.pending.get(&id).map(|(why, _)| why.clone());
        let Some(m) = self.monitors.by_process.get(&id) else { return (None, pending) };
        (m.health.as_ref().map(|h| h.status), pending.or_else(|| m.status_text.clone()))
    }

    /// RUNNING and its readiness condition holds.
    pub fn is_ready(&self, id: ProcessId) -> bool {
        let Some(p) = self.processes.get(&id) else { return false };
        if p.public_state() != ProcessState::Running {
            return false;
        }
        let m = self.monitors.by_process.get(&id);
        match &p.config.health.readiness {
            // A notify process is RUNNING only after READY=1.
            Readiness::Running | Readiness::Notify => true,
            Readiness::HealthCheck => m.and_then(|m| m.health.as_ref()).is_some_and(|h| h.passed_once),
            Readiness::LogLine(_) => m.is_some_and(|m| m.line_seen),
        }
    }

    fn instances(&self) -> HashMap<&str, Vec<Instance>> {
        let mut out: HashMap<&str, Vec<Instance>> = HashMap::new();
        for (id, p) in &self.processes {
            out.entry(p.config.program.as_str()).or_default().push(Instance {
                name: p.config.name.clone(),
                state: p.public_state(),
                ready: self.is_ready(*id),
                health: self.monitors.by_process.get(id).and_then(|m| m.health.as_ref()).map(|h| h.status),
                exit_expected: matches!(&p.state, State::Exited { status } if is_expected(*status, &p.config)),
            });
        }
        out
    }

    fn gate(&self, id: ProcessId, instances: &HashMap<&str, Vec<Instance>>) -> Gate {
        let Some(p) = self.processes.get(&id) else { return Gate::Open };
        dependencies::gate(&p.config.health.depends_on, |program| {
            instances.get(program).map_or(&[][..], |v| v.as_slice())
        })
    }

    /// Starts a process once its dependencies hold; until then it waits, with the reason in
    /// its status. What [`Supervisor::feed`] with [`Input::Start`] would answer, or None when
    /// it waits.
    pub fn start_when_ready(&mut self, id: ProcessId) -> Option<Refusal> {
        let has_deps = self.processes.get(&id).is_some_and(|p| !p.config.health.depends_on.is_empty());
        if !has_deps {
            return self.feed(id, Input::Start);
        }
        if self.processes.get(&id).is_some_and(|p| p.public_state().is_running()) {
            return Some(Refusal::AlreadyStarted);
        }
        self.monitors.pending.insert(id, ("waiting for its dependencies".to_string(), false));
        self.release_pending_starts();
        None
    }

    /// A stop or a new start by hand: a waiting start is forgotten.
    pub fn cancel_pending_start(&mut self, id: ProcessId) {
        self.monitors.pending.remove(&id);
    }

    /// Starts the waiting processes whose dependencies now hold, until none does; records why
    /// the others wait. Called after anything that may change a state.
    pub fn release_pending_starts(&mut self) {
        if self.monitors.pending.is_empty() {
            return;
        }
        if self.busy_reason().is_some() {
            self.monitors.pending.clear();
            return;
        }
        loop {
            let instances = self.instances();
            let mut open = Vec::new();
            let mut reasons = Vec::new();
            for id in self.monitors.pending.keys() {
                match self.gate(*id, &instances) {
                    Gate::Open => open.push(*id),
                    Gate::Wait(why) => reasons.push((*id, why, false)),
                    Gate::Blocked(why) => reasons.push((*id, why, true)),
                }
            }
            drop(instances);
            for (id, why, blocked) in reasons {
                self.monitors.pending.insert(id, (why, blocked));
            }
            if open.is_empty() {
                return;
            }
            for id in open {
                self.monitors.pending.remove(&id);
                self.feed(id, Input::Start);
            }
        }
    }

    /// The program -> dependencies map of the running configuration.
    pub(super) fn dependency_graph(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in self.processes.values() {
            graph
                .entry(p.config.program.as_str())
                .or_insert_with(|| p.config.health.depends_on.iter().map(|d| d.program.as_str()).collect());
        }
        graph
    }

    /// The processes a start of `ids` must bring up first, each with the name of a process
    /// that needs it; the ones already up or on their way are left out.
    pub fn needed_by(&self, ids: &[ProcessId]) -> Vec<(ProcessId, String)> {
        let graph = self.dependency_graph();
        let mut out = Vec::new();
        for id in ids {
            let Some(p) = self.processes.get(id) else { continue };
            let closure = dependencies::with_dependencies(&[p.config.program.as_str()], &graph);
            for program in closure.iter().filter(|prog| **prog != p.config.program) {
                for (dep_id, dep) in self.processes.iter().filter(|(_, d)| d.config.program == *program) {
                    let on_its_way = dep.public_state().is_running() || self.monitors.pending.contains_key(dep_id);
                    let done = matches!(&dep.state, State::Exited { status } if is_expected(*status, &dep.config));
                    if !on_its_way && !done && !ids.contains(dep_id) && !out.iter().any(|(o, _)| o == dep_id) {
                        out.push((*dep_id, p.config.qualified_name()));
                    }
                }
            }
        }
        out
    }

    /// The autostart processes, with what they depend on, in start order (dependencies before
    /// dependants, else priority order).
    pub fn autostart_order(&self) -> Vec<ProcessId> {
        let graph = self.dependency_graph();
        let mut by_priority: Vec<(i64, ProcessId)> =
            self.processes.iter().filter(|(_, p)| p.config.autostart).map(|(id, p)| (p.config.priority, *id)).collect();
        by_priority.sort();
        let targets: Vec<&str> = by_priority.iter().map(|(_, id)| self.processes[id].config.program.as_str()).collect();
        let programs = dependencies::with_dependencies(&targets, &graph);
        let mut ids = Vec::new();
        for program in programs {
            let mut of: Vec<(i64, ProcessId)> = self
                .processes
                .iter()
                .filter(|(_, p)| p.config.program == program)
                .map(|(id, p)| (p.config.priority, *id))
                .collect();
            of.sort();
            ids.extend(of.into_iter().map(|(_, id)| id));
        }
        ids
    }

    /// For a full stop: which of the processes still up to stop now (dependants first, then
    /// priority).
    pub fn stop_now(&self, up: &[ProcessId]) -> Vec<ProcessId> {
        let graph = self.dependency_graph();
        let entries: Vec<(&str, i64)> = up
            .iter()
            .map(|id| (self.processes[id].config.program.as_str(), self.processes[id].config.priority))
            .collect();
        dependencies::stop_now(&entries, &graph).into_iter().map(|i| up[i]).collect()
    }
}

fn check_retries(m: Option<&Monitor>) -> u32 {
    m.and_then(|m| m.config.check.as_ref()).map_or(0, |c| c.retries)
}

fn event(key: usize, interest: Interest) -> Event {
    match interest {
        Interest::Readable => Event::readable(key),
        Interest::Writable => Event::writable(key),
    }
}
