//! supervisord's event types and their payloads, byte for byte (`supervisor/events.py`).
//!
//! An [`Event`] is made once, when it happens, with its payload rendered then (supervisord
//! renders a state event's fields eagerly too), and shared by every pool and follower that
//! takes it. Subscription follows supervisord's class tree: a pool subscribed to a supertype
//! (`PROCESS_STATE`, `EVENT`) takes each of its subtypes.

use std::time::SystemTime;

use crate::protocol::{Health, ProcessState};

/// Every event type supervisord names, abstract supertypes included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    Event,
    ProcessState,
    ProcessStateStopped,
    ProcessStateExited,
    ProcessStateStarting,
    ProcessStateStopping,
    ProcessStateBackoff,
    ProcessStateFatal,
    ProcessStateRunning,
    ProcessStateUnknown,
    ProcessCommunication,
    ProcessCommunicationStdout,
    ProcessCommunicationStderr,
    ProcessLog,
    ProcessLogStdout,
    ProcessLogStderr,
    RemoteCommunication,
    SupervisorStateChange,
    SupervisorStateChangeRunning,
    SupervisorStateChangeStopping,
    Tick,
    Tick5,
    Tick60,
    Tick3600,
    ProcessGroup,
    ProcessGroupAdded,
    ProcessGroupRemoved,
    /// Ours, not supervisord's: a health check's verdict changed.
    ProcessHealth,
}

use EventType as T;

impl EventType {
    pub const ALL: [EventType; 28] = [
        T::Event,
        T::ProcessState,
        T::ProcessStateStopped,
        T::ProcessStateExited,
        T::ProcessStateStarting,
        T::ProcessStateStopping,
        T::ProcessStateBackoff,
        T::ProcessStateFatal,
        T::ProcessStateRunning,
        T::ProcessStateUnknown,
        T::ProcessCommunication,
        T::ProcessCommunicationStdout,
        T::ProcessCommunicationStderr,
        T::ProcessLog,
        T::ProcessLogStdout,
        T::ProcessLogStderr,
        T::RemoteCommunication,
        T::SupervisorStateChange,
        T::SupervisorStateChangeRunning,
        T::SupervisorStateChangeStopping,
        T::Tick,
        T::Tick5,
        T::Tick60,
        T::Tick3600,
        T::ProcessGroup,
        T::ProcessGroupAdded,
        T::ProcessGroupRemoved,
        T::ProcessHealth,
    ];

    /// supervisord's name (`eventname:` in the header).
    pub fn name(self) -> &'static str {
        match self {
            T::Event => "EVENT",
            T::ProcessState => "PROCESS_STATE",
            T::ProcessStateStopped => "PROCESS_STATE_STOPPED",
            T::ProcessStateExited => "PROCESS_STATE_EXITED",
            T::ProcessStateStarting => "PROCESS_STATE_STARTING",
            T::ProcessStateStopping => "PROCESS_STATE_STOPPING",
            T::ProcessStateBackoff => "PROCESS_STATE_BACKOFF",
            T::ProcessStateFatal => "PROCESS_STATE_FATAL",
            T::ProcessStateRunning => "PROCESS_STATE_RUNNING",
            T::ProcessStateUnknown => "PROCESS_STATE_UNKNOWN",
            T::ProcessCommunication => "PROCESS_COMMUNICATION",
            T::ProcessCommunicationStdout => "PROCESS_COMMUNICATION_STDOUT",
            T::ProcessCommunicationStderr => "PROCESS_COMMUNICATION_STDERR",
            T::ProcessLog => "PROCESS_LOG",
            T::ProcessLogStdout => "PROCESS_LOG_STDOUT",
            T::ProcessLogStderr => "PROCESS_LOG_STDERR",
            T::RemoteCommunication => "REMOTE_COMMUNICATION",
            T::SupervisorStateChange => "SUPERVISOR_STATE_CHANGE",
            T::SupervisorStateChangeRunning => "SUPERVISOR_STATE_CHANGE_RUNNING",
            T::SupervisorStateChangeStopping => "SUPERVISOR_STATE_CHANGE_STOPPING",
            T::Tick => "TICK",
            T::Tick5 => "TICK_5",
            T::Tick60 => "TICK_60",
            T::Tick3600 => "TICK_3600",
            T::ProcessGroup => "PROCESS_GROUP",
            T::ProcessGroupAdded => "PROCESS_GROUP_ADDED",
            T::ProcessGroupRemoved => "PROCESS_GROUP_REMOVED",
            T::ProcessHealth => "PROCESS_HEALTH",
        }
    }

    /// The type of a name, in any case (supervisord upper-cases the names it reads).
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name))
    }

    /// The direct supertype, as supervisord's classes inherit.
    fn parent(self) -> Option<EventType> {
        match self {
            T::Event => None,
            T::ProcessState
            | T::ProcessCommunication
            | T::ProcessLog
            | T::RemoteCommunication
            | T::SupervisorStateChange
            | T::Tick
            | T::ProcessGroup
            | T::ProcessHealth => Some(T::Event),
            T::ProcessStateStopped
            | T::ProcessStateExited
            | T::ProcessStateStarting
            | T::ProcessStateStopping
            | T::ProcessStateBackoff
            | T::ProcessStateFatal
            | T::ProcessStateRunning
            | T::ProcessStateUnknown => Some(T::ProcessState),
            T::ProcessCommunicationStdout | T::ProcessCommunicationStderr => Some(T::ProcessCommunication),
            T::ProcessLogStdout | T::ProcessLogStderr => Some(T::ProcessLog),
            T::SupervisorStateChangeRunning | T::SupervisorStateChangeStopping => Some(T::SupervisorStateChange),
            T::Tick5 | T::Tick60 | T::Tick3600 => Some(T::Tick),
            T::ProcessGroupAdded | T::ProcessGroupRemoved => Some(T::ProcessGroup),
        }
    }

    /// Whether an event of this type is one of `of` (Python's `isinstance`).
    pub fn is_a(self, of: EventType) -> bool {
        let mut current = Some(self);
        while let Some(t) = current {
            if t == of {
                return true;
            }
            current = t.parent();
        }
        false
    }

    /// The event type of a process entering `state`.
    pub fn of_state(state: ProcessState) -> EventType {
        match state {
            ProcessState::Stopped => T::ProcessStateStopped,
            ProcessState::Starting => T::ProcessStateStarting,
            ProcessState::Running => T::ProcessStateRunning,
            ProcessState::Backoff => T::ProcessStateBackoff,
            ProcessState::Stopping => T::ProcessStateStopping,
            ProcessState::Exited => T::ProcessStateExited,
            ProcessState::Fatal => T::ProcessStateFatal,
            ProcessState::Unknown => T::ProcessStateUnknown,
        }
    }

    /// The period of a tick type, in seconds.
    pub fn tick_period(self) -> Option<u64> {
        match self {
            T::Tick5 => Some(5),
            T::Tick60 => Some(60),
            T::Tick3600 => Some(3600),
            _ => None,
        }
    }
}

/// One event, as every listener and follower receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Always a concrete type.
    pub kind: EventType,
    /// supervisord's payload text: what follows the header on a listener's stdin.
    pub payload: String,
    /// The process (name, group) it is about, for followers that name processes.
    pub process: Option<(String, String)>,
    /// The group it is about (group events), for followers that name groups.
    pub group: Option<String>,
    pub when: SystemTime,
}

/// The extra fields a process state event carries after `from_state` (supervisord's
/// `get_extra_values`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateExtras {
    /// FATAL, UNKNOWN.
    None,
    /// STARTING, BACKOFF: the back-off counter.
    Tries(u32),
    /// RUNNING, STOPPING, STOPPED: the pid (0 when there was none).
    Pid(u32),
    /// EXITED.
    Exited { expected: bool, pid: u32 },
}

impl Event {
    fn new(kind: EventType, payload: String) -> Event {
        Event { kind, payload, process: None, group: None, when: SystemTime::now() }
    }

    /// PROCESS_STATE_*: `processname:web groupname:web from_state:STARTING pid:12`.
    pub fn process_state(name: &str, group: &str, from: ProcessState, to: ProcessState, extras: StateExtras) -> Event {
        let mut payload = format!("processname:{name} groupname:{group} from_state:{from}");
        match extras {
            StateExtras::None => {}
            StateExtras::Tries(tries) => payload += &format!(" tries:{tries}"),
            StateExtras::Pid(pid) => payload += &format!(" pid:{pid}"),
            StateExtras::Exited { expected, pid } => payload += &format!(" expected:{} pid:{pid}", u8::from(expected)),
        }
        let mut event = Event::new(EventType::of_state(to), payload);
        event.process = Some((name.to_string(), group.to_string()));
        event
    }

    /// PROCESS_LOG_STDOUT/STDERR: `processname:web groupname:web pid:12 channel:stdout\nDATA`.
    pub fn process_log(name: &str, group: &str, pid: u32, stdout: bool, data: &[u8]) -> Event {
        let (kind, channel) = if stdout { (T::ProcessLogStdout, "stdout") } else { (T::ProcessLogStderr, "stderr") };
        let payload = format!("processname:{name} groupname:{group} pid:{pid} channel:{channel}\n{}", as_string(data));
        let mut event = Event::new(kind, payload);
        event.process = Some((name.to_string(), group.to_string()));
        event
    }

    /// PROCESS_COMMUNICATION_STDOUT/STDERR: `processname:web groupname:web pid:12\nDATA`.
    pub fn process_communication(name: &str, group: &str, pid: u32, stdout: bool, data: &[u8]) -> Event {
        let kind = if stdout { T::ProcessCommunicationStdout } else { T::ProcessCommunicationStderr };
        let payload = format!("processname:{name} groupname:{group} pid:{pid}\n{}", as_string(data));
        let mut event = Event::new(kind, payload);
        event.process = Some((name.to_string(), group.to_string()));
        event
    }

    /// REMOTE_COMMUNICATION: `type:TYPE\nDATA`.
    pub fn remote_communication(kind: &str, data: &str) -> Event {
        Event::new(T::RemoteCommunication, format!("type:{kind}\n{data}"))
    }

    /// SUPERVISOR_STATE_CHANGE_RUNNING/STOPPING: an empty payload.
    pub fn supervisor_state(running: bool) -> Event {
        let kind = if running { T::SupervisorStateChangeRunning } else { T::SupervisorStateChangeStopping };
        Event::new(kind, String::new())
    }

    /// PROCESS_GROUP_ADDED/REMOVED: `groupname:NAME\n`.
    pub fn process_group(group: &str, added: bool) -> Event {
        let kind = if added { T::ProcessGroupAdded } else { T::ProcessGroupRemoved };
        let mut event = Event::new(kind, format!("groupname:{group}\n"));
        event.group = Some(group.to_string());
        event
    }

    /// PROCESS_HEALTH (ours): `processname:web groupname:web from_health:starting
    /// to_health:healthy pid:12`, each health one of `none` (no check running: before the
    /// first run or after the run ended), `starting`, `healthy`, `unhealthy`.
    pub fn process_health(name: &str, group: &str, from: Option<Health>, to: Option<Health>, pid: u32) -> Event {
        let payload = format!(
            "processname:{name} groupname:{group} from_health:{} to_health:{} pid:{pid}",
            health_name(from),
            health_name(to)
        );
        let mut event = Event::new(T::ProcessHealth, payload);
        event.process = Some((name.to_string(), group.to_string()));
        event
    }

    /// TICK_5/60/3600: `when:SLICE`, the start of the period that just began (epoch seconds).
    pub fn tick(kind: EventType, slice: u64) -> Event {
        Event::new(kind, format!("when:{slice}"))
    }

    /// The envelope a listener reads: the header line and the payload. `len` counts the
    /// payload's characters, as supervisord's Python `len(str)` does (and as a Python listener
    /// reading its text-mode stdin expects).
    pub fn envelope(&self, server: &str, serial: u64, pool: &str, pool_serial: u64) -> String {
        format!(
            "ver:3.0 server:{server} serial:{serial} pool:{pool} poolserial:{pool_serial} eventname:{} len:{}\n{}",
            self.kind.name(),
            self.payload.chars().count(),
            self.payload
        )
    }

    /// The payload's first line as `key:value` pairs, and what follows it (log and
    /// communication data), for the native stream.
    pub fn headers_and_data(&self) -> (Vec<(&str, &str)>, Option<&str>) {
        let (first, data) = match self.payload.split_once('\n') {
            Some((first, rest)) => (first, Some(rest)),
            None => (self.payload.as_str(), None),
        };
        let headers = first.split_whitespace().filter_map(|pair| pair.split_once(':')).collect();
        (headers, data)
    }
}

/// A health as PROCESS_HEALTH names it: one word, so that the payload splits on spaces.
fn health_name(health: Option<Health>) -> &'static str {
    match health {
        None => "none",
        Some(Health::Starting) => "starting",
        Some(Health::Healthy) => "healthy",
        Some(Health::Unhealthy) => "unhealthy",
    }
}

/// supervisord's `as_string`, with its fallback for bytes that are not UTF-8.
fn as_string(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(text) => text.to_string(),
        Err(_) => format!("Undecodable: {}", python_bytes_repr(data)),
    }
}

/// Python's `repr(bytes)`: `b'...'` with its escapes.
pub fn python_bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') { '"' } else { '\'' };
    let mut out = format!("b{quote}");
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProcessState as S;

    #[test]
    fn names_match_the_config_list_and_supervisord() {
        let names: Vec<&str> = EventType::ALL.iter().map(|t| t.name()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        let mut config = crate::config::EVENT_TYPES.to_vec();
        config.sort();
        assert_eq!(sorted, config);
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(&t.name().to_lowercase()), Some(t));
        }
    }

    #[test]
    fn subscription_follows_the_class_tree() {
        assert!(T::ProcessStateExited.is_a(T::ProcessState));
        assert!(T::ProcessStateExited.is_a(T::Event));
        assert!(T::ProcessStateExited.is_a(T::ProcessStateExited));
        assert!(!T::ProcessStateExited.is_a(T::ProcessStateRunning));
        assert!(T::Tick60.is_a(T::Tick));
        assert!(!T::Tick60.is_a(T::Tick5));
        assert!(T::ProcessLogStderr.is_a(T::ProcessLog));
        assert!(!T::ProcessLogStderr.is_a(T::ProcessCommunication));
        assert!(T::SupervisorStateChangeStopping.is_a(T::SupervisorStateChange));
        assert!(T::ProcessGroupRemoved.is_a(T::ProcessGroup));
        assert!(!T::Event.is_a(T::ProcessState));
    }

    #[test]
    fn payloads_are_supervisords() {
        let e = Event::process_state("web", "web", S::Starting, S::Running, StateExtras::Pid(42));
        assert_eq!(e.kind, T::ProcessStateRunning);
        assert_eq!(e.payload, "processname:web groupname:web from_state:STARTING pid:42");
        let e =
            Event::process_state("w_1", "g", S::Running, S::Exited, StateExtras::Exited { expected: false, pid: 7 });
        assert_eq!(e.payload, "processname:w_1 groupname:g from_state:RUNNING expected:0 pid:7");
        let e = Event::process_state("x", "x", S::Stopped, S::Starting, StateExtras::Tries(0));
        assert_eq!(e.payload, "processname:x groupname:x from_state:STOPPED tries:0");
        let e = Event::process_state("x", "x", S::Backoff, S::Fatal, StateExtras::None);
        assert_eq!(e.payload, "processname:x groupname:x from_state:BACKOFF");
        let e = Event::process_log("x", "g", 9, false, b"oops\n");
        assert_eq!(
            (e.kind, e.payload.as_str()),
            (T::ProcessLogStderr, "processname:x groupname:g pid:9 channel:stderr\noops\n")
        );
        let e = Event::process_log("x", "g", 9, true, b"\xff'a");
        assert_eq!(e.payload, "processname:x groupname:g pid:9 channel:stdout\nUndecodable: b\"\\xff'a\"");
        let e = Event::process_communication("x", "g", 9, true, b"hello");
        assert_eq!(
            (e.kind, e.payload.as_str()),
            (T::ProcessCommunicationStdout, "processname:x groupname:g pid:9\nhello")
        );
        assert_eq!(Event::remote_communication("t", "d").payload, "type:t\nd");
        assert_eq!(Event::supervisor_state(false).payload, "");
        assert_eq!(Event::process_group("g", true).payload, "groupname:g\n");
        assert_eq!(Event::tick(T::Tick60, 120).payload, "when:120");
        let e = Event::process_health("w_1", "g", Some(Health::Starting), Some(Health::Unhealthy), 7);
        assert_eq!(
            (e.kind, e.payload.as_str()),
            (T::ProcessHealth, "processname:w_1 groupname:g from_health:starting to_health:unhealthy pid:7")
        );
        assert!(T::ProcessHealth.is_a(T::Event) && !T::ProcessHealth.is_a(T::ProcessState));
    }

    #[test]
    fn the_envelope_is_byte_for_byte() {
        let e = Event::process_state("web", "web", S::Starting, S::Running, StateExtras::Pid(42));
        assert_eq!(
            e.envelope("supervisor", 3, "mail", 0),
            "ver:3.0 server:supervisor serial:3 pool:mail poolserial:0 eventname:PROCESS_STATE_RUNNING len:56\n\
             processname:web groupname:web from_state:STARTING pid:42"
        );
        // len counts characters, as Python does.
        let e = Event::remote_communication("t", "é");
        assert!(e.envelope("s", 0, "p", 0).contains("len:8\n"));
    }

    #[test]
    fn bytes_repr_is_pythons() {
        assert_eq!(python_bytes_repr(b"a\x00'\\\n"), "b\"a\\x00'\\\\\\n\"");
        assert_eq!(python_bytes_repr(b"a'\"b"), "b'a\\'\"b'");
    }
}
