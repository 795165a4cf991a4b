//! Requests that only read: `status`, `pid`, `avail`. (`version` is answered in the dispatch.)

use std::time::SystemTime;

use crate::daemon::supervisor::{Process, Supervisor, epoch_seconds};
use crate::protocol::{AvailInfo, Response};

impl Supervisor {
    /// `status [NAME…]`: every process with no name.
    pub(super) fn status(&self, names: &[String]) -> Response {
        let resolved = if names.is_empty() { self.resolve(&["all".to_string()]) } else { self.resolve(names) };
        let processes = resolved
            .ids
            .iter()
            .filter_map(|id| {
                let mut info = self.processes.get(id).map(Process::info)?;
                (info.health, info.status_text) = self.monitor_view(*id);
                Some(info)
            })
            .collect();
        Response::Status { now: epoch_seconds(SystemTime::now()), processes, unknown: resolved.unknown }
    }

    /// `pid [NAME…]`: the daemon's own with no name.
    pub(super) fn pids(&self, names: &[String]) -> Response {
        if names.is_empty() {
            return Response::DaemonPid { pid: std::process::id() };
        }
        let resolved = self.resolve(names);
        let pids = resolved
            .ids
            .iter()
            .filter_map(|id| self.processes.get(id))
            .map(|p| (p.config.qualified_name(), p.state.pid()))
            .collect();
        Response::Pids { pids, unknown: resolved.unknown }
    }

    /// `avail`: every process of the config file, and whether it is active.
    pub(super) fn avail(&self) -> Response {
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
}
