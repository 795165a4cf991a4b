//! Events: supervisord's event listener protocol, and a native stream of the same events.
//!
//! What lives where: the event types, payloads and envelope are in `types` (pure); the
//! listener protocol and a pool's buffer and serials in `listener` (pure); capture mode in
//! `capture` (pure). This file is the glue, owned by the supervisor as [`EventHub`]: it takes
//! each event from the few places that make one (a process's state change, applied in
//! `Supervisor::feed`; a health verdict, from `Supervisor::health_changed`; output written to
//! a log; a group added or removed; the daemon's start and stop; the tick timer), hands it to every pool subscribed to it and to every client that
//! follows events (`taskmasterctl events`), and dispatches buffered events to READY listeners
//! through their stdin pipes, never blocking: a listener that does not read is skipped, one
//! that never answers keeps its event while the pool's bounded buffer discards its oldest.
//!
//! TICK events come from the timer queue: a timer is armed only while a pool or a follower
//! takes ticks, so an idle daemon without them never wakes.

pub mod capture;
pub mod listener;
pub mod types;

use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::{debug, error, warn};
use serde::Serialize;

use self::capture::{Capture, Piece};
use self::listener::{Listener, ListenerState, Outcome, Pool, Queued};
use self::types::{Event, EventType, StateExtras};
use super::process_state::{self, State};
use super::requests::{ClientId, Outgoing};
use super::supervisor::{ProcessId, Supervisor, TimerEvent};
use super::timers::TimerId;
use crate::config::Config;
use crate::protocol::{Channel, Health, ProcessState};

/// supervisord reads at most this much of a pipe at a time, so no PROCESS_LOG event it sends
/// is larger; our reads are larger, so their data is cut to this size.
const LOG_EVENT_CHUNK: usize = 2 << 16;

/// How long a stopping daemon lets its listeners take the events still meant for them
/// (the other processes' STOPPING and STOPPED) before it stops them anyway.
const LISTENER_GRACE: Duration = Duration::from_secs(1);

/// The tick periods, in the order supervisord sends them when several fall due at once.
const TICKS: [EventType; 3] = [EventType::Tick5, EventType::Tick60, EventType::Tick3600];

/// A client following events (`taskmasterctl events`).
#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    /// Process, `group:name`, `group:*` or group names; empty for every event.
    pub names: Vec<String>,
    /// Event types (supertypes included); empty for every type.
    pub types: Vec<EventType>,
    pub json: bool,
}

impl Follower {
    fn matches(&self, event: &Event) -> bool {
        let type_ok = self.types.is_empty() || self.types.iter().any(|t| event.kind.is_a(*t));
        let name_ok = self.names.is_empty()
            || self.names.iter().any(|n| {
                n == "all"
                    || event.process.as_ref().is_some_and(|(name, group)| {
                        n == name || n == group || *n == format!("{group}:{name}") || *n == format!("{group}:*")
                    })
                    || event.group.as_ref().is_some_and(|group| n == group || *n == format!("{group}:*"))
            });
        type_ok && name_ok
    }

    fn wants(&self, kind: EventType) -> bool {
        self.types.is_empty() || self.types.iter().any(|t| kind.is_a(*t))
    }
}

/// One event as the native stream writes it with `--json` (documented in taskmaster(1)).
#[derive(Debug, Serialize)]
struct JsonEvent<'a> {
    eventname: &'static str,
    /// Seconds since the epoch.
    time: f64,
    /// The payload's first line, as key/value pairs.
    headers: std::collections::BTreeMap<&'a str, &'a str>,
    /// What follows the first line (log and communication data), if anything.
    data: Option<&'a str>,
    /// supervisord's payload, exactly as a listener receives it.
    payload: &'a str,
}

/// One line of the native stream: text, or JSON.
pub fn render_line(event: &Event, json: bool) -> Vec<u8> {
    let (headers, data) = event.headers_and_data();
    let time = event.when.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    let mut line = if json {
        serde_json::to_string(&JsonEvent {
            eventname: event.kind.name(),
            time,
            headers: headers.into_iter().collect(),
            data,
            payload: &event.payload,
        })
        .expect("an event serializes")
    } else {
        let stamp = chrono::DateTime::<chrono::Local>::from(event.when).format("%Y-%m-%d %H:%M:%S%.3f");
        let first = event.payload.split('\n').next().unwrap_or_default();
        let mut text = format!("{stamp} {} {first}", event.kind.name());
        if let Some(data) = data.filter(|d| !d.is_empty()) {
            text += &format!(" data:{}", serde_json::to_string(data).expect("a string serializes"));
        }
        text
    };
    line.push('\n');
    line.into_bytes()
}

/// Everything the daemon keeps about events.
#[derive(Debug, Default)]
pub struct EventHub {
    pub pools: Vec<Pool>,
    /// The protocol state of each running listener process.
    pub listeners: HashMap<ProcessId, Listener>,
    captures: HashMap<(ProcessId, Channel), Capture>,
    /// The state each process's last state event announced (supervisord's view of it).
    announced: HashMap<ProcessId, ProcessState>,
    /// The next global serial: one counter for the daemon's lifetime, reloads included.
    next_serial: u64,
    pub followers: HashMap<ClientId, Follower>,
    /// How many processes each group has: its first announces it, its last its end.
    group_members: HashMap<String, usize>,
    tick_timer: Option<TimerId>,
    /// Until when listeners are left running at a stop while they still have events to take.
    listener_grace: Option<Instant>,
    /// The period slice each tick type last saw, while it is wanted.
    last_tick: [Option<u64>; 3],
}

impl EventHub {
    pub fn new(config: &Config) -> EventHub {
        let mut hub = EventHub::default();
        hub.configure(config);
        hub
    }

    /// Takes the pools of `config`: a pool that stays keeps its buffer and serials, with its
    /// new subscriptions and size; a new pool starts empty; a gone pool is dropped.
    pub fn configure(&mut self, config: &Config) {
        let mut pools = Vec::new();
        for listener in &config.event_listeners {
            let events: Vec<EventType> = listener.events.iter().filter_map(|e| EventType::from_name(e)).collect();
            let size = listener.buffer_size as usize;
            let pool = match self.pools.iter().position(|p| p.name == listener.pool.name) {
                Some(i) => {
                    let mut pool = self.pools.remove(i);
                    pool.events = events;
                    pool.buffer_size = size.max(1);
                    pool
                }
                None => Pool::new(&listener.pool.name, events, size),
            };
            pools.push(pool);
        }
        self.pools = pools;
    }

    /// Whether any pool or follower takes events: when none does, none is even made.
    fn has_consumers(&self) -> bool {
        !self.pools.is_empty() || !self.followers.is_empty()
    }

    fn pool_index(&self, program: &str) -> Option<usize> {
        self.pools.iter().position(|p| p.name == program)
    }

    fn next_serial(&mut self) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        serial
    }
}

fn epoch_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// supervisord's `timeslice`: the start of the period `when` falls in.
fn timeslice(period: u64, when: f64) -> u64 {
    (when as u64) - (when as u64) % period
}

impl Supervisor {
    /// Hands an event to every follower and pool that takes it, then dispatches.
    pub fn emit(&mut self, event: Event) {
        let kind = event.kind;
        if !self.events.followers.is_empty() {
            let lines: Vec<(ClientId, Vec<u8>)> = self
                .events
                .followers
                .iter()
                .filter(|(_, f)| f.matches(&event))
                .map(|(client, f)| (*client, render_line(&event, f.json)))
                .collect();
            for (client, line) in lines {
                self.outbox.push_back((client, Outgoing::Bytes(line)));
            }
        }
        let event = Rc::new(event);
        let mut serial = None;
        let mut touched = Vec::new();
        for index in 0..self.events.pools.len() {
            let times = self.events.pools[index].subscriptions(kind);
            if times == 0 {
                continue;
            }
            let serial = *serial.get_or_insert_with(|| self.events.next_serial());
            let pool = &mut self.events.pools[index];
            let pool_serial = pool.next_pool_serial();
            for time in 0..times {
                if time > 0 {
                    debug!(
                        "rebuffering event {serial} for pool {} (buf size={}, max={})",
                        pool.name,
                        pool.buffer.len(),
                        pool.buffer_size
                    );
                }
                let queued = Queued { event: Rc::clone(&event), serial, pool_serial };
                if let Some(discarded) = pool.accept(queued, false) {
                    error!("pool {} event buffer overflowed, discarding event {discarded}", pool.name);
                }
            }
            touched.push(index);
        }
        for index in touched {
            self.dispatch_pool(index);
        }
    }

    /// Sends a pool's buffered events, oldest first, to its READY listeners, until none is
    /// free (supervisord's `EventListenerPool.dispatch`).
    fn dispatch_pool(&mut self, index: usize) {
        while let Some(queued) = self.events.pools[index].buffer.pop_front() {
            if !self.dispatch_one(index, &queued) {
                let pool = &mut self.events.pools[index];
                if let Some(discarded) = pool.accept(queued, true) {
                    error!("pool {} event buffer overflowed, discarding event {discarded}", pool.name);
                }
                break;
            }
        }
    }

    fn dispatch_one(&mut self, index: usize, queued: &Queued) -> bool {
        let pool_name = self.events.pools[index].name.clone();
        // Only listeners are looked at (not every process), in a stable order.
        let mut candidates: Vec<ProcessId> = self
            .events
            .listeners
            .iter()
            .filter(|(id, l)| {
                l.state == ListenerState::Ready
                    && self
                        .processes
                        .get(id)
                        .is_some_and(|p| p.config.program == pool_name && p.public_state() == ProcessState::Running)
            })
            .map(|(id, _)| *id)
            .collect();
        candidates.sort();
        let envelope =
            queued.event.envelope(&self.config.daemon.identifier, queued.serial, &pool_name, queued.pool_serial);
        for id in candidates {
            let name = self.display_name(id);
            if self.send_stdin(id, envelope.as_bytes()).is_err() {
                debug!(
                    "epipe occurred while sending event {} to listener {name}, listener state unchanged",
                    queued.serial
                );
                continue;
            }
            if let Some(listener) = self.events.listeners.get_mut(&id) {
                listener.sent(queued.clone());
            }
            debug!("event {} sent to listener {name}", queued.serial);
            return true;
        }
        false
    }

    /// Puts a rejected event back at the head of its pool, and dispatches again.
    fn rebuffer(&mut self, id: ProcessId, queued: Queued) {
        let Some(index) = self.processes.get(&id).and_then(|p| self.events.pool_index(&p.config.program)) else {
            return;
        };
        let pool = &mut self.events.pools[index];
        debug!(
            "rebuffering event {} for pool {} (buf size={}, max={})",
            queued.serial,
            pool.name,
            pool.buffer.len(),
            pool.buffer_size
        );
        if let Some(discarded) = pool.accept(queued, true) {
            error!("pool {} event buffer overflowed, discarding event {discarded}", pool.name);
        }
        self.dispatch_pool(index);
    }

    /// Whether output of this channel goes through the event machinery rather than straight
    /// to the log.
    pub fn output_has_events(&self, id: ProcessId, channel: Channel) -> bool {
        let Some(p) = self.processes.get(&id) else { return false };
        let settings = &p.config.output_events;
        match channel {
            Channel::Stdout => {
                self.events.listeners.contains_key(&id)
                    || settings.stdout_events_enabled
                    || settings.stdout_capture_maxbytes > 0
            }
            Channel::Stderr => settings.stderr_events_enabled || settings.stderr_capture_maxbytes > 0,
        }
    }

    /// Output of a channel that has events: a listener's stdout is read by the protocol (and
    /// logged, as supervisord logs it); other output goes through capture mode, then to the
    /// log and the PROCESS_LOG events.
    pub fn write_output_with_events(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        if channel == Channel::Stdout && self.events.listeners.contains_key(&id) {
            self.log_output(id, channel, data);
            return self.listener_output(id, data);
        }
        let Some(p) = self.processes.get(&id) else { return };
        let (name, group, pid) = (p.config.name.clone(), p.config.group.clone(), p.state.pid().unwrap_or(0));
        let settings = p.config.output_events;
        let (events_enabled, maxbytes) = match channel {
            Channel::Stdout => (settings.stdout_events_enabled, settings.stdout_capture_maxbytes),
            Channel::Stderr => (settings.stderr_events_enabled, settings.stderr_capture_maxbytes),
        };
        let capture = self.events.captures.entry((id, channel)).or_insert_with(|| Capture::new(maxbytes));
        let stdout = channel == Channel::Stdout;
        for piece in capture.feed(data) {
            let logged = match piece {
                Piece::Log(data) => {
                    self.log_output(id, channel, &data);
                    data
                }
                Piece::Captured(data) => data,
                Piece::Communication(data) => {
                    self.emit(Event::process_communication(&name, &group, pid, stdout, &data));
                    debug!("'{name}' {} emitted a comm event", channel.as_str());
                    continue;
                }
            };
            if events_enabled {
                for chunk in logged.chunks(LOG_EVENT_CHUNK) {
                    self.emit(Event::process_log(&name, &group, pid, stdout, chunk));
                }
            }
        }
    }

    /// A listener's stdout, read by the protocol.
    fn listener_output(&mut self, id: ProcessId, data: &[u8]) {
        let Some(listener) = self.events.listeners.get_mut(&id) else { return };
        let outcomes = listener.feed(data);
        let name = self.display_name(id);
        let mut bad_line = false;
        for outcome in outcomes {
            match outcome {
                Outcome::Changed { from, to } => {
                    debug!("{name}: {} -> {}", from.as_str(), to.as_str());
                    if to == ListenerState::Unknown {
                        warn!(
                            "{name}: has entered the UNKNOWN state and will no longer receive events, this usually \
                             indicates the process violated the eventlistener protocol"
                        );
                    }
                }
                Outcome::BadResultLine(line) => {
                    warn!("{name}: bad result line: '{line}'");
                    bad_line = true;
                }
                Outcome::Processed => debug!("{name}: event was processed"),
                Outcome::Rejected(queued) => {
                    if !bad_line {
                        warn!("{name}: event was rejected");
                    }
                    self.rebuffer(id, queued);
                }
            }
        }
        if self.events.listeners.get(&id).is_some_and(|l| l.state == ListenerState::Ready)
            && let Some(index) = self.processes.get(&id).and_then(|p| self.events.pool_index(&p.config.program))
        {
            self.dispatch_pool(index);
        }
    }

    /// A process was spawned: its capture state starts afresh, and a listener starts
    /// ACKNOWLEDGED (it owes a READY).
    pub fn events_spawned(&mut self, id: ProcessId) {
        self.events.captures.retain(|(process, _), _| *process != id);
        let is_listener = self.processes.get(&id).is_some_and(|p| self.events.pool_index(&p.config.program).is_some());
        if is_listener {
            self.events.listeners.insert(id, Listener::default());
        }
    }

    /// A process exited: a listener's unanswered event goes back to its pool, and output
    /// that capture mode held back is logged.
    pub fn events_exited(&mut self, id: ProcessId) {
        for channel in [Channel::Stdout, Channel::Stderr] {
            if let Some(pending) = self.events.captures.remove(&(id, channel)).and_then(|mut c| c.finish()) {
                self.log_output(id, channel, &pending);
            }
        }
        if let Some(listener) = self.events.listeners.remove(&id)
            && let Some(queued) = listener.event
        {
            self.rebuffer(id, queued);
        }
    }

    /// The state event of a spawn: supervisord enters STARTING before it forks (so a spawn
    /// that fails still shows STARTING, then BACKOFF).
    pub fn announce_starting(&mut self, id: ProcessId) {
        let Some(p) = self.processes.get(&id) else { return };
        let from = self.events.announced.get(&id).copied().unwrap_or(ProcessState::Stopped);
        if from == ProcessState::Starting {
            return;
        }
        self.events.announced.insert(id, ProcessState::Starting);
        if !self.events.has_consumers() {
            return;
        }
        let tries = match p.state {
            State::Backoff { failures, .. } | State::Starting { failures, .. } => failures,
            _ => 0,
        };
        let event = Event::process_state(
            &p.config.name,
            &p.config.group,
            from,
            ProcessState::Starting,
            StateExtras::Tries(tries),
        );
        self.emit(event);
    }

    /// The state events of a transition from `old` to the process's current state, as
    /// supervisord would have sent them (a failed start that gives up passes through BACKOFF).
    pub fn announce_transition(&mut self, id: ProcessId, old: &State) {
        let Some(p) = self.processes.get(&id) else { return };
        let to = p.public_state();
        let mut from = self.events.announced.get(&id).copied().unwrap_or(ProcessState::Stopped);
        if from == to {
            return;
        }
        if !self.events.has_consumers() {
            self.events.announced.insert(id, to);
            return;
        }
        let (name, group) = (p.config.name.clone(), p.config.group.clone());
        let mut events = Vec::new();
        if to == ProcessState::Fatal && from == ProcessState::Starting {
            let tries = match old {
                State::Starting { failures, .. } | State::Backoff { failures, .. } => failures + 1,
                _ => 1,
            };
            events.push(Event::process_state(&name, &group, from, ProcessState::Backoff, StateExtras::Tries(tries)));
            from = ProcessState::Backoff;
        }
        let old_pid = old.pid().unwrap_or(0);
        let extras = match &p.state {
            State::Starting { failures, .. } | State::Backoff { failures, .. } => StateExtras::Tries(*failures),
            State::Running { pid, .. } | State::Stopping { pid, .. } | State::Recycling { pid, .. } => {
                StateExtras::Pid(*pid)
            }
            State::Stopped => StateExtras::Pid(old_pid),
            State::Exited { status } | State::CoolingDown { status, .. } => {
                StateExtras::Exited { expected: process_state::is_expected(*status, &p.config), pid: old_pid }
            }
            State::Fatal => StateExtras::None,
        };
        events.push(Event::process_state(&name, &group, from, to, extras));
        self.events.announced.insert(id, to);
        for event in events {
            self.emit(event);
        }
        // A listener that just became RUNNING may take what its pool holds.
        if to == ProcessState::Running
            && let Some(index) = self.processes.get(&id).and_then(|p| self.events.pool_index(&p.config.program))
        {
            self.dispatch_pool(index);
        }
    }

    /// A health check's verdict changed (from `Supervisor::health_changed`): PROCESS_HEALTH.
    pub fn announce_health(&mut self, id: ProcessId, from: Option<Health>, to: Option<Health>) {
        if !self.events.has_consumers() {
            return;
        }
        let Some(p) = self.processes.get(&id) else { return };
        let event = Event::process_health(&p.config.name, &p.config.group, from, to, p.state.pid().unwrap_or(0));
        self.emit(event);
    }

    /// A process is gone from the daemon.
    pub fn events_forget(&mut self, id: ProcessId) {
        self.events.announced.remove(&id);
        self.events.listeners.remove(&id);
        self.events.captures.retain(|(process, _), _| *process != id);
    }

    /// Whether a listener due to be stopped (the daemon stops or reloads) should be left a
    /// moment to take what its pool still holds: the other processes' last state events, which
    /// supervisord's slower loop usually delivers. Bounded by [`LISTENER_GRACE`], so a
    /// listener that does not answer delays the stop by that much at most.
    pub fn listener_still_hearing(&mut self, id: ProcessId) -> bool {
        let Some(listener) = self.events.listeners.get(&id) else { return false };
        let Some(index) = self.processes.get(&id).and_then(|p| self.events.pool_index(&p.config.program)) else {
            return false;
        };
        let pending = listener.state == ListenerState::Busy || !self.events.pools[index].buffer.is_empty();
        if listener.state == ListenerState::Unknown || !pending {
            return false;
        }
        let now = Instant::now();
        match self.events.listener_grace {
            Some(until) => now < until,
            None => {
                let until = now + LISTENER_GRACE;
                self.events.listener_grace = Some(until);
                self.timers.insert(until, TimerEvent::ListenerGrace);
                true
            }
        }
    }

    /// The daemon serves again (after a reload): the next stop gives listeners their grace again.
    pub fn reset_listener_grace(&mut self) {
        self.events.listener_grace = None;
    }

    /// A client follows events from now on.
    pub fn follow_events(&mut self, client: ClientId, follower: Follower) {
        self.events.followers.insert(client, follower);
        self.arm_ticks();
    }

    /// A client no longer follows events.
    pub fn unfollow_events(&mut self, client: ClientId) {
        if self.events.followers.remove(&client).is_some() {
            self.arm_ticks();
        }
    }

    /// Which tick types someone takes.
    fn wanted_ticks(&self) -> [bool; 3] {
        TICKS.map(|tick| {
            self.events.pools.iter().any(|p| p.subscriptions(tick) > 0)
                || self.events.followers.values().any(|f| f.wants(tick))
        })
    }

    /// Arms the tick timer for the next period boundary any wanted tick type falls on, or
    /// disarms it when no one takes ticks.
    pub fn arm_ticks(&mut self) {
        let wanted = self.wanted_ticks();
        let now = epoch_now();
        let mut next: Option<u64> = None;
        for (i, tick) in TICKS.iter().enumerate() {
            let period = tick.tick_period().expect("a tick type");
            if !wanted[i] {
                self.events.last_tick[i] = None;
                continue;
            }
            let last = *self.events.last_tick[i].get_or_insert(timeslice(period, now));
            next = Some(next.map_or(last + period, |n| n.min(last + period)));
        }
        match next {
            None => {
                if let Some(timer) = self.events.tick_timer.take() {
                    self.timers.cancel(timer);
                }
            }
            Some(boundary) => {
                if let Some(timer) = self.events.tick_timer.take() {
                    self.timers.cancel(timer);
                }
                // A little past the boundary, so that the wall clock agrees it is passed.
                let wait = (boundary as f64 - now).max(0.0) + 0.001;
                let at = Instant::now() + Duration::from_secs_f64(wait);
                self.events.tick_timer = Some(self.timers.insert(at, TimerEvent::Tick));
            }
        }
    }

    /// The tick timer: each wanted tick type whose period rolled over is sent.
    pub fn tick(&mut self) {
        self.events.tick_timer = None;
        let wanted = self.wanted_ticks();
        let now = epoch_now();
        for (i, tick) in TICKS.iter().enumerate() {
            let period = tick.tick_period().expect("a tick type");
            if !wanted[i] {
                continue;
            }
            let this = timeslice(period, now);
            if self.events.last_tick[i].is_some_and(|last| last != this) {
                self.emit(Event::tick(*tick, this));
            }
            self.events.last_tick[i] = Some(this);
        }
        self.arm_ticks();
    }

    /// A process joined a group: its first process makes the group appear (at start-up, `add`,
    /// `update`, `reload`): PROCESS_GROUP_ADDED.
    pub fn join_group(&mut self, group: &str) {
        let members = self.events.group_members.entry(group.to_string()).or_default();
        *members += 1;
        if *members == 1 && self.events.has_consumers() {
            self.emit(Event::process_group(group, true));
        }
    }

    /// A process left a group: its last one takes the group away: PROCESS_GROUP_REMOVED.
    pub fn leave_group(&mut self, group: &str) {
        let Some(members) = self.events.group_members.get_mut(group) else { return };
        *members -= 1;
        if *members == 0 {
            self.events.group_members.remove(group);
            if self.events.has_consumers() {
                self.emit(Event::process_group(group, false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeslices_are_supervisords() {
        assert_eq!(timeslice(5, 1003.7), 1000);
        assert_eq!(timeslice(60, 1003.7), 960);
        assert_eq!(timeslice(3600, 7199.0), 3600);
    }

    #[test]
    fn followers_pick_by_name_and_type() {
        let running =
            Event::process_state("w_1", "workers", ProcessState::Starting, ProcessState::Running, StateExtras::Pid(1));
        let tick = Event::tick(EventType::Tick5, 5);
        let all = Follower { names: vec![], types: vec![], json: false };
        assert!(all.matches(&running) && all.matches(&tick));
        let by_name = |n: &str| Follower { names: vec![n.to_string()], types: vec![], json: false };
        assert!(by_name("w_1").matches(&running));
        assert!(by_name("workers").matches(&running));
        assert!(by_name("workers:*").matches(&running));
        assert!(by_name("workers:w_1").matches(&running));
        assert!(!by_name("web").matches(&running));
        assert!(!by_name("w_1").matches(&tick));
        let states = Follower { names: vec![], types: vec![EventType::ProcessState], json: false };
        assert!(states.matches(&running) && !states.matches(&tick));
        assert!(!states.wants(EventType::Tick5) && all.wants(EventType::Tick5));
    }

    #[test]
    fn stream_lines_are_text_or_json() {
        let event = Event::process_log("web", "web", 3, true, b"hi\n");
        let json: serde_json::Value = serde_json::from_slice(&render_line(&event, true)).unwrap();
        assert_eq!(json["eventname"], "PROCESS_LOG_STDOUT");
        assert_eq!(json["headers"]["processname"], "web");
        assert_eq!(json["headers"]["channel"], "stdout");
        assert_eq!(json["data"], "hi\n");
        assert_eq!(json["payload"], "processname:web groupname:web pid:3 channel:stdout\nhi\n");
        let text = String::from_utf8(render_line(&event, false)).unwrap();
        assert!(
            text.ends_with(" PROCESS_LOG_STDOUT processname:web groupname:web pid:3 channel:stdout data:\"hi\\n\"\n")
        );
        assert_eq!(text.lines().count(), 1);
    }
}
