//! A stop of several processes (`stop all`, `stop GROUP:*`, `stop a b`) in reverse dependency
//! order, as shutdown and reload stop: a process that others of the same request depend on is
//! held ([`Step::HeldStop`]) until they are down, then stopped. The order is
//! `dependencies::stop_first`; this file applies it to a request's processes and its job.
//! Without `depends_on` nothing is held and every stop is sent at once, as before.

use std::collections::HashSet;

use super::dependencies;
use super::jobs::{self, Action, JobKind, Step};
use super::process_state::Input;
use super::supervisor::{ProcessId, Supervisor};

impl Supervisor {
    /// Of the processes a stop request acts on, those whose stop must wait for others of them.
    pub fn stops_to_hold(&self, ids: &[ProcessId]) -> HashSet<ProcessId> {
        let up: Vec<ProcessId> = ids
            .iter()
            .copied()
            .filter(|id| self.processes.get(id).is_some_and(|p| p.public_state().is_running()))
            .collect();
        let graph = self.dependency_graph();
        let programs: Vec<&str> = up.iter().map(|id| self.processes[id].config.program.as_str()).collect();
        let free: HashSet<usize> = dependencies::stop_first(&programs, &graph).into_iter().collect();
        up.iter().enumerate().filter(|(i, _)| !free.contains(i)).map(|(_, id)| *id).collect()
    }

    /// Sends the held stops of the `index`th job whose dependants in it are down. True when
    /// one was sent (the job has moved).
    pub fn release_held_stops(&mut self, index: usize) -> bool {
        let JobKind::Actions(items) = &self.jobs[index].kind else { return false };
        if !items.iter().any(|item| item.step == Step::HeldStop) {
            return false;
        }
        let stopping: Vec<usize> = (0..items.len())
            .filter(|&i| matches!(items[i].step, Step::HeldStop | Step::AwaitStopped { .. }))
            .filter(|&i| self.processes.get(&items[i].id).is_some_and(|p| p.public_state().is_running()))
            .collect();
        let graph = self.dependency_graph();
        let programs: Vec<&str> =
            stopping.iter().map(|&i| self.processes[&items[i].id].config.program.as_str()).collect();
        let release: Vec<usize> = dependencies::stop_first(&programs, &graph)
            .into_iter()
            .map(|k| stopping[k])
            .filter(|&i| items[i].step == Step::HeldStop)
            .collect();
        for &i in &release {
            let JobKind::Actions(items) = &self.jobs[index].kind else { break };
            let (id, name) = (items[i].id, items[i].name.clone());
            let refused = self.feed(id, Input::Stop);
            let begin = jobs::begin(Action::Stop, &name, refused);
            let job = &mut self.jobs[index];
            if let JobKind::Actions(items) = &mut job.kind {
                items[i].step = begin.step;
            }
            job.results.extend(begin.failure.map(|line| (job_slot(job, i), line)));
        }
        !release.is_empty()
    }
}

/// The reply slot of a job's `i`th item.
fn job_slot(job: &jobs::Job, i: usize) -> jobs::LineKey {
    match &job.kind {
        JobKind::Actions(items) => items[i].slot,
        JobKind::Wait { .. } => 0,
    }
}
