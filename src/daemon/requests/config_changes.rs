//! Live reconfiguration: reread, update (and SIGHUP), add, remove, reload.
//!
//! The config file is read and validated in full before anything changes, so a broken file
//! changes nothing. The difference is planned per process by the pure `config::diff`, and
//! carried out here: unchanged processes keep running with their pid, changed ones restart,
//! retuned ones take their new settings as they run.

use log::{error, info, warn};

use super::{
    ActionItem, AfterStop, Job, JobKind, Mode, Process, ProcessId, Step, Supervisor, process_error, process_result,
};
use crate::config::diff::{self, Plan, ProcessChange, ProgramChangeKind};
use crate::config::{self, Config, ProcessConfig};
use crate::daemon::child_output::RotatingFile;
use crate::daemon::process_state::Input;
use crate::protocol::{ErrorKind as ProtoError, ProcessResult, Response};

impl Supervisor {
    /// The config file as it is now, or every error in it.
    fn load_file_config(&self) -> Result<Config, String> {
        config::load(&self.config.source).map_err(|errors| errors.to_string())
    }

    pub(super) fn find_process(&self, name: &str) -> Option<ProcessId> {
        self.processes.iter().find(|(_, p)| p.config.name == name).map(|(id, _)| *id)
    }

    pub(super) fn insert_process(&mut self, config: ProcessConfig) -> ProcessId {
        let id = ProcessId(self.next_process);
        self.next_process += 1;
        self.processes.insert(id, Process::new(config));
        id
    }

    /// New settings for a process, kept in its current state; its log files follow.
    pub(super) fn replace_config(&mut self, id: ProcessId, config: ProcessConfig) {
        let Some(p) = self.processes.get_mut(&id) else { return };
        let logs_changed = p.config.stdout != config.stdout || p.config.stderr != config.stderr;
        p.config = config;
        if logs_changed {
            p.stdout_log = super::channel_log(&p.config.stdout);
            p.stderr_log = super::channel_log(&p.config.stderr);
        }
    }

    pub(super) fn remove_process(&mut self, id: ProcessId) {
        self.release_followers(id, "was removed from the configuration");
        if let Some(p) = self.processes.remove(&id)
            && let Some(timer) = p.timer
        {
            self.timers.cancel(timer);
        }
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
    pub(super) fn update(&mut self, reply_to: Option<usize>, names: &[String]) {
        if let Some(message) = self.busy_reason() {
            return self.reply(reply_to, Response::Error { kind: ProtoError::Failed, message });
        }
        let new = match self.load_file_config() {
            Ok(new) => new,
            Err(message) => {
                error!("the config file has errors; nothing changed:\n{message}");
                return self.reply(reply_to, Response::Error { kind: ProtoError::Failed, message });
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
            return self.reply(reply_to, Response::Done { message: "No config updates to processes".to_string() });
        }
        let merged = diff::merge(&self.config, &new, only);
        if only.is_none() {
            self.apply_daemon_settings(&merged);
        }
        self.config = merged;
        let items = self.apply_plan(&plan);
        self.start_silent_job(reply_to, items, results);
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
            let active = self.config.programs.iter().any(|p| p.name == *name);
            let Some(program) = new.programs.iter().find(|p| p.name == *name) else {
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
            self.config.programs.push(program.clone());
            for process in &program.processes {
                let id = self.insert_process(process.clone());
                if process.autostart {
                    self.feed(id, Input::Start);
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
            let Some(index) = self.config.programs.iter().position(|p| p.name == *name) else {
                results.push(process_error(name, "no such process group", ProtoError::NoSuchProcess));
                continue;
            };
            let ids: Vec<ProcessId> =
                self.processes.iter().filter(|(_, p)| p.config.program == *name).map(|(id, _)| *id).collect();
            if ids.iter().any(|id| self.processes[id].public_state().is_running()) {
                results.push(process_error(name, "process group still running; stop it first", ProtoError::Failed));
                continue;
            }
            for id in ids {
                self.remove_process(id);
            }
            self.config.programs.remove(index);
            info!("remove: {name}: removed process group");
            results.push(process_result(name, "removed process group"));
        }
        Response::Results { results }
    }

    /// The `reload` action: checks the file, then stops everything; [`Self::finish_reload`]
    /// takes the new configuration once nothing runs.
    pub(super) fn begin_reload(&mut self, key: usize) {
        if let Some(message) = self.busy_reason() {
            return self.reply(Some(key), Response::Error { kind: ProtoError::Failed, message });
        }
        match self.load_file_config() {
            Err(message) => self.reply(Some(key), Response::Error { kind: ProtoError::Failed, message }),
            Ok(new) => {
                warn!("reload requested: stopping all processes, then restarting with {}", new.source.display());
                self.mode = Mode::Reloading { config: Box::new(new), reply_to: Some(key) };
                if let Some(client) = self.clients.get_mut(&key) {
                    client.busy = true;
                }
            }
        }
    }

    pub(super) fn finish_reload(&mut self) {
        let Mode::Reloading { config, reply_to } = std::mem::replace(&mut self.mode, Mode::Serving) else { return };
        let plan = diff::plan(&self.config, &config, None);
        for line in daemon_lines(&plan) {
            warn!("reload: {}: {}", line.name, line.message);
        }
        let ids: Vec<ProcessId> = self.processes.keys().copied().collect();
        for id in ids {
            self.remove_process(id);
        }
        self.apply_daemon_settings(&config);
        self.config = *config;
        let processes: Vec<ProcessConfig> = self.config.processes().cloned().collect();
        for process in processes {
            self.insert_process(process);
        }
        info!("reload: configuration reloaded");
        self.autostart();
        if let Some(key) = reply_to {
            if let Some(client) = self.clients.get_mut(&key) {
                client.busy = false;
            }
            self.reply(Some(key), Response::Done { message: "Restarted taskmasterd".to_string() });
            self.process_requests(key);
            self.update_client_interest(key);
        }
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
                        self.feed(id, Input::Start);
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
                        self.feed(id, Input::Start);
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

    fn start_silent_job(&mut self, reply_to: Option<usize>, items: Vec<ActionItem>, results: Vec<ProcessResult>) {
        let id = self.next_job;
        self.next_job += 1;
        self.jobs.push(Job { id, reply_to, kind: JobKind::Actions(items), results });
        if let Some(client) = reply_to.and_then(|key| self.clients.get_mut(&key)) {
            client.busy = true;
        }
        self.settle_jobs();
    }

    fn reply(&mut self, reply_to: Option<usize>, response: Response) {
        if let Some(key) = reply_to {
            self.send(key, &response);
        }
    }

    /// Applies the daemon settings that can change while it runs.
    fn apply_daemon_settings(&mut self, new: &Config) {
        let (old, new) = (&self.config.daemon, &new.daemon);
        if old.loglevel != new.loglevel
            && let Some(logger) = &self.logger
        {
            logger
                .set_new_spec(flexi_logger::LogSpecification::builder().default(new.loglevel.as_log_filter()).build());
        }
        if old.logfile != new.logfile
            || old.logfile_maxbytes != new.logfile_maxbytes
            || old.logfile_backups != new.logfile_backups
        {
            let file =
                new.logfile.as_ref().map(|p| RotatingFile::new(p.clone(), new.logfile_maxbytes, new.logfile_backups));
            self.activity_log.lock().unwrap_or_else(|e| e.into_inner()).set_file(file);
        }
        if old.umask != new.umask {
            nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(new.umask as nix::libc::mode_t));
        }
        if old.minfds != new.minfds
            && let Err(e) = crate::daemon::lifecycle::ensure_min_fds(new.minfds)
        {
            error!("{e:#}");
        }
    }

    /// SIGHUP: an update of every program, answered in the log.
    pub(super) fn sighup(&mut self) {
        info!("received SIGHUP indicating a config update request");
        self.update(None, &[]);
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
