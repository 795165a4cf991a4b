//! Requests that change the configuration live: reread, update (and SIGHUP), add, remove,
//! reload.
//!
//! The config file is read and validated in full before anything changes, so a broken file
//! changes nothing. The difference is planned per group by the pure `config::diff`, as
//! supervisord does, and carried out here: unchanged groups keep running with their pids; a
//! changed group's processes are stopped and replaced by fresh ones (started if autostart); a
//! removed group's are stopped and dropped. The answers are supervisorctl's lines.

use log::{error, info, warn};

use super::{ClientId, Handled, failure};
use crate::config::diff::{self, GroupChangeKind, Plan, ProcessChange};
use crate::config::{self, Config, ProcessConfig};
use crate::daemon::events::types::Event;
use crate::daemon::jobs::{ActionItem, AfterStop, JobKind, Step, failed as process_error, ok as process_result};
use crate::daemon::process_state::Input;
use crate::daemon::startup;
use crate::daemon::supervisor::{Mode, ProcessId, Supervisor};
use crate::protocol::{ErrorKind as ProtoError, ProcessResult, ProcessState, Response};

impl Supervisor {
    /// The config file as it is now, or every error in it.
    fn load_file_config(&self) -> Result<Config, String> {
        let mut new = config::load(&self.config.source).map_err(|errors| errors.to_string())?;
        config::overrides::apply_installed(&mut new.daemon);
        Ok(new)
    }

    /// `reread`: what an update would do (`GROUP: available|changed|disappeared`, by name),
    /// changing nothing.
    pub(super) fn reread(&self) -> Response {
        let new = match self.load_file_config() {
            Ok(new) => new,
            Err(message) => return Response::Error { kind: ProtoError::Failed, message },
        };
        let plan = diff::plan(&self.config, &new, None);
        if plan.is_empty() {
            return Response::Done { message: "No config updates to processes".to_string() };
        }
        let mut groups = plan.groups.clone();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut results: Vec<ProcessResult> =
            groups.iter().map(|(name, kind)| process_result(name, kind.reread_word())).collect();
        results.extend(daemon_lines(&plan));
        Response::Results { results }
    }

    /// `update [GROUP…]` and SIGHUP: applies the file's changes, answering supervisorctl's lines
    /// (`GROUP: stopped` before `removed process group` or `updated process group`, then
    /// `added process group`) once every stop the change needs has happened.
    pub(super) fn update(&mut self, reply_to: Option<ClientId>, names: &[String]) -> Handled {
        if let Some(message) = self.busy_reason() {
            return Handled::Reply(failure(message));
        }
        let new = match self.load_file_config() {
            Ok(new) => new,
            Err(message) => {
                error!("the config file has errors; nothing changed:\n{message}");
                return Handled::Reply(failure(message));
            }
        };
        let only = if names.is_empty() || names.iter().any(|n| n == "all") { None } else { Some(names) };
        let plan = diff::plan(&self.config, &new, only);
        let mut results: Vec<ProcessResult> = plan
            .unknown
            .iter()
            .map(|n| process_error(n, &format!("no such group: {n}"), ProtoError::NoSuchGroup))
            .collect();
        for (name, kind) in &plan.groups {
            if *kind != GroupChangeKind::Added {
                results.push(process_result(name, "stopped"));
            }
            let message = match kind {
                GroupChangeKind::Added => "added process group",
                GroupChangeKind::Changed => "updated process group",
                GroupChangeKind::Removed => "removed process group",
            };
            info!("update: {name}: {message}");
            results.push(process_result(name, message));
        }
        results.extend(daemon_lines(&plan));
        if plan.is_empty() {
            return Handled::Reply(Response::Results { results });
        }
        let merged = diff::merge(&self.config, &new, only);
        if only.is_none() {
            self.apply_daemon_settings(&plan, &merged);
        }
        self.config = merged;
        self.events.configure(&self.config);
        self.arm_ticks();
        let items = self.apply_plan(&plan);
        let results = results.into_iter().enumerate().map(|(i, r)| (i as u64, r)).collect();
        self.new_job(reply_to, JobKind::Actions(items), results);
        self.settle_jobs();
        Handled::Later
    }

    /// `add GROUP…`: activates groups of the config file that are not active.
    pub(super) fn add(&mut self, names: &[String]) -> Response {
        if let Some(message) = self.busy_reason() {
            return Response::Error { kind: ProtoError::Failed, message };
        }
        let new = match self.load_file_config() {
            Ok(new) => new,
            Err(message) => return Response::Error { kind: ProtoError::Failed, message },
        };
        let mut results = Vec::new();
        for name in names {
            if self.config.groups().any(|p| p.group == *name) {
                results.push(process_error(name, "process group already active", ProtoError::AlreadyAdded));
                continue;
            }
            let pool = new.event_listeners.iter().find(|l| l.pool.group == *name);
            let programs: Vec<_> = new.groups().filter(|p| p.group == *name).cloned().collect();
            if programs.is_empty() {
                let message = format!("no such process/group: {name}");
                results.push(process_error(name, &message, ProtoError::NoSuchProcess));
                continue;
            }
            let processes: Vec<ProcessConfig> = programs.iter().flat_map(|p| p.processes.iter().cloned()).collect();
            if let Some(clash) = processes.iter().find(|p| self.find_process(&p.name).is_some()) {
                let message = format!("process name '{}' is already in use", clash.name);
                results.push(process_error(name, &message, ProtoError::Failed));
                continue;
            }
            self.config
                .programs
                .extend(programs.iter().filter(|p| pool.is_none_or(|l| l.pool.name != p.name)).cloned());
            if let Some(pool) = pool {
                self.config.event_listeners.push(pool.clone());
                self.events.configure(&self.config);
                self.arm_ticks();
            }
            for process in processes {
                let autostart = process.autostart;
                let id = self.insert_process(process);
                if autostart {
                    self.start_when_ready(id);
                }
            }
            info!("add: {name}: added process group");
            results.push(process_result(name, "added process group"));
        }
        Response::Results { results }
    }

    /// `remove GROUP…`: drops stopped groups from the active configuration.
    pub(super) fn remove(&mut self, names: &[String]) -> Response {
        let mut results = Vec::new();
        for name in names {
            if !self.config.groups().any(|p| p.group == *name) {
                let message = format!("no such process/group: {name}");
                results.push(process_error(name, &message, ProtoError::NoSuchProcess));
                continue;
            }
            let ids: Vec<ProcessId> =
                self.processes.iter().filter(|(_, p)| p.config.group == *name).map(|(id, _)| *id).collect();
            // supervisord's get_unstopped_processes: anything not STOPPED, EXITED or FATAL.
            let unstopped = |state: ProcessState| {
                !matches!(state, ProcessState::Stopped | ProcessState::Exited | ProcessState::Fatal)
            };
            if ids.iter().any(|id| unstopped(self.processes[id].public_state())) {
                let message = format!("process/group still running: {name}");
                results.push(process_error(name, &message, ProtoError::Failed));
                continue;
            }
            for id in ids {
                self.remove_process(id);
            }
            self.config.programs.retain(|p| p.group != *name);
            let pools = self.config.event_listeners.len();
            self.config.event_listeners.retain(|l| l.pool.group != *name);
            if self.config.event_listeners.len() != pools {
                self.events.configure(&self.config);
                self.arm_ticks();
            }
            info!("remove: {name}: removed process group");
            results.push(process_result(name, "removed process group"));
        }
        Response::Results { results }
    }

    /// The `reload` action: checks the file, then stops everything; [`Self::finish_reload`]
    /// takes the new configuration once nothing runs.
    pub(super) fn begin_reload(&mut self, client: ClientId) -> Handled {
        if let Some(message) = self.busy_reason() {
            return Handled::Reply(failure(message));
        }
        match self.load_file_config() {
            Err(message) => Handled::Reply(failure(message)),
            Ok(new) => {
                warn!("reload requested: stopping all processes, then restarting with {}", new.source.display());
                self.emit(Event::supervisor_state(false));
                self.mode = Mode::Reloading { config: Box::new(new), reply_to: Some(client) };
                Handled::Later
            }
        }
    }

    /// The second half of `reload`, once nothing runs: the new configuration replaces the old.
    pub fn finish_reload(&mut self) {
        let Mode::Reloading { config, reply_to } = std::mem::replace(&mut self.mode, Mode::Serving) else { return };
        let plan = diff::plan(&self.config, &config, None);
        for line in daemon_lines(&plan) {
            warn!("reload: {}: {}", line.name, line.message);
        }
        // As supervisord, which starts afresh: new pools (their serials from 0), but the global
        // serial goes on.
        self.events.pools.clear();
        let ids: Vec<ProcessId> = self.processes.keys().copied().collect();
        for id in ids {
            self.remove_process(id);
        }
        self.apply_daemon_settings(&plan, &config);
        self.config = *config;
        self.events.configure(&self.config);
        self.reset_listener_grace();
        let processes: Vec<ProcessConfig> = self.config.processes().cloned().collect();
        for process in processes {
            self.insert_process(process);
        }
        info!("reload: configuration reloaded");
        self.autostart();
        self.reply(reply_to, Response::Done { message: "Restarted taskmasterd".to_string() });
    }

    /// The process `name` of `group`.
    fn find_in_group(&self, group: &str, name: &str) -> Option<ProcessId> {
        self.processes.iter().find(|(_, p)| p.config.group == group && p.config.name == name).map(|(id, _)| *id)
    }

    /// A fresh process with `config` in place of `id` (its history goes with it, as a group
    /// supervisord adds again starts with none), started if autostart.
    pub fn renew_process(&mut self, id: ProcessId, config: ProcessConfig) {
        self.remove_process(id);
        let autostart = config.autostart;
        let id = self.insert_process(config);
        if autostart {
            self.start_when_ready(id);
        }
    }

    /// Carries out a plan's process changes; returns the stops still to wait for.
    fn apply_plan(&mut self, plan: &Plan) -> Vec<ActionItem> {
        let mut items = Vec::new();
        for change in &plan.processes {
            let existing = self.find_in_group(change.group(), change.name());
            let running = existing.is_some_and(|id| self.processes[&id].public_state().is_running());
            let name = change.name().to_string();
            let then = match (change, existing) {
                (ProcessChange::Add(config), _) => {
                    let autostart = config.autostart;
                    let id = self.insert_process(config.clone());
                    if autostart {
                        self.start_when_ready(id);
                    }
                    continue;
                }
                (ProcessChange::Renew(config), None) => {
                    self.insert_process(config.clone());
                    continue;
                }
                (_, None) => continue,
                (ProcessChange::Renew(config), Some(id)) if !running => {
                    self.renew_process(id, config.clone());
                    continue;
                }
                (ProcessChange::Remove { .. }, Some(id)) if !running => {
                    self.remove_process(id);
                    continue;
                }
                (ProcessChange::Renew(config), Some(_)) => AfterStop::Replace(Box::new(config.clone())),
                (ProcessChange::Remove { .. }, Some(_)) => AfterStop::Remove,
            };
            let id = existing.expect("matched above");
            if !self.take_over(id) {
                continue;
            }
            self.feed(id, Input::Stop);
            items.push(ActionItem { id, name, slot: 0, step: Step::AwaitStopped { then }, report: false });
        }
        items
    }

    /// Carries out the plan's daemon settings that apply live ([`diff::LIVE_DAEMON_SETTINGS`]).
    fn apply_daemon_settings(&mut self, plan: &Plan, new: &Config) {
        let changed = |setting: &str| plan.daemon_applied.contains(&setting);
        let new = &new.daemon;
        if changed("loglevel")
            && let Some(logger) = &self.logger
        {
            logger
                .set_new_spec(flexi_logger::LogSpecification::builder().default(new.loglevel.as_log_filter()).build());
        }
        if changed("logfile") || changed("logfile_maxbytes") || changed("logfile_backups") {
            self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).configure(new);
        }
        if changed("umask") {
            nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(new.umask as nix::libc::mode_t));
        }
        if changed("minfds")
            && let Err(e) = startup::ensure_min_fds(new.minfds)
        {
            error!("{e:#}");
        }
        // environment and childlogdir are read at each spawn.
    }

    /// SIGHUP: an update of every program, answered in the log.
    pub fn sighup(&mut self) {
        info!("received SIGHUP indicating a config update request");
        // Nobody to answer: a broken file is logged by `update` itself.
        self.notify_reload_around(|supervisor| {
            let _ = supervisor.update(None, &[]);
        });
    }
}

/// `taskmasterd: pidfile changed (needs a restart)` lines for daemon settings.
fn daemon_lines(plan: &Plan) -> Vec<ProcessResult> {
    let applied = plan.daemon_applied.iter().map(|s| process_result("taskmasterd", &format!("{s} changed (applied)")));
    let restart = plan
        .daemon_needs_restart
        .iter()
        .map(|s| process_result("taskmasterd", &format!("{s} changed (needs a daemon restart)")));
    applied.chain(restart).collect()
}
