//! Dependency policy, pure: whether a process may start given what its dependencies have
//! reached (and why not), what a start must bring up first, and what a full stop (or a stop of
//! several processes) may stop now.
//! The supervisor asks these questions (`monitor`); nothing here touches a process.
//!
//! A dependency names a program; its condition must hold for every process of that program.
//! A dependency that can no longer get there by itself (FATAL, or a one-shot that exited with
//! an unexpected status) makes the dependant wait with that reason instead of retrying: it
//! starts when someone fixes and starts the dependency.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Condition, Dependency};
use crate::protocol::{Health, ProcessState};

/// What a dependency's process has reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub name: String,
    pub state: ProcessState,
    /// RUNNING and its readiness condition holds.
    pub ready: bool,
    pub health: Option<Health>,
    /// It exited with one of its exitcodes.
    pub exit_expected: bool,
}

/// Whether a start may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Not yet: the dependency is on its way (or not started).
    Wait(String),
    /// Not by itself: a dependency failed for good.
    Blocked(String),
}

/// Whether every dependency holds; else the first one that does not, and why.
pub fn gate<'a>(deps: &[Dependency], instances: impl Fn(&str) -> &'a [Instance]) -> Gate {
    for dep in deps {
        let program = dep.program.as_str();
        let all = instances(program);
        if all.is_empty() {
            return Gate::Wait(format!("waiting for {program}: not in the configuration"));
        }
        for i in all {
            let holds = match dep.condition {
                Condition::Started => i.state == ProcessState::Running,
                Condition::Ready => i.state == ProcessState::Running && i.ready,
                Condition::Healthy => i.state == ProcessState::Running && i.health == Some(Health::Healthy),
                Condition::Completed => i.state == ProcessState::Exited && i.exit_expected,
            };
            if holds {
                continue;
            }
            let cond = dep.condition.as_str();
            let failed = match (i.state, dep.condition) {
                (ProcessState::Fatal, _) => true,
                (ProcessState::Exited, Condition::Completed) => !i.exit_expected,
                _ => false,
            };
            let state = match (i.state, i.health) {
                (ProcessState::Running, Some(h)) => format!("RUNNING ({})", h.as_str()),
                (ProcessState::Running, None) if dep.condition == Condition::Ready => "RUNNING, not ready".to_string(),
                (ProcessState::Exited, _) if dep.condition == Condition::Completed && failed => {
                    "EXITED with an unexpected status".to_string()
                }
                (state, _) => state.as_str().to_string(),
            };
            let reason = format!("waiting for {program} ({cond}): {} is {state}", i.name);
            return if failed { Gate::Blocked(reason) } else { Gate::Wait(reason) };
        }
    }
    Gate::Open
}

/// The programs a start of `targets` must bring up: their dependencies (transitively) first,
/// then the targets, each once. `depends_on` gives each program's dependencies; the config
/// check guarantees no cycle (a cycle would only stop the walk, not loop).
pub fn with_dependencies<'a>(targets: &[&'a str], depends_on: &BTreeMap<&'a str, Vec<&'a str>>) -> Vec<&'a str> {
    fn visit<'a>(
        program: &'a str,
        depends_on: &BTreeMap<&'a str, Vec<&'a str>>,
        seen: &mut BTreeSet<&'a str>,
        out: &mut Vec<&'a str>,
    ) {
        if !seen.insert(program) {
            return;
        }
        for dep in depends_on.get(program).into_iter().flatten() {
            visit(dep, depends_on, seen, out);
        }
        out.push(program);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for target in targets {
        visit(target, depends_on, &mut seen, &mut out);
    }
    out
}

/// For a full stop: of the processes still up, `(program, priority)` each, the indices of those
/// to stop now. A process waits while a process of a program that depends on its program is up
/// (dependants stop first); of the rest, the highest priority goes first, as supervisord does.
/// Without depends_on this is exactly the priority order.
pub fn stop_now(up: &[(&str, i64)], depends_on: &BTreeMap<&str, Vec<&str>>) -> Vec<usize> {
    let up_programs: BTreeSet<&str> = up.iter().map(|(p, _)| *p).collect();
    let needed = |program: &str| {
        up_programs.iter().any(|other| *other != program && depends_on.get(other).is_some_and(|d| d.contains(&program)))
    };
    let free: Vec<usize> = (0..up.len()).filter(|&i| !needed(up[i].0)).collect();
    // A cycle cannot pass the config check; should one exist, everything is free rather than stuck.
    let free = if free.is_empty() { (0..up.len()).collect() } else { free };
    let Some(highest) = free.iter().map(|&i| up[i].1).max() else { return Vec::new() };
    free.into_iter().filter(|&i| up[i].1 == highest).collect()
}

/// For a stop of several processes (`stop all`, `stop GROUP:*`, `stop a b`): of the programs
/// of the processes still up among them, the indices of those that may stop now. One waits while
/// another of them depends on its program, directly or through programs left running, so that
/// dependants stop first; priority plays no part, as a stop request sends its stops at once.
pub fn stop_first(up: &[&str], depends_on: &BTreeMap<&str, Vec<&str>>) -> Vec<usize> {
    let up_programs: BTreeSet<&str> = up.iter().copied().collect();
    let needs: Vec<(&str, Vec<&str>)> =
        up_programs.iter().map(|program| (*program, with_dependencies(&[program], depends_on))).collect();
    let needed = |program: &str| needs.iter().any(|(other, deps)| *other != program && deps.contains(&program));
    let free: Vec<usize> = (0..up.len()).filter(|&i| !needed(up[i])).collect();
    // A cycle cannot pass the config check; should one exist, everything is free rather than stuck.
    if free.is_empty() { (0..up.len()).collect() } else { free }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(name: &str, state: ProcessState) -> Instance {
        Instance { name: name.into(), state, ready: state == ProcessState::Running, health: None, exit_expected: false }
    }

    fn dep(program: &str, condition: Condition) -> Dependency {
        Dependency { program: program.into(), condition }
    }

    #[test]
    fn gate_table() {
        use ProcessState::*;
        let running = instance("db", Running);
        let healthy = Instance { health: Some(Health::Healthy), ..running.clone() };
        let checking = Instance { health: Some(Health::Starting), ..running.clone() };
        let not_ready = Instance { ready: false, ..running.clone() };
        let done = Instance { exit_expected: true, ..instance("db", Exited) };
        let crashed = instance("db", Exited);
        let fatal = instance("db", Fatal);
        let open = || Gate::Open;
        let wait = |s: &str| Gate::Wait(s.to_string());
        let blocked = |s: &str| Gate::Blocked(s.to_string());
        let cases: Vec<(Condition, Vec<Instance>, Gate)> = vec![
            (Condition::Started, vec![running.clone()], open()),
            (Condition::Started, vec![instance("db", Starting)], wait("waiting for db (started): db is STARTING")),
            (Condition::Started, vec![instance("db", Stopped)], wait("waiting for db (started): db is STOPPED")),
            (Condition::Started, vec![fatal.clone()], blocked("waiting for db (started): db is FATAL")),
            (Condition::Ready, vec![running.clone()], open()),
            (Condition::Ready, vec![not_ready], wait("waiting for db (ready): db is RUNNING, not ready")),
            (Condition::Healthy, vec![healthy.clone()], open()),
            (Condition::Healthy, vec![checking], wait("waiting for db (healthy): db is RUNNING (health: starting)")),
            (Condition::Healthy, vec![running.clone()], wait("waiting for db (healthy): db is RUNNING")),
            (Condition::Completed, vec![done.clone()], open()),
            (Condition::Completed, vec![running.clone()], wait("waiting for db (completed): db is RUNNING")),
            (
                Condition::Completed,
                vec![crashed],
                blocked("waiting for db (completed): db is EXITED with an unexpected status"),
            ),
            // Every instance must hold: the first that does not is the reason.
            (
                Condition::Started,
                vec![running.clone(), instance("db_1", Backoff)],
                wait("waiting for db (started): db_1 is BACKOFF"),
            ),
            (Condition::Started, vec![], wait("waiting for db: not in the configuration")),
        ];
        for (condition, instances, want) in cases {
            let got = gate(&[dep("db", condition)], |_| &instances);
            assert_eq!(got, want, "{condition:?}");
        }
        // No dependency: open; the first failing dependency decides.
        assert_eq!(gate(&[], |_| &[]), Gate::Open);
        let by_program = |p: &str| -> &[Instance] {
            match p {
                "db" => std::slice::from_ref(&healthy),
                _ => std::slice::from_ref(&fatal),
            }
        };
        assert_eq!(
            gate(&[dep("db", Condition::Healthy), dep("cache", Condition::Started)], by_program),
            blocked("waiting for cache (started): db is FATAL")
        );
    }

    #[test]
    fn starts_bring_dependencies_first() {
        let graph: BTreeMap<&str, Vec<&str>> =
            [("web", vec!["db", "cache"]), ("worker", vec!["migrate"]), ("migrate", vec!["db"])].into();
        let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
            (vec!["web"], vec!["db", "cache", "web"]),
            (vec!["worker"], vec!["db", "migrate", "worker"]),
            (vec!["worker", "web"], vec!["db", "migrate", "worker", "cache", "web"]),
            (vec!["db"], vec!["db"]),
        ];
        for (targets, want) in cases {
            assert_eq!(with_dependencies(&targets, &graph), want, "{targets:?}");
        }
    }

    #[test]
    fn full_stops_take_dependants_first() {
        let graph: BTreeMap<&str, Vec<&str>> = [("web", vec!["db"]), ("worker", vec!["db"])].into();
        let none = BTreeMap::new();
        // (up, graph, stop now)
        type Case<'a> = (Vec<(&'a str, i64)>, &'a BTreeMap<&'a str, Vec<&'a str>>, Vec<usize>);
        let cases: Vec<Case<'_>> = vec![
            // Priority alone, as supervisord.
            (vec![("a", 1), ("b", 5), ("c", 5)], &none, vec![1, 2]),
            // db waits for web and worker, even with the highest priority.
            (vec![("db", 999), ("web", 1), ("worker", 2)], &graph, vec![2]),
            (vec![("db", 999), ("web", 1)], &graph, vec![1]),
            (vec![("db", 999)], &graph, vec![0]),
            (vec![], &graph, vec![]),
        ];
        for (up, graph, want) in cases {
            assert_eq!(stop_now(&up, graph), want, "{up:?}");
        }
    }

    #[test]
    fn stops_of_several_take_dependants_first_even_through_programs_left_running() {
        let graph: BTreeMap<&str, Vec<&str>> =
            [("web", vec!["api"]), ("api", vec!["db"]), ("worker", vec!["db"])].into();
        let cases: Vec<(Vec<&str>, Vec<usize>)> = vec![
            (vec!["db", "api", "web", "worker"], vec![2, 3]),
            (vec!["db", "api", "worker"], vec![1, 2]),
            (vec!["db", "db", "api"], vec![2]),
            (vec!["db", "db"], vec![0, 1]),
            // api is not stopped: db still waits for web, which needs it through api.
            (vec!["db", "web"], vec![1]),
            (vec!["cache", "db"], vec![0, 1]),
            (vec![], vec![]),
        ];
        for (up, want) in cases {
            assert_eq!(stop_first(&up, &graph), want, "{up:?}");
        }
    }
}
