//! The reload plan: what must happen to go from the running configuration to a new one, per
//! process. Pure, so every case is unit-tested without a daemon.
//!
//! A process is identified by its name. It is restarted only when a setting the running child
//! was started with changed (its command, environment, directory, umask, user, or how its
//! output pipes are laid out, or whether it has a notify socket and watchdog); anything else
//! (priority, group, autostart, timings, signals, log files, health checks, dependencies) is
//! applied to it as it runs.

use std::collections::BTreeSet;

use super::{Config, DaemonConfig, ProcessConfig, ProgramConfig};

#[derive(Debug, Clone, PartialEq)]
pub enum ProcessChange {
    /// A new process: create it, and start it if autostart.
    Add(ProcessConfig),
    /// Gone from the config: stop it, then drop it.
    Remove(String),
    /// A setting of the running child changed: stop it, then start it again with this config.
    Restart(ProcessConfig),
    /// Only settings the daemon applies itself changed: take them without a restart.
    Retune(ProcessConfig),
}

impl ProcessChange {
    pub fn name(&self) -> &str {
        match self {
            ProcessChange::Add(p) | ProcessChange::Restart(p) | ProcessChange::Retune(p) => &p.name,
            ProcessChange::Remove(name) => name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramChangeKind {
    Added,
    Changed,
    Removed,
}

impl ProgramChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProgramChangeKind::Added => "added",
            ProgramChangeKind::Changed => "changed",
            ProgramChangeKind::Removed => "removed",
        }
    }
}

/// The plan for a reload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// One entry per program that changes, in the new config's order, then the removed ones.
    pub programs: Vec<(String, ProgramChangeKind)>,
    pub processes: Vec<ProcessChange>,
    /// Daemon settings that changed and are applied live.
    pub daemon_applied: Vec<&'static str>,
    /// Daemon settings that changed but take effect only when the daemon restarts.
    pub daemon_needs_restart: Vec<&'static str>,
    /// Requested names that are neither a program nor a group, old or new.
    pub unknown: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty() && self.daemon_applied.is_empty() && self.daemon_needs_restart.is_empty()
    }
}

/// Whether the child started with `old` differs from one started with `new`.
pub fn needs_restart(old: &ProcessConfig, new: &ProcessConfig) -> bool {
    old.command != new.command
        || old.environment != new.environment
        || old.directory != new.directory
        || old.umask != new.umask
        || old.user != new.user
        || old.redirect_stderr != new.redirect_stderr
        // NOTIFY_SOCKET and WATCHDOG_USEC are in the child's environment.
        || old.health.uses_notify_socket() != new.health.uses_notify_socket()
        || old.health.watchdog != new.health.watchdog
}

fn selected(program: &ProgramConfig, only: Option<&[String]>) -> bool {
    only.is_none_or(|names| names.iter().any(|n| *n == program.name || *n == program.group || *n == "all"))
}

/// Plans the move from `old` to `new`, for every program, or only for the programs (or groups)
/// named in `only`. Daemon-wide settings are compared only when every program is concerned.
pub fn plan(old: &Config, new: &Config, only: Option<&[String]>) -> Plan {
    let mut plan = Plan::default();
    if let Some(names) = only {
        let known: BTreeSet<&str> =
            old.groups().chain(new.groups()).flat_map(|p| [p.name.as_str(), p.group.as_str()]).chain(["all"]).collect();
        plan.unknown = names.iter().filter(|n| !known.contains(n.as_str())).cloned().collect();
    }
    let old_process = |name: &str| old.processes().find(|p| p.name == name);
    for program in new.groups().filter(|p| selected(p, only)) {
        let mut kind = None;
        let was_present = old.groups().any(|p| p.name == program.name);
        for process in &program.processes {
            let change = match old_process(&process.name) {
                None => Some(ProcessChange::Add(process.clone())),
                Some(before) if needs_restart(before, process) => Some(ProcessChange::Restart(process.clone())),
                Some(before) if before != process => Some(ProcessChange::Retune(process.clone())),
                Some(_) => None,
            };
            if let Some(change) = change {
                plan.processes.push(change);
                kind = Some(if was_present { ProgramChangeKind::Changed } else { ProgramChangeKind::Added });
            }
        }
        // Processes of this program that are no longer in it (numprocs lowered, renamed).
        if let Some(before) = old.groups().find(|p| p.name == program.name) {
            for gone in before.processes.iter().filter(|p| !program.processes.iter().any(|q| q.name == p.name)) {
                if !new.processes().any(|q| q.name == gone.name) {
                    plan.processes.push(ProcessChange::Remove(gone.name.clone()));
                    kind = Some(ProgramChangeKind::Changed);
                }
            }
        }
        if let Some(kind) = kind {
            plan.programs.push((program.name.clone(), kind));
        }
    }
    for program in old.groups().filter(|p| selected(p, only)) {
        if new.groups().any(|p| p.name == program.name) {
            continue;
        }
        for process in &program.processes {
            if !new.processes().any(|q| q.name == process.name) {
                plan.processes.push(ProcessChange::Remove(process.name.clone()));
            }
        }
        plan.programs.push((program.name.clone(), ProgramChangeKind::Removed));
    }
    // A pool whose subscriptions or buffer changed is changed even when its processes are not:
    // the daemon takes the new settings as the pool runs.
    for pool in new.event_listeners.iter().filter(|l| selected(&l.pool, only)) {
        let name = &pool.pool.name;
        if let Some(before) = old.event_listeners.iter().find(|l| l.pool.name == *name)
            && (before.events != pool.events || before.buffer_size != pool.buffer_size)
            && !plan.programs.iter().any(|(n, _)| n == name)
        {
            plan.programs.push((name.clone(), ProgramChangeKind::Changed));
        }
    }
    if only.is_none() {
        compare_daemon(old, new, &mut plan);
    }
    plan
}

/// The daemon settings that take effect without a restart: the one list that both this plan
/// and the daemon's reload (which carries each of them out) read.
pub const LIVE_DAEMON_SETTINGS: &[&str] = &[
    "logfile",
    "logfile_maxbytes",
    "logfile_backups",
    "loglevel",
    "umask",
    "environment",
    "childlogdir",
    "minfds",
    "exit_when_all_fatal",
    "exit_with_program",
    // Read at start-up only: nothing to apply, nothing to restart for.
    "nocleanup",
];

fn compare_daemon(old: &Config, new: &Config, plan: &mut Plan) {
    let (a, b): (&DaemonConfig, &DaemonConfig) = (&old.daemon, &new.daemon);
    let mut check = |changed: bool, name: &'static str| {
        if changed {
            if LIVE_DAEMON_SETTINGS.contains(&name) {
                plan.daemon_applied.push(name)
            } else {
                plan.daemon_needs_restart.push(name)
            }
        }
    };
    check(old.unix_server.file != new.unix_server.file, "unix_server file");
    check(old.unix_server.chmod != new.unix_server.chmod, "unix_server chmod");
    check(old.unix_server.chown != new.unix_server.chown, "unix_server chown");
    check(a.logfile != b.logfile || a.syslog != b.syslog, "logfile");
    check(a.logfile_maxbytes != b.logfile_maxbytes, "logfile_maxbytes");
    check(a.logfile_backups != b.logfile_backups, "logfile_backups");
    check(a.loglevel != b.loglevel, "loglevel");
    check(a.pidfile != b.pidfile, "pidfile");
    check(a.umask != b.umask, "umask");
    check(a.user != b.user, "user");
    check(a.directory != b.directory, "directory");
    check(a.environment != b.environment, "environment");
    check(a.childlogdir != b.childlogdir, "childlogdir");
    check(a.nodaemon != b.nodaemon, "nodaemon");
    check(a.silent != b.silent, "silent");
    check(a.minfds != b.minfds, "minfds");
    check(a.exit_when_all_fatal != b.exit_when_all_fatal, "exit_when_all_fatal");
    check(a.nocleanup != b.nocleanup, "nocleanup");
    check(a.exit_with_program != b.exit_with_program, "exit_with_program");
}

/// The active configuration after applying `plan`'s programs from `new` onto `old`: the
/// selected programs (and, for a full update, the daemon settings) come from `new`.
pub fn merge(old: &Config, new: &Config, only: Option<&[String]>) -> Config {
    let mut merged = if only.is_none() { new.clone() } else { old.clone() };
    if let Some(_names) = only {
        let keep_old = |p: &ProgramConfig| !selected(p, only);
        let mut programs: Vec<ProgramConfig> = Vec::new();
        for program in &new.programs {
            if selected(program, only) {
                programs.push(program.clone());
            } else if let Some(before) = old.programs.iter().find(|p| p.name == program.name) {
                programs.push(before.clone());
            }
        }
        for before in old.programs.iter().filter(|p| keep_old(p)) {
            if !programs.iter().any(|p| p.name == before.name) {
                programs.push(before.clone());
            }
        }
        merged.programs = programs;
        // A pool is updated whole, as a program is.
        let mut pools = Vec::new();
        for pool in &new.event_listeners {
            if selected(&pool.pool, only) {
                pools.push(pool.clone());
            } else if let Some(before) = old.event_listeners.iter().find(|p| p.pool.name == pool.pool.name) {
                pools.push(before.clone());
            }
        }
        for before in old.event_listeners.iter().filter(|p| !selected(&p.pool, only)) {
            if !pools.iter().any(|p| p.pool.name == before.pool.name) {
                pools.push(before.clone());
            }
        }
        merged.event_listeners = pools;
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_str;
    use std::path::Path;

    fn config(text: &str) -> Config {
        parse_str(text, Path::new("/tmp/diff-test.toml")).unwrap_or_else(|e| panic!("{e}"))
    }

    fn names(plan: &Plan) -> Vec<String> {
        plan.processes
            .iter()
            .map(|c| {
                let kind = match c {
                    ProcessChange::Add(_) => "add",
                    ProcessChange::Remove(_) => "remove",
                    ProcessChange::Restart(_) => "restart",
                    ProcessChange::Retune(_) => "retune",
                };
                format!("{kind} {}", c.name())
            })
            .collect()
    }

    const BASE: &str = "[program.web]\ncommand = \"sleep 1\"\n\n[program.db]\ncommand = \"sleep 2\"\n";

    #[test]
    fn listener_pools_are_planned_like_programs_and_their_events_count() {
        let pool = "[eventlistener.mail]\ncommand = \"crashmail -a\"\nevents = [\"PROCESS_STATE_EXITED\"]\n";
        let with_pool = format!("{BASE}{pool}");
        let p = plan(&config(BASE), &config(&with_pool), None);
        assert_eq!(p.programs, [("mail".to_string(), ProgramChangeKind::Added)]);
        assert_eq!(names(&p), ["add mail"]);
        let more_events = with_pool.replace("\"PROCESS_STATE_EXITED\"", "\"PROCESS_STATE\"");
        let p = plan(&config(&with_pool), &config(&more_events), None);
        assert_eq!(p.programs, [("mail".to_string(), ProgramChangeKind::Changed)]);
        assert!(p.processes.is_empty(), "no process restarts for new subscriptions");
        let merged = merge(&config(&with_pool), &config(&more_events), Some(&["mail".to_string()]));
        assert_eq!(merged.event_listeners[0].events, ["PROCESS_STATE"]);
        let p = plan(&config(&with_pool), &config(BASE), None);
        assert_eq!(p.programs, [("mail".to_string(), ProgramChangeKind::Removed)]);
        assert_eq!(names(&p), ["remove mail"]);
    }

    #[test]
    fn same_config_plans_nothing() {
        let plan = plan(&config(BASE), &config(BASE), None);
        assert!(plan.is_empty(), "{plan:?}");
    }

    #[test]
    fn a_changed_command_restarts_only_that_program() {
        let new = BASE.replace("sleep 2", "sleep 3");
        let plan = plan(&config(BASE), &config(&new), None);
        assert_eq!(names(&plan), ["restart db"]);
        assert_eq!(plan.programs, [("db".to_string(), ProgramChangeKind::Changed)]);
    }

    #[test]
    fn settings_the_daemon_applies_need_no_restart() {
        let new = BASE.replace("sleep 2\"", "sleep 2\"\npriority = 5\nstopwaitsecs = 3\nautostart = false");
        let plan = plan(&config(BASE), &config(&new), None);
        assert_eq!(names(&plan), ["retune db"]);
        let new = BASE.replace("sleep 2\"", "sleep 2\"\nenvironment = { A = \"1\" }");
        assert_eq!(names(&super::plan(&config(BASE), &config(&new), None)), ["restart db"]);
    }

    #[test]
    fn added_and_removed_programs() {
        let new = "[program.web]\ncommand = \"sleep 1\"\n\n[program.cache]\ncommand = \"sleep 9\"\n";
        let plan = plan(&config(BASE), &config(new), None);
        assert_eq!(names(&plan), ["add cache", "remove db"]);
        assert_eq!(
            plan.programs,
            [("cache".to_string(), ProgramChangeKind::Added), ("db".to_string(), ProgramChangeKind::Removed)]
        );
    }

    #[test]
    fn numprocs_up_adds_only_the_new_and_down_removes_only_the_surplus() {
        let two = "[program.w]\ncommand = \"sleep 1\"\nnumprocs = 2\n";
        let four = "[program.w]\ncommand = \"sleep 1\"\nnumprocs = 4\n";
        assert_eq!(names(&plan(&config(two), &config(four), None)), ["add w_2", "add w_3"]);
        assert_eq!(names(&plan(&config(four), &config(two), None)), ["remove w_2", "remove w_3"]);
        // From 1 to 2 the name changes (w → w_0, w_1): the old process goes.
        let one = "[program.w]\ncommand = \"sleep 1\"\n";
        assert_eq!(names(&plan(&config(one), &config(two), None)), ["add w_0", "add w_1", "remove w"]);
    }

    #[test]
    fn moving_into_a_group_is_a_retune() {
        let grouped = format!("{BASE}\n[group.g]\nprograms = [\"db\"]\n");
        let plan = plan(&config(BASE), &config(&grouped), None);
        assert_eq!(names(&plan), ["retune db"]);
    }

    #[test]
    fn only_the_named_programs_or_groups_are_planned() {
        let new = BASE.replace("sleep 1", "sleep 10").replace("sleep 2", "sleep 20");
        let only = ["db".to_string(), "nosuch".to_string()];
        let plan = plan(&config(BASE), &config(&new), Some(&only));
        assert_eq!(names(&plan), ["restart db"]);
        assert_eq!(plan.unknown, ["nosuch"]);
        let merged = merge(&config(BASE), &config(&new), Some(&only));
        let commands: Vec<String> = merged.processes().map(|p| p.command.join(" ")).collect();
        assert_eq!(commands, ["sleep 1", "sleep 20"]);
    }

    #[test]
    fn daemon_settings_are_sorted_into_live_and_restart() {
        let new = format!("[taskmasterd]\nloglevel = \"debug\"\npidfile = \"/tmp/other.pid\"\n\n{BASE}");
        let plan = plan(&config(BASE), &config(&new), None);
        assert_eq!(plan.daemon_applied, ["loglevel"]);
        assert_eq!(plan.daemon_needs_restart, ["pidfile"]);
        assert!(plan.processes.is_empty());
    }
}
