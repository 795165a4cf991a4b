//! The deadline queue: what is due next, and what is due now. Pure (the time is passed in), so
//! the event loop can sleep exactly until the next deadline and tests need no clock.

use std::collections::BTreeMap;
use std::time::Instant;

/// A handle to cancel a timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(Instant, u64);

#[derive(Debug)]
pub struct Timers<T> {
    queue: BTreeMap<TimerId, T>,
    next_seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers { queue: BTreeMap::new(), next_seq: 0 }
    }
}

impl<T> Timers<T> {
    pub fn insert(&mut self, at: Instant, item: T) -> TimerId {
        let id = TimerId(at, self.next_seq);
        self.next_seq += 1;
        self.queue.insert(id, item);
        id
    }

    pub fn cancel(&mut self, id: TimerId) -> Option<T> {
        self.queue.remove(&id)
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.queue.keys().next().map(|id| id.0)
    }

    /// Removes and returns every timer due at `now`, earliest first (ties in insertion order).
    pub fn pop_due(&mut self, now: Instant) -> Vec<T> {
        let mut due = Vec::new();
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > now {
                break;
            }
            due.push(entry.remove());
        }
        due
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn due_timers_come_out_in_order_and_cancelled_ones_never() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut timers = Timers::default();
        timers.insert(at(30), "c");
        let b = timers.insert(at(20), "b");
        timers.insert(at(10), "a");
        timers.insert(at(10), "a2");
        assert_eq!(timers.next_deadline(), Some(at(10)));
        assert_eq!(timers.cancel(b), Some("b"));
        assert_eq!(timers.pop_due(at(5)), Vec::<&str>::new());
        assert_eq!(timers.pop_due(at(25)), ["a", "a2"]);
        assert_eq!(timers.next_deadline(), Some(at(30)));
        assert_eq!(timers.pop_due(at(30)), ["c"]);
        assert!(timers.is_empty());
        assert_eq!(timers.next_deadline(), None);
    }
}
