//! The reload plan: what must happen to go from the active configuration to a new one. Pure,
//! so every case is unit-tested without a daemon.
//!
//! The unit is the group, as in supervisord: a group is added, removed, or changed when any
//! setting of any of its programs differs (priority and stopsignal included), and a changed
//! group is replaced as a whole: each of its processes is stopped and replaced by a fresh one
//! with the new settings, started if autostart, exactly as supervisorctl's `update` does
//! (stop the group, remove it, add it again). Finer precision (restarting only the processes
//! whose command changed) would show different pids, states and descriptions than supervisord
//! after the same `update`, so it is not kept. Groups not named in a partial update are left
//! as they are. An event listener pool is a group of its own, changed also when its
//! subscriptions or buffer change, as supervisord's pools are.

use super::{Config, DaemonConfig, EventListenerConfig, ProcessConfig, ProgramConfig};

#[derive(Debug, Clone, PartialEq)]
pub enum ProcessChange {
    /// A process of an added or changed group that did not exist: create it, start it if
    /// autostart.
    Add(ProcessConfig),
    /// A process (group, name) of a removed or changed group that goes: stop it, then drop it.
    Remove { group: String, name: String },
    /// A process of a changed group that stays: stop it, then a fresh process with these
    /// settings takes its place, started if autostart.
    Renew(ProcessConfig),
}

impl ProcessChange {
    pub fn name(&self) -> &str {
        match self {
            ProcessChange::Add(p) | ProcessChange::Renew(p) => &p.name,
            ProcessChange::Remove { name, .. } => name,
        }
    }

    pub fn group(&self) -> &str {
        match self {
            ProcessChange::Add(p) | ProcessChange::Renew(p) => &p.group,
            ProcessChange::Remove { group, .. } => group,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupChangeKind {
    Added,
    Changed,
    Removed,
}

impl GroupChangeKind {
    /// `reread`'s word for it, as supervisorctl's.
    pub fn reread_word(self) -> &'static str {
        match self {
            GroupChangeKind::Added => "available",
            GroupChangeKind::Changed => "changed",
            GroupChangeKind::Removed => "disappeared",
        }
    }
}

/// The plan for a reload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// The groups that change, in the order `update` acts on them (supervisorctl's): the
    /// removed ones, then the changed ones, then the added ones.
    pub groups: Vec<(String, GroupChangeKind)>,
    pub processes: Vec<ProcessChange>,
    /// Daemon settings that changed and are applied live.
    pub daemon_applied: Vec<&'static str>,
    /// Daemon settings that changed but take effect only when the daemon restarts.
    pub daemon_needs_restart: Vec<&'static str>,
    /// Requested names that are no group, active or in the file.
    pub unknown: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.daemon_applied.is_empty() && self.daemon_needs_restart.is_empty()
    }
}

/// Each group with its programs (an event listener pool is one), in the order the groups first
/// appear.
fn groups_of(config: &Config) -> Vec<(&str, Vec<&ProgramConfig>)> {
    let mut groups: Vec<(&str, Vec<&ProgramConfig>)> = Vec::new();
    for program in config.groups() {
        match groups.iter_mut().find(|(name, _)| *name == program.group) {
            Some((_, programs)) => programs.push(program),
            None => groups.push((&program.group, vec![program])),
        }
    }
    groups
}

fn processes_of<'a>(programs: &[&'a ProgramConfig]) -> impl Iterator<Item = &'a ProcessConfig> {
    programs.iter().flat_map(|p| p.processes.iter()).collect::<Vec<_>>().into_iter()
}

/// Plans the move from `old` to `new`, for every group, or only for the groups named in
/// `only`. Daemon-wide settings are compared only when every group is concerned.
pub fn plan(old: &Config, new: &Config, only: Option<&[String]>) -> Plan {
    let mut plan = Plan::default();
    let (before, after) = (groups_of(old), groups_of(new));
    if let Some(names) = only {
        let known = |n: &String| before.iter().chain(&after).any(|(g, _)| g == n);
        plan.unknown = names.iter().filter(|n| !known(n)).cloned().collect();
    }
    let selected = |group: &str| only.is_none_or(|names| names.iter().any(|n| n == group));
    fn find<'a>(groups: &[(&str, Vec<&'a ProgramConfig>)], name: &str) -> Option<Vec<&'a ProgramConfig>> {
        groups.iter().find(|(g, _)| *g == name).map(|(_, programs)| programs.clone())
    }
    for (group, programs) in before.iter().filter(|(g, _)| selected(g)) {
        if find(&after, group).is_none() {
            plan.groups.push((group.to_string(), GroupChangeKind::Removed));
            for process in processes_of(programs) {
                plan.processes.push(ProcessChange::Remove { group: process.group.clone(), name: process.name.clone() });
            }
        }
    }
    let pool = |config: &'_ Config, group: &str| -> Option<EventListenerConfig> {
        config.event_listeners.iter().find(|l| l.pool.group == group).cloned()
    };
    for (group, programs) in after.iter().filter(|(g, _)| selected(g)) {
        let Some(old_programs) = find(&before, group) else { continue };
        if old_programs == *programs && pool(old, group) == pool(new, group) {
            continue;
        }
        plan.groups.push((group.to_string(), GroupChangeKind::Changed));
        let new_processes: Vec<&ProcessConfig> = processes_of(programs).collect();
        for process in processes_of(&old_programs) {
            match new_processes.iter().find(|p| p.name == process.name) {
                Some(renewed) => plan.processes.push(ProcessChange::Renew((*renewed).clone())),
                None => plan
                    .processes
                    .push(ProcessChange::Remove { group: process.group.clone(), name: process.name.clone() }),
            }
        }
        for process in new_processes {
            if !processes_of(&old_programs).any(|p| p.name == process.name) {
                plan.processes.push(ProcessChange::Add(process.clone()));
            }
        }
    }
    for (group, programs) in after.iter().filter(|(g, _)| selected(g)) {
        if find(&before, group).is_none() {
            plan.groups.push((group.to_string(), GroupChangeKind::Added));
            plan.processes.extend(processes_of(programs).cloned().map(ProcessChange::Add));
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
    "identifier",
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
    check(a.identifier != b.identifier, "identifier");
    check(old.http != new.http, "HTTP servers and credentials");
}

/// The active configuration after applying the plan for `only` (every group when None): the
/// selected groups (and, for a full update, the daemon settings) come from `new`, the others
/// stay as they are in `old`; event listener pools alike.
pub fn merge(old: &Config, new: &Config, only: Option<&[String]>) -> Config {
    let Some(names) = only else { return new.clone() };
    let selected = |p: &ProgramConfig| names.contains(&p.group);
    let mut pools = Vec::new();
    for pool in &new.event_listeners {
        if selected(&pool.pool) {
            pools.push(pool.clone());
        } else if let Some(before) = old.event_listeners.iter().find(|p| p.pool.name == pool.pool.name) {
            pools.push(before.clone());
        }
    }
    for before in old.event_listeners.iter().filter(|p| !selected(&p.pool)) {
        if !pools.iter().any(|p| p.pool.name == before.pool.name) {
            pools.push(before.clone());
        }
    }
    let mut merged = old.clone();
    let mut programs: Vec<ProgramConfig> = Vec::new();
    for program in &new.programs {
        if selected(program) {
            programs.push(program.clone());
        } else if let Some(before) = old.programs.iter().find(|p| p.name == program.name && !selected(p)) {
            programs.push(before.clone());
        }
    }
    for before in old.programs.iter().filter(|p| !selected(p)) {
        if !programs.iter().any(|p| p.name == before.name) {
            programs.push(before.clone());
        }
    }
    merged.programs = programs;
    merged.event_listeners = pools;
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
                    ProcessChange::Remove { .. } => "remove",
                    ProcessChange::Renew(_) => "renew",
                };
                format!("{kind} {}", c.name())
            })
            .collect()
    }

    fn groups(plan: &Plan) -> Vec<(&str, GroupChangeKind)> {
        plan.groups.iter().map(|(g, k)| (g.as_str(), *k)).collect()
    }

    const BASE: &str = "[program.web]\ncommand = \"sleep 1\"\n\n[program.db]\ncommand = \"sleep 2\"\n";

    #[test]
    fn same_config_plans_nothing() {
        let plan = plan(&config(BASE), &config(BASE), None);
        assert!(plan.is_empty(), "{plan:?}");
    }

    #[test]
    fn any_changed_setting_renews_the_whole_group() {
        use GroupChangeKind::Changed;
        // The command, or a setting the daemon could apply itself: supervisord renews either.
        for change in
            ["sleep 3\"", "sleep 2\"\npriority = 5", "sleep 2\"\nstopsignal = \"INT\"", "sleep 2\"\nautostart = false"]
        {
            let new = BASE.replace("sleep 2\"", change);
            let plan = plan(&config(BASE), &config(&new), None);
            assert_eq!(names(&plan), ["renew db"], "{change}");
            assert_eq!(groups(&plan), [("db", Changed)], "{change}");
        }
        // In a group of two programs, a change in one renews both.
        let grouped = format!("{BASE}\n[group.g]\nprograms = [\"web\", \"db\"]\n");
        let plan = plan(&config(&grouped), &config(&grouped.replace("sleep 2", "sleep 3")), None);
        assert_eq!(names(&plan), ["renew web", "renew db"]);
        assert_eq!(groups(&plan), [("g", Changed)]);
    }

    #[test]
    fn removed_then_changed_then_added_groups() {
        use GroupChangeKind::*;
        let old = format!("{BASE}\n[program.zz]\ncommand = \"sleep 4\"\n");
        let new = "[program.web]\ncommand = \"sleep 10\"\n\n[program.cache]\ncommand = \"sleep 9\"\n";
        let plan = plan(&config(&old), &config(new), None);
        assert_eq!(groups(&plan), [("db", Removed), ("zz", Removed), ("web", Changed), ("cache", Added)]);
        assert_eq!(names(&plan), ["remove db", "remove zz", "renew web", "add cache"]);
        assert_eq!(GroupChangeKind::Added.reread_word(), "available");
        assert_eq!(GroupChangeKind::Removed.reread_word(), "disappeared");
    }

    #[test]
    fn numprocs_up_and_down_renew_the_kept_processes() {
        let two = "[program.w]\ncommand = \"sleep 1\"\nnumprocs = 2\n";
        let four = "[program.w]\ncommand = \"sleep 1\"\nnumprocs = 4\n";
        assert_eq!(names(&plan(&config(two), &config(four), None)), ["renew w_0", "renew w_1", "add w_2", "add w_3"]);
        assert_eq!(
            names(&plan(&config(four), &config(two), None)),
            ["renew w_0", "renew w_1", "remove w_2", "remove w_3"]
        );
    }

    #[test]
    fn moving_into_a_group_removes_one_group_and_adds_another() {
        use GroupChangeKind::*;
        let grouped = format!("{BASE}\n[group.g]\nprograms = [\"db\"]\n");
        let plan = plan(&config(BASE), &config(&grouped), None);
        assert_eq!(groups(&plan), [("db", Removed), ("g", Added)]);
        assert_eq!(plan.processes[0], ProcessChange::Remove { group: "db".into(), name: "db".into() });
    }

    #[test]
    fn a_listener_pool_is_a_group_and_its_events_count() {
        use GroupChangeKind::*;
        let pool = "[eventlistener.mail]\ncommand = \"crashmail -a\"\nevents = [\"PROCESS_STATE_EXITED\"]\n";
        let with_pool = format!("{BASE}{pool}");
        let p = plan(&config(BASE), &config(&with_pool), None);
        assert_eq!(groups(&p), [("mail", Added)]);
        assert_eq!(names(&p), ["add mail"]);
        // New subscriptions change the pool: it is renewed, as supervisord renews it.
        let more_events = with_pool.replace("\"PROCESS_STATE_EXITED\"", "\"PROCESS_STATE\"");
        let p = plan(&config(&with_pool), &config(&more_events), None);
        assert_eq!(groups(&p), [("mail", Changed)]);
        assert_eq!(names(&p), ["renew mail"]);
        let merged = merge(&config(&with_pool), &config(&more_events), Some(&["mail".to_string()]));
        assert_eq!(merged.event_listeners[0].events, ["PROCESS_STATE"]);
        let p = plan(&config(&with_pool), &config(BASE), None);
        assert_eq!(groups(&p), [("mail", Removed)]);
        assert_eq!(names(&p), ["remove mail"]);
    }

    #[test]
    fn only_the_named_groups_are_planned() {
        let new = BASE.replace("sleep 1", "sleep 10").replace("sleep 2", "sleep 20");
        let only = ["db".to_string(), "nosuch".to_string()];
        let plan = plan(&config(BASE), &config(&new), Some(&only));
        assert_eq!(names(&plan), ["renew db"]);
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
