//! The daemon's counters, for `/metrics`: what happened since start-up that the process table
//! does not keep (spawns, bytes logged, loop wake-ups, failed log writes).
//!
//! Each is a plain integer bumped where the thing happens (one addition on a path that already
//! does a system call), so counting costs nothing measurable and never wakes the daemon up.
//! Gauges (states, pids, memory, descriptors, clients) are not kept here: `/metrics` reads them
//! when it is scraped.

use std::collections::HashMap;
use std::time::SystemTime;

use super::supervisor::ProcessId;
use crate::protocol::Channel;

/// One process's counters, for the daemon's lifetime (a reload keeps a process's id).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcessCounters {
    /// Successful spawns: the first start and every restart.
    pub spawns: u64,
    /// Bytes read from the child's stdout and stderr pipes.
    pub stdout_bytes: u64,
    pub stderr_bytes: u64,
}

pub struct Stats {
    /// When the daemon started serving.
    pub started: SystemTime,
    /// Returns from the event loop's one wait.
    pub wakeups: u64,
    /// Writes to a process's log file that failed (each attempt, retries included).
    pub log_write_failures: u64,
    processes: HashMap<ProcessId, ProcessCounters>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats { started: SystemTime::now(), wakeups: 0, log_write_failures: 0, processes: HashMap::new() }
    }
}

impl Stats {
    pub fn spawned(&mut self, id: ProcessId) {
        self.processes.entry(id).or_default().spawns += 1;
    }

    pub fn logged(&mut self, id: ProcessId, channel: Channel, bytes: usize) {
        let counters = self.processes.entry(id).or_default();
        match channel {
            Channel::Stdout => counters.stdout_bytes += bytes as u64,
            Channel::Stderr => counters.stderr_bytes += bytes as u64,
        }
    }

    /// A process left the configuration: its counters go with it.
    pub fn forget(&mut self, id: ProcessId) {
        self.processes.remove(&id);
    }

    pub fn process(&self, id: ProcessId) -> ProcessCounters {
        self.processes.get(&id).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up_per_process_and_channel() {
        let mut stats = Stats::default();
        let (a, b) = (ProcessId(1), ProcessId(2));
        stats.spawned(a);
        stats.spawned(a);
        stats.logged(a, Channel::Stdout, 10);
        stats.logged(a, Channel::Stderr, 3);
        stats.logged(a, Channel::Stdout, 5);
        assert_eq!(stats.process(a), ProcessCounters { spawns: 2, stdout_bytes: 15, stderr_bytes: 3 });
        assert_eq!(stats.process(b), ProcessCounters::default());
        stats.forget(a);
        assert_eq!(stats.process(a), ProcessCounters::default());
    }
}
