//! The event listener protocol, both halves, as pure state: what a listener's stdout says
//! (`READY\n`, `RESULT N\n` + N bytes), and a pool's buffer with its serials. A port of
//! supervisord's `PEventListenerDispatcher.handle_listener_state_change` and
//! `EventListenerPool._acceptEvent`, quirks included, so listeners written for supervisord see
//! no difference.

use std::collections::VecDeque;
use std::rc::Rc;

use super::types::{Event, EventType};

/// supervisord's listener states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerState {
    /// Busy until it says READY: the state of a newly spawned listener, and of one that just
    /// answered an event.
    Acknowledged,
    Ready,
    /// An event was sent; its result is awaited.
    Busy,
    /// It broke the protocol: it gets no more events until it is restarted.
    Unknown,
}

impl ListenerState {
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerState::Acknowledged => "ACKNOWLEDGED",
            ListenerState::Ready => "READY",
            ListenerState::Busy => "BUSY",
            ListenerState::Unknown => "UNKNOWN",
        }
    }
}

/// An event in a pool's buffer, with its serials.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub event: Rc<Event>,
    /// The global serial (one counter for the daemon's lifetime).
    pub serial: u64,
    /// This pool's serial.
    pub pool_serial: u64,
}

/// What reading a listener's stdout led to, for the daemon to act on (log, rebuffer).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Changed {
        from: ListenerState,
        to: ListenerState,
    },
    /// `RESULT` with a length that is not a number.
    BadResultLine(String),
    /// OK: the event is done.
    Processed,
    /// Anything but OK: the event goes back to the head of the pool's buffer.
    Rejected(Queued),
}

const READY_TOKEN: &[u8] = b"READY\n";
const RESULT_TOKEN_START_LEN: usize = b"RESULT ".len();

/// One listener process's side of the protocol, from its spawn to its exit.
#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub state: ListenerState,
    /// The event sent and not yet answered.
    pub event: Option<Queued>,
    buffer: Vec<u8>,
    result: Vec<u8>,
    result_len: Option<usize>,
}

impl Default for Listener {
    fn default() -> Self {
        Listener {
            state: ListenerState::Acknowledged,
            event: None,
            buffer: Vec::new(),
            result: Vec::new(),
            result_len: None,
        }
    }
}

/// Python's `int(bytes)` for a result length: surrounding whitespace, an optional sign,
/// digits. A negative length is refused here (supervisord would misread the stream).
fn parse_len(text: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(text).ok()?.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl Listener {
    /// The listener's stdout said `data`.
    pub fn feed(&mut self, data: &[u8]) -> Vec<Outcome> {
        self.buffer.extend_from_slice(data);
        let mut out = Vec::new();
        self.advance(&mut out);
        out
    }

    /// The event was written to the listener: it is busy with it.
    pub fn sent(&mut self, event: Queued) {
        self.state = ListenerState::Busy;
        self.event = Some(event);
    }

    fn change(&mut self, to: ListenerState, out: &mut Vec<Outcome>) {
        out.push(Outcome::Changed { from: self.state, to });
        self.state = to;
    }

    fn advance(&mut self, out: &mut Vec<Outcome>) {
        while !self.buffer.is_empty() {
            match self.state {
                ListenerState::Unknown => {
                    self.buffer.clear();
                    return;
                }
                ListenerState::Acknowledged => {
                    if self.buffer.len() < READY_TOKEN.len() {
                        return;
                    }
                    if self.buffer.starts_with(READY_TOKEN) {
                        self.change(ListenerState::Ready, out);
                        self.buffer.drain(..READY_TOKEN.len());
                    } else {
                        self.change(ListenerState::Unknown, out);
                        self.buffer.clear();
                    }
                    self.event = None;
                }
                ListenerState::Ready => {
                    // Spurious data: supervisord is strict about it.
                    self.change(ListenerState::Unknown, out);
                    self.buffer.clear();
                    self.event = None;
                    return;
                }
                ListenerState::Busy => match self.result_len {
                    None => {
                        let Some(pos) = self.buffer.iter().position(|&b| b == b'\n') else { return };
                        let line: Vec<u8> = self.buffer.drain(..=pos).take(pos).collect();
                        match line.get(RESULT_TOKEN_START_LEN..).and_then(parse_len) {
                            Some(len) => self.result_len = Some(len),
                            None => {
                                let text = match std::str::from_utf8(&line) {
                                    Ok(text) => text.to_string(),
                                    Err(_) => format!("Undecodable: {}", super::types::python_bytes_repr(&line)),
                                };
                                out.push(Outcome::BadResultLine(text));
                                self.change(ListenerState::Unknown, out);
                                self.buffer.clear();
                                if let Some(event) = self.event.take() {
                                    out.push(Outcome::Rejected(event));
                                }
                                return;
                            }
                        }
                    }
                    Some(len) => {
                        let needed = len - self.result.len();
                        let take = needed.min(self.buffer.len());
                        self.result.extend(self.buffer.drain(..take));
                        if self.result.len() == len {
                            let result = std::mem::take(&mut self.result);
                            self.result_len = None;
                            let event = self.event.take();
                            // supervisord's default_handler: OK acknowledges, anything else rejects.
                            self.change(ListenerState::Acknowledged, out);
                            match event {
                                Some(event) if result != b"OK" => out.push(Outcome::Rejected(event)),
                                _ => out.push(Outcome::Processed),
                            }
                        }
                    }
                },
            }
        }
    }
}

/// A pool's buffer of events waiting for a free listener, and its serial counter.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub name: String,
    pub events: Vec<EventType>,
    pub buffer_size: usize,
    pub buffer: VecDeque<Queued>,
    next_serial: u64,
}

impl Pool {
    pub fn new(name: &str, events: Vec<EventType>, buffer_size: usize) -> Pool {
        Pool {
            name: name.to_string(),
            events,
            buffer_size: buffer_size.max(1),
            buffer: VecDeque::new(),
            next_serial: 0,
        }
    }

    /// How many times the pool takes an event of `kind`: once per subscribed type it is one of.
    /// (supervisord subscribes a pool once per type, so PROCESS_STATE and PROCESS_STATE_EXITED
    /// together deliver an EXITED event twice; listeners written for it live with that.)
    pub fn subscriptions(&self, kind: EventType) -> usize {
        self.events.iter().filter(|t| kind.is_a(**t)).count()
    }

    pub fn next_pool_serial(&mut self) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        serial
    }

    /// Buffers an event (at the head when it comes back rejected). Returns the global serial
    /// of the event discarded to make room, if one was.
    pub fn accept(&mut self, queued: Queued, head: bool) -> Option<u64> {
        let mut discarded = None;
        if self.buffer.len() >= self.buffer_size
            && let Some(oldest) = self.buffer.pop_front()
        {
            discarded = Some(oldest.serial);
        }
        if head {
            self.buffer.push_front(queued);
        } else {
            self.buffer.push_back(queued);
        }
        discarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ListenerState::*;

    fn queued(serial: u64) -> Queued {
        Queued { event: Rc::new(Event::tick(EventType::Tick5, serial)), serial, pool_serial: serial }
    }

    fn changes(outcomes: &[Outcome]) -> Vec<(ListenerState, ListenerState)> {
        outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Changed { from, to } => Some((*from, *to)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn ready_ok_ready() {
        let mut l = Listener::default();
        assert_eq!(l.feed(b"REA"), []);
        assert_eq!(changes(&l.feed(b"DY\n")), [(Acknowledged, Ready)]);
        l.sent(queued(1));
        assert_eq!(l.feed(b"RESULT 2\nO"), []);
        assert_eq!(l.state, Busy);
        let out = l.feed(b"KREADY\n");
        assert_eq!(changes(&out), [(Busy, Acknowledged), (Acknowledged, Ready)]);
        assert!(out.contains(&Outcome::Processed));
        assert_eq!((l.state, &l.event), (Ready, &None));
    }

    #[test]
    fn fail_rejects_and_rebuffers() {
        let mut l = Listener::default();
        l.feed(b"READY\n");
        l.sent(queued(4));
        let out = l.feed(b"RESULT 4\nFAILREADY\n");
        assert!(out.iter().any(|o| matches!(o, Outcome::Rejected(q) if q.serial == 4)));
        assert_eq!(l.state, Ready);
    }

    #[test]
    fn protocol_violations_end_in_unknown() {
        // Garbage instead of READY.
        let mut l = Listener::default();
        assert_eq!(changes(&l.feed(b"hello world\n")), [(Acknowledged, Unknown)]);
        assert_eq!(l.feed(b"READY\n"), [], "UNKNOWN is final until a restart");
        // Data while READY.
        let mut l = Listener::default();
        l.feed(b"READY\n");
        assert_eq!(changes(&l.feed(b"x")), [(Ready, Unknown)]);
        // A result line whose length is not a number: the event is rebuffered.
        let mut l = Listener::default();
        l.feed(b"READY\n");
        l.sent(queued(2));
        let out = l.feed(b"RESULT two\n");
        assert_eq!(out[0], Outcome::BadResultLine("RESULT two".into()));
        assert_eq!(changes(&out), [(Busy, Unknown)]);
        assert!(out.iter().any(|o| matches!(o, Outcome::Rejected(q) if q.serial == 2)));
    }

    #[test]
    fn lengths_read_as_python_int_does() {
        assert_eq!(parse_len(b" 12 "), Some(12));
        assert_eq!(parse_len(b"+3"), Some(3));
        assert_eq!(parse_len(b"-1"), None);
        assert_eq!(parse_len(b""), None);
        assert_eq!(parse_len(b"2x"), None);
    }

    #[test]
    fn a_full_buffer_discards_its_oldest() {
        let mut pool = Pool::new("p", vec![EventType::Event], 2);
        assert_eq!(pool.accept(queued(0), false), None);
        assert_eq!(pool.accept(queued(1), false), None);
        assert_eq!(pool.accept(queued(2), false), Some(0));
        assert_eq!(pool.accept(queued(3), true), Some(1));
        let serials: Vec<u64> = pool.buffer.iter().map(|q| q.serial).collect();
        assert_eq!(serials, [3, 2]);
    }

    #[test]
    fn overlapping_subscriptions_take_an_event_once_each() {
        let pool = Pool::new("p", vec![EventType::ProcessState, EventType::ProcessStateExited], 10);
        assert_eq!(pool.subscriptions(EventType::ProcessStateExited), 2);
        assert_eq!(pool.subscriptions(EventType::ProcessStateRunning), 1);
        assert_eq!(pool.subscriptions(EventType::Tick5), 0);
    }
}
