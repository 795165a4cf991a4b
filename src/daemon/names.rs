//! Name resolution: which processes a name typed by an operator means. Pure: the process table
//! comes in as a list of [`Entry`]s, so every form is tested from a table below.
//!
//! The forms, tried in this order for each name:
//! - `all`: every process;
//! - `GROUP:NAME`, `GROUP:*` and `GROUP:` (every process of the group); a name with a colon is
//!   never a glob;
//! - a glob (`*`, `?` or `[` in it), matched against the process name and against `group:name`;
//! - an exact process name;
//! - else a group or program name: all of its processes.
//!
//! Matches come back in display order (by `group:name`), each once however many names matched
//! it; the names that matched nothing come back apart, for `NAME: ERROR (no such process)`.
//! `all` is never unknown: with no process it means none, as in supervisord.
//!
//! [`resolve_each`] keeps each name's matches apart and says which [`Form`] it took: supervisord
//! acts differently on one named process (`start web` of a running `web` is an error) than on
//! several (`start all` skips what runs).

use crate::config::qualified_name;

/// One process as name resolution sees it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a, Id> {
    pub id: Id,
    pub name: &'a str,
    pub group: &'a str,
    pub program: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<Id> {
    /// The processes matched, in display order, without repeats.
    pub ids: Vec<Id>,
    /// The names that matched nothing, in the order given.
    pub unknown: Vec<String>,
}

/// Resolves `names` against `entries` (see the module doc for the forms).
pub fn resolve<Id: Copy + PartialEq>(entries: &[Entry<'_, Id>], names: &[String]) -> Resolved<Id> {
    let mut ordered: Vec<(String, &Entry<'_, Id>)> =
        entries.iter().map(|e| (qualified_name(e.group, e.name), e)).collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    let mut ids: Vec<Id> = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        let matches = matches_of(&ordered, name);
        if matches.is_empty() && name != "all" {
            unknown.push(name.clone());
        }
        for id in matches {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Resolved { ids, unknown }
}

fn matches_of<Id: Copy>(ordered: &[(String, &Entry<'_, Id>)], name: &str) -> Vec<Id> {
    let select = |keep: &dyn Fn(&str, &Entry<'_, Id>) -> bool| -> Vec<Id> {
        ordered.iter().filter(|(qualified, e)| keep(qualified, e)).map(|(_, e)| e.id).collect()
    };
    if name == "all" {
        return select(&|_, _| true);
    }
    if let Some((group, process)) = name.split_once(':') {
        return select(&|_, e| e.group == group && (process == "*" || process.is_empty() || e.name == process));
    }
    if name.contains(['*', '?', '[']) {
        return match glob::Pattern::new(name) {
            Ok(pattern) => select(&|qualified, e| pattern.matches(e.name) || pattern.matches(qualified)),
            Err(_) => Vec::new(),
        };
    }
    let exact = select(&|_, e| e.name == name);
    if !exact.is_empty() {
        return exact;
    }
    select(&|_, e| e.group == name || e.program == name)
}

/// How a name picked its processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// One process by its name, or `GROUP:NAME`.
    One,
    /// `all`, `GROUP:*`, a glob, or a group or program name: what is in the wrong state for the
    /// action is skipped without a word.
    Many,
    /// Nothing matched: `GROUP:*` of an unknown group.
    NoGroup(String),
    /// Nothing matched otherwise.
    NoProcess,
}

/// One requested name and what it picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch<Id> {
    pub name: String,
    pub form: Form,
    pub ids: Vec<Id>,
}

/// Resolves each of `names` on its own, in the order given (a process matched by several names
/// comes back under each).
pub fn resolve_each<Id: Copy + PartialEq>(entries: &[Entry<'_, Id>], names: &[String]) -> Vec<NameMatch<Id>> {
    let mut ordered: Vec<(String, &Entry<'_, Id>)> =
        entries.iter().map(|e| (qualified_name(e.group, e.name), e)).collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    names
        .iter()
        .map(|name| {
            let ids = matches_of(&ordered, name);
            let group_form = name.split_once(':').filter(|(_, p)| p.is_empty() || *p == "*");
            let one = !name.contains(['*', '?', '[']) && name != "all" && ids.len() == 1 && {
                let (group, process) = name.split_once(':').unwrap_or(("", name));
                ordered.iter().any(|(_, e)| e.name == process && (group.is_empty() || e.group == group))
            };
            let form = match (ids.is_empty(), group_form) {
                (true, _) if name == "all" => Form::Many,
                (true, Some((group, _))) => Form::NoGroup(group.to_string()),
                (true, None) => Form::NoProcess,
                (false, _) if one && group_form.is_none() => Form::One,
                (false, _) => Form::Many,
            };
            NameMatch { name: name.clone(), form, ids }
        })
        .collect()
}

/// Why a name did not pick exactly one process (for actions on one process: `tail`, `fg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOne {
    None,
    Many(usize),
}

/// The one process `name` means.
pub fn resolve_one<Id: Copy + PartialEq>(entries: &[Entry<'_, Id>], name: &str) -> Result<Id, NotOne> {
    let resolved = resolve(entries, &[name.to_string()]);
    match resolved.ids[..] {
        [id] => Ok(id),
        [] => Err(NotOne::None),
        _ => Err(NotOne::Many(resolved.ids.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (id, name, group, program): a program of its own, a two-process program in its own
    /// group, and a group of two programs.
    const TABLE: &[(u32, &str, &str, &str)] = &[
        (1, "web_1", "web", "web"),
        (0, "web_0", "web", "web"),
        (2, "solo", "solo", "solo"),
        (3, "api", "backend", "api"),
        (4, "worker_0", "backend", "worker"),
        (5, "worker_1", "backend", "worker"),
    ];

    fn entries() -> Vec<Entry<'static, u32>> {
        TABLE.iter().map(|&(id, name, group, program)| Entry { id, name, group, program }).collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_name_form() {
        // Display order: backend:api, backend:worker_0, backend:worker_1, solo, web:web_0, web:web_1.
        let cases: &[(&[&str], &[u32], &[&str])] = &[
            (&["all"], &[3, 4, 5, 2, 0, 1], &[]),
            (&["solo"], &[2], &[]),
            (&["web_1"], &[1], &[]),
            (&["web:web_0"], &[0], &[]),
            (&["backend:*"], &[3, 4, 5], &[]),
            (&["backend:"], &[3, 4, 5], &[]),
            (&["backend:nope"], &[], &["backend:nope"]),
            (&["nogroup:*"], &[], &["nogroup:*"]),
            // A bare group name, then a bare program name.
            (&["backend"], &[3, 4, 5], &[]),
            (&["worker"], &[4, 5], &[]),
            (&["web"], &[0, 1], &[]),
            // Globs match the process name or group:name.
            (&["web_*"], &[0, 1], &[]),
            (&["worker_?"], &[4, 5], &[]),
            (&["back*"], &[3, 4, 5], &[]),
            // With a colon a name is GROUP:NAME, never a glob.
            (&["backend:w*"], &[], &["backend:w*"]),
            (&["*:api"], &[], &["*:api"]),
            (&["[sw]*"], &[4, 5, 2, 0, 1], &[]),
            (&["zz*"], &[], &["zz*"]),
            // A malformed glob matches nothing rather than failing.
            (&["[a"], &[], &["[a"]),
            (&["ghost"], &[], &["ghost"]),
            // Repeats collapse, order follows display order, unknowns keep theirs.
            (&["web_1", "web", "all"], &[1, 0, 3, 4, 5, 2], &[]),
            (&["x", "solo", "y"], &[2], &["x", "y"]),
            (&[], &[], &[]),
        ];
        for (input, ids, unknown) in cases {
            let resolved = resolve(&entries(), &names(input));
            assert_eq!(resolved, Resolved { ids: ids.to_vec(), unknown: names(unknown) }, "names {input:?}");
        }
    }

    #[test]
    fn each_name_says_its_form() {
        let form = |name: &str| resolve_each(&entries(), &names(&[name]))[0].form.clone();
        assert_eq!(form("solo"), Form::One);
        assert_eq!(form("backend:api"), Form::One);
        assert_eq!(form("web_1"), Form::One);
        assert_eq!(form("all"), Form::Many);
        assert_eq!(form("backend:*"), Form::Many);
        assert_eq!(form("backend"), Form::Many);
        assert_eq!(form("web_*"), Form::Many);
        assert_eq!(form("nogroup:*"), Form::NoGroup("nogroup".into()));
        assert_eq!(form("backend:nope"), Form::NoProcess);
        assert_eq!(form("ghost"), Form::NoProcess);
        assert_eq!(resolve_each::<u32>(&[], &names(&["all"]))[0].form, Form::Many);
        assert!(resolve::<u32>(&[], &names(&["all"])).unknown.is_empty());
    }

    #[test]
    fn an_exact_process_name_wins_over_a_program_of_that_name() {
        // Program `web` has processes web_0 and web_1; a process literally named `web` elsewhere.
        let table = [
            Entry { id: 0, name: "web_0", group: "web", program: "web" },
            Entry { id: 1, name: "web", group: "other", program: "other" },
        ];
        assert_eq!(resolve(&table, &names(&["web"])).ids, [1]);
    }

    #[test]
    fn one_process_or_why_not() {
        let cases: &[(&str, Result<u32, NotOne>)] = &[
            ("solo", Ok(2)),
            ("backend:api", Ok(3)),
            ("ghost", Err(NotOne::None)),
            ("backend", Err(NotOne::Many(3))),
            ("all", Err(NotOne::Many(6))),
        ];
        for (name, expected) in cases {
            assert_eq!(resolve_one(&entries(), name), *expected, "name {name}");
        }
    }
}
