//! Requests that only read: `status`, `pid`, `avail`. (`version` is answered in the dispatch.)

use std::time::SystemTime;

use crate::daemon::supervisor::{Process, Supervisor, epoch_seconds};
use crate::protocol::{AvailInfo, Response};

impl Supervisor {
    /// `status [NAME…]`: every process with no name or with `all` among the names (the other
    /// names then go unchecked, as in supervisorctl); else each name's processes in the order
    /// of the names.
    pub(super) fn status(&self, names: &[String]) -> Response {
        let names = if names.is_empty() || names.iter().any(|n| n == "all") { &["all".to_string()][..] } else { names };
        let mut processes = Vec::new();
        let mut unknown = Vec::new();
        for m in self.resolve_each(names) {
            if m.ids.is_empty() && m.name != "all" {
                unknown.push(m.name);
            }
            processes.extend(m.ids.iter().filter_map(|id| {
                let mut info = self.processes.get(id).map(Process::info)?;
                (info.health, info.status_text) = self.monitor_view(*id);
                Some(info)
            }));
        }
        Response::Status { now: epoch_seconds(SystemTime::now()), processes, unknown }
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

    /// `avail`: every process of the config file (read now; the active configuration if the
    /// file is broken), and whether it is active, as supervisord lists the groups it last read.
    pub(super) fn avail(&self) -> Response {
        let file = crate::config::load(&self.config.source).ok();
        let config = file.as_ref().unwrap_or(&self.config);
        let mut programs: Vec<AvailInfo> = config
            .processes()
            .map(|p| AvailInfo {
                name: p.qualified_name(),
                group: p.group.clone(),
                in_use: self.processes.values().any(|q| q.config.name == p.name && q.config.group == p.group),
                autostart: p.autostart,
                priority: p.priority,
            })
            .collect();
        programs.sort_by(|a, b| a.name.cmp(&b.name));
        Response::Avail { programs }
    }
}
