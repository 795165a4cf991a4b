//! Requests that change the configuration live: reread, update (and SIGHUP), add, remove,
//! reload.
//!
//! The config file is read and validated in full before anything changes, so a broken file
//! changes nothing. The difference is planned per process by the pure `config::diff`, and
//! carried out here: unchanged processes keep running with their pid, changed ones restart,
//! retuned ones take their new settings as they run.

use log::{error, info, warn};

use super::{ClientId, Handled, failure};
use crate::config::diff::{self, Plan, ProcessChange, ProgramChangeKind};
use crate::config::{self, Config, ProcessConfig};
use crate::daemon::events::types::Event;
use crate::daemon::jobs::{ActionItem, AfterStop, JobKind, Step, failed as process_error, ok as process_result};
use crate::daemon::process_state::Input;
use crate::daemon::startup;
use crate::daemon::supervisor::{Mode, ProcessId, Supervisor};
use crate::protocol::{ErrorKind as ProtoError, ProcessResult, Response};

impl Supervisor {
    /// The config file as it is now, or every error in it.
    fn load_file_config(&self) -> Result<Config, String> {
        config::load(&self.config.source).map_err(|errors| errors.to_string())
    }

    /// `reread`: what an update would do, changing nothing.
    pub(super) fn reread(&self) -> Response {
        let new = match self.load_file_config() {
            Ok(new) => new,
            Err(message) => return Response::Error { kind: ProtoError::Failed, message },
        };
        let plan = diff::plan(&self.config, &new, None);
        if plan.is_empty() {
            return Response::Done { message: "No config updates to processes".to_string() };
        }
        let mut results: Vec<ProcessResult> =
            plan.programs.iter().map(|(name, kind)| process_result(name, kind.as_str())).collect();
        results.extend(daemon_lines(&plan));
        Response::Results { results }
    }

    /// `update [NAME…]` and SIGHUP: applies the file's changes. `reply_to` receives one line per
    /// program once every stop the change needs has happened.
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
        let only = if names.is_empty() { None } else { Some(names) };
        let plan = diff::plan(&self.config, &new, only);
        let mut results: Vec<ProcessResult> =
            plan.unknown.iter().map(|n| process_error(n, "no such process group", ProtoError::NoSuchProcess)).collect();
        for (name, kind) in &plan.programs {
            let message = match kind {
                ProgramChangeKind::Added => "added process group",
                ProgramChangeKind::Changed => "updated process group",
                ProgramChangeKind::Removed => "removed process group",
            };
            info!("update: {name}: {message}");
            results.push(process_result(name, message));
        }
        results.extend(daemon_lines(&plan));
        if plan.is_empty() && plan.unknown.is_empty() {
            return Handled::Reply(Response::Done { message: "No config updates to processes".to_string() });
        }
        let merged = diff::merge(&self.config, &new, only);
        if only.is_none() {
            self.apply_daemon_settings(&plan, &merged);
        }
        self.config = merged;
        self.events.configure(&self.config);
        self.arm_ticks();
        let items = self.apply_plan(&plan);
        self.new_job(reply_to, JobKind::Actions(items), results);
        self.settle_jobs();
        Handled::Later
    }

    /// `add NAME…`: activates programs of the config file that are not active.
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
            let active = self.config.groups().any(|p| p.name == *name);
            let pool = new.event_listeners.iter().find(|l| l.pool.name == *name);
            let Some(program) = new.programs.iter().find(|p| p.name == *name).or(pool.map(|l| &l.pool)) else {
                let kind = if active { ProtoError::Failed } else { ProtoError::NoSuchProcess };
                results.push(process_error(name, "no such process group in the config file", kind));
                continue;
            };
            if active {
                results.push(process_error(name, "already active", ProtoError::Failed));
                continue;
            }
            if let Some(clash) = program.processes.iter().find(|p| self.find_process(&p.name).is_some()) {
                let message = format!("process name '{}' is already in use", clash.name);
                results.push(process_error(name, &message, ProtoError::Failed));
                continue;
            }
            let program = program.clone();
            match pool {
                Some(pool) => {
                    self.config.event_listeners.push(pool.clone());
                    self.events.configure(&self.config);
                    self.arm_ticks();
                }
                None => self.config.programs.push(program.clone()),
            }
            for process in &program.processes {
                let id = self.insert_process(process.clone());
                if process.autostart {
                    self.start_when_ready(id);
                }
            }
            info!("add: {name}: added process group");
            results.push(process_result(name, "added process group"));
        }
        Response::Results { results }
    }

    /// `remove NAME…`: drops stopped programs from the active configuration.
    pub(super) fn remove(&mut self, names: &[String]) -> Response {
        let mut results = Vec::new();
        for name in names {
            let program = self.config.programs.iter().position(|p| p.name == *name);
            let pool = self.config.event_listeners.iter().position(|l| l.pool.name == *name);
            if program.is_none() && pool.is_none() {
                results.push(process_error(name, "no such process group", ProtoError::NoSuchProcess));
                continue;
            }
            let ids: Vec<ProcessId> =
                self.processes.iter().filter(|(_, p)| p.config.program == *name).map(|(id, _)| *id).collect();
            if ids.iter().any(|id| self.processes[id].public_state().is_running()) {
                results.push(process_error(name, "process group still running; stop it first", ProtoError::Failed));
                continue;
            }
            for id in ids {
                self.remove_process(id);
            }
            if let Some(index) = program {
                self.config.programs.remove(index);
            }
            if let Some(index) = pool {
                self.config.event_listeners.remove(index);
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

    /// Carries out a plan's process changes; returns the stops still to wait for.
    fn apply_plan(&mut self, plan: &Plan) -> Vec<ActionItem> {
        let mut items = Vec::new();
        for change in &plan.processes {
            let existing = self.find_process(change.name());
            let running = existing.is_some_and(|id| self.processes[&id].public_state().is_running());
            let name = change.name().to_string();
            match (change, existing) {
                (ProcessChange::Add(config), None) => {
                    let id = self.insert_process(config.clone());
                    if config.autostart {
                        self.start_when_ready(id);
                    }
                }
                (ProcessChange::Add(config) | ProcessChange::Retune(config), Some(id)) => {
                    self.replace_config(id, config.clone());
                }
                (ProcessChange::Restart(config), Some(id)) if running => {
                    self.take_over(id);
                    self.feed(id, Input::Stop);
                    let then = AfterStop::Replace(Box::new(config.clone()));
                    items.push(ActionItem { id, name, step: Step::AwaitStopped { then }, report: false });
                }
                (ProcessChange::Restart(config), Some(id)) => {
                    self.replace_config(id, config.clone());
                    if config.autostart {
                        self.start_when_ready(id);
                    }
                }
                (ProcessChange::Remove(_), Some(id)) if running => {
                    if !self.take_over(id) {
                        continue;
                    }
                    self.feed(id, Input::Stop);
                    items.push(ActionItem {
                        id,
                        name,
                        step: Step::AwaitStopped { then: AfterStop::Remove },
                        report: false,
                    });
                }
                (ProcessChange::Remove(_), Some(id)) => self.remove_process(id),
                (ProcessChange::Restart(config), None) | (ProcessChange::Retune(config), None) => {
                    self.insert_process(config.clone());
                }
                (ProcessChange::Remove(_), None) => {}
            }
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
