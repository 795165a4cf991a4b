//! TOML text → [`Config`], checking every section and key against the key table and collecting
//! every problem with its file, line and column instead of stopping at the first.
//!
//! The model is built from format-neutral sections ([`RawSection`]: typed values with their
//! places), so supervisord's INI reader (`config::ini`) only has to produce those sections to
//! get the same validation, the same model and the same messages.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::checks;
use super::keys::{self, Section};
use super::sections::{Diagnostics, RawSection, SourceFile, include_patterns, read_sections};
use super::value_readers::*;
use super::values::{self, ExpansionValue};
use super::{
    Config, ConfigErrors, ConfigFormat, Credentials, CtlConfig, DaemonConfig, EventListenerConfig, HealthConfig,
    HttpConfig, InetServerConfig, LogConfig, LogDestination, OutputEvents, ProcessConfig, ProgramConfig, Readiness,
    UnixServerConfig,
};

mod programs;

use programs::{build_program, check_dependency_graph, check_process_names};

fn host_node_name() -> String {
    nix::unistd::gethostname().ok().and_then(|h| h.into_string().ok()).unwrap_or_default()
}

/// The expansions every section may use: `%(here)s`, `%(host_node_name)s`, `%(ENV_X)s`.
fn common_lookup(here: &Path, name: &str) -> Option<ExpansionValue> {
    match name {
        "here" => Some(ExpansionValue::Str(here.display().to_string())),
        "host_node_name" => Some(ExpansionValue::Str(host_node_name())),
        _ => name.strip_prefix("ENV_").and_then(|var| std::env::var(var).ok()).map(ExpansionValue::Str),
    }
}

fn resolve_path(here: &Path, path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() { p } else { here.join(p) }
}

/// Parses and validates a config file's text. `path` names it in errors and anchors relative
/// paths, includes and `%(here)s`.
pub fn parse_str(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let here = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
    let mut diagnostics = Diagnostics::default();
    let mut files = vec![SourceFile { path: path.clone(), text: text.to_string() }];
    // Includes are found first, so that every file's text is in place before any is parsed
    // into tables that borrow from it.
    // The including file's directory is literal text, not part of the pattern.
    let escaped_here = glob::Pattern::escape(&here.to_string_lossy());
    let include_lookup = |name: &str| match name {
        "here" => Some(ExpansionValue::Str(escaped_here.clone())),
        _ => common_lookup(&here, name),
    };
    for (offset, raw) in include_patterns(text) {
        let pattern = match values::expand(&raw, &include_lookup) {
            Ok(pattern) => pattern,
            Err(message) => {
                diagnostics.push((0, &files[0]), offset, "include", "files", message);
                continue;
            }
        };
        let full =
            if Path::new(&pattern).is_absolute() { pattern.clone() } else { format!("{escaped_here}/{pattern}") };
        let mut matched: Vec<PathBuf> = match glob::glob(&full) {
            Ok(paths) => paths.filter_map(Result::ok).collect(),
            Err(e) => {
                diagnostics.push((0, &files[0]), offset, "include", "files", format!("bad pattern '{pattern}': {e}"));
                continue;
            }
        };
        matched.sort();
        for included in matched {
            if files.iter().any(|f| f.path == included) {
                continue;
            }
            match std::fs::read_to_string(&included) {
                Ok(text) => files.push(SourceFile { path: included, text }),
                Err(e) => {
                    let msg = format!("cannot read {}: {e}", included.display());
                    diagnostics.push((0, &files[0]), offset, "include", "files", msg);
                }
            }
        }
    }
    // `umask = 022` would be one syntax error hiding every other problem (see `leading_zero`).
    for (index, file) in files.iter_mut().enumerate() {
        let (text, found) = super::leading_zero::patch(&file.text);
        file.text = text;
        for f in found {
            diagnostics.push((index, file), f.offset, &f.section, &f.key, f.message);
        }
    }
    let mut sections = Vec::new();
    for (index, file) in files.iter().enumerate() {
        read_sections(file, index, index == 0, &mut sections, &mut diagnostics);
    }

    let config = build(&path, &files, &sections, ConfigFormat::Toml, &mut diagnostics);
    diagnostics.into_result(config)
}

pub(super) fn default_socket_path() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/run/taskmaster.sock");
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("taskmaster.sock"),
        None => PathBuf::from(format!("/tmp/taskmaster-{}.sock", nix::unistd::geteuid())),
    }
}

/// Where AUTO logs go without a childlogdir: `taskmaster-UID` in the temp dir, for the uid the
/// daemon runs as. The daemon makes it private (0700) and refuses it if it is not, so no other
/// user can plant a file or a symlink at a log's predictable name.
pub fn default_childlogdir(user: Option<&str>) -> PathBuf {
    let uid = user
        .and_then(|u| u.parse::<u32>().ok().or_else(|| Some(nix::unistd::User::from_name(u).ok()??.uid.as_raw())))
        .unwrap_or_else(|| nix::unistd::geteuid().as_raw());
    std::env::temp_dir().join(format!("taskmaster-{uid}"))
}

pub(super) fn default_history_file() -> Option<PathBuf> {
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(data).join("taskmaster/history"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(".local/share/taskmaster/history"))
}

/// Builds the model from the sections of every file (`files[0]` being the main one), reporting
/// problems into `diagnostics`. Shared by both formats.
pub(super) fn build(
    path: &Path,
    files: &[SourceFile],
    sections: &[RawSection<'_>],
    format: ConfigFormat,
    diagnostics: &mut Diagnostics,
) -> Config {
    let here = &files[0].dir();
    // A section defined again is reported and ignored, so it adds no errors of its own.
    let mut seen: HashMap<&str, &RawSection<'_>> = HashMap::new();
    let mut unique: Vec<&RawSection<'_>> = Vec::new();
    for section in sections {
        if let Some(first) = seen.get(section.label.as_str()) {
            let first_file = &files[first.file];
            let (line, _) = first_file.line_col(first.offset);
            let msg = format!("defined again (first at {}:{line})", first_file.path.display());
            diagnostics.push((section.file, &files[section.file]), section.offset, &section.label, "", msg);
        } else {
            seen.insert(&section.label, section);
            unique.push(section);
        }
    }
    for section in &unique {
        for (key, _) in &section.entries {
            if let Some(why) = keys::not_yet(section.kind, key.get_ref()) {
                let file = (section.file, &files[section.file]);
                diagnostics.warn(file, key.span().start, &section.label, key.get_ref(), why.to_string());
            }
        }
    }
    let find = |kind: Section| unique.iter().copied().find(|s| s.kind == kind);
    let empty = |kind: Section| RawSection {
        file: 0,
        kind,
        label: kind.table_name().to_string(),
        name: String::new(),
        offset: 0,
        entries: Vec::new(),
    };
    let common = |name: &str| common_lookup(here, name);

    // Expands a path-like string, reporting a bad expansion at the value.
    let expand_path = |reader: &mut SectionReader<'_>, key: &str, raw: Option<String>| -> Option<PathBuf> {
        let raw = raw?;
        match values::expand(&raw, &common) {
            Ok(expanded) => Some(resolve_path(here, &expanded)),
            Err(message) => {
                let offset = reader.value_offset(key);
                reader.error_at(offset, key, message);
                None
            }
        }
    };

    // Its files were read before parsing; here its keys are checked like any other section's.
    if let Some(section) = find(Section::Include) {
        SectionReader { section, file: &files[section.file], diagnostics }.get("files", as_str_list);
    }

    let server_raw = find(Section::UnixServer).map_or_else(|| empty(Section::UnixServer), clone_section);
    let mut r = SectionReader { section: &server_raw, file: &files[server_raw.file], diagnostics };
    let file = r.get("file", as_string);
    let unix_server = UnixServerConfig {
        file: expand_path(&mut r, "file", file).unwrap_or_else(default_socket_path),
        chmod: r.value("chmod", as_octal),
        chown: r.get("chown", as_chown),
    };
    let unix_credentials = credentials(&mut r);
    let inet = find(Section::InetHttpServer).and_then(|section| {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        let address = r.get("port", as_inet_address);
        let credentials = credentials(&mut r);
        address.map(|(host, port)| InetServerConfig { host, port, credentials })
    });

    let daemon_raw = find(Section::Taskmasterd).map_or_else(|| empty(Section::Taskmasterd), clone_section);
    let mut r = SectionReader { section: &daemon_raw, file: &files[daemon_raw.file], diagnostics };
    let logfile = r.value("logfile", as_string);
    let syslog = logfile.eq_ignore_ascii_case("syslog");
    let logfile = if logfile.eq_ignore_ascii_case("NONE") || syslog {
        None
    } else {
        expand_path(&mut r, "logfile", Some(logfile))
    };
    let pidfile = r.value("pidfile", as_string);
    let directory = r.get("directory", as_string);
    let childlogdir = r.get("childlogdir", as_string);
    let mut environment = r.get("environment", as_environment).unwrap_or_default();
    for (key, value) in &mut environment {
        match values::expand(value, &common) {
            Ok(v) => *value = v,
            Err(m) => {
                let offset = r.value_offset("environment");
                r.error_at(offset, "environment", format!("{key}: {m}"));
            }
        }
    }
    let user = r.get("user", as_user);
    let default_logdir = default_childlogdir(user.as_deref());
    let daemon = DaemonConfig {
        logfile,
        logfile_maxbytes: r.value("logfile_maxbytes", as_size),
        logfile_backups: r.int("logfile_backups") as u32,
        loglevel: r.value("loglevel", as_loglevel),
        pidfile: expand_path(&mut r, "pidfile", Some(pidfile)).unwrap_or_else(|| here.join("taskmasterd.pid")),
        umask: r.value("umask", as_octal),
        user,
        directory: expand_path(&mut r, "directory", directory),
        environment,
        childlogdir: expand_path(&mut r, "childlogdir", childlogdir).unwrap_or(default_logdir),
        nodaemon: r.value("nodaemon", as_bool),
        silent: r.value("silent", as_bool),
        minfds: r.int("minfds") as u64,
        syslog,
        nocleanup: r.value("nocleanup", as_bool),
        exit_when_all_fatal: r.value("exit_when_all_fatal", as_bool),
        exit_with_program: r.get("exit_with_program", as_string),
        identifier: r.value("identifier", as_string),
    };

    let ctl_raw = find(Section::Taskmasterctl).map_or_else(|| empty(Section::Taskmasterctl), clone_section);
    let mut r = SectionReader { section: &ctl_raw, file: &files[ctl_raw.file], diagnostics };
    let serverurl = r.get("serverurl", as_string);
    let history = r.get("history_file", as_string);
    let ctl = CtlConfig {
        serverurl: expand_path(&mut r, "serverurl", serverurl).unwrap_or_else(|| unix_server.file.clone()),
        prompt: r.value("prompt", as_string),
        history_file: expand_path(&mut r, "history_file", history).or_else(default_history_file),
    };
    let ctl_credentials = credentials(&mut r);
    let http = HttpConfig { inet, unix_credentials, ctl_credentials };

    // Groups first: a program's group and default priority come from them.
    let mut group_of: BTreeMap<String, GroupMembership> = BTreeMap::new();
    let program_names: Vec<&str> =
        unique.iter().filter(|s| s.kind == Section::Program).map(|s| s.name.as_str()).collect();
    for section in unique.iter().copied().filter(|s| s.kind == Section::Group) {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        check_name(&mut r, "group");
        let priority = r.is_set("priority").then(|| r.int("priority"));
        let members = r.spanned_strings("programs");
        if members.as_ref().is_some_and(Vec::is_empty) {
            let offset = r.value_offset("programs");
            r.error_at(offset, "programs", "a group needs at least one program".to_string());
        }
        let members = members.unwrap_or_default();
        if program_names.contains(&section.name.as_str()) && !members.iter().any(|(_, m)| m == &section.name) {
            let offset = section.offset;
            r.error_at(offset, "", format!("the group name '{}' is also a program's name", section.name));
        }
        for (offset, member) in members {
            if !program_names.contains(&member.as_str()) {
                let hint = keys::did_you_mean(&member, program_names.iter().copied())
                    .map(|s| format!("; did you mean '{s}'?"))
                    .unwrap_or_default();
                r.error_at(offset, "programs", format!("no program named '{member}'{hint}"));
            } else if let Some(GroupMembership { group, .. }) = group_of.get(&member) {
                let msg = if *group == section.name {
                    format!("'{member}' is listed twice")
                } else {
                    format!("'{member}' is already in group '{group}'")
                };
                r.error_at(offset, "programs", msg);
            } else {
                group_of.insert(member, GroupMembership { group: section.name.clone(), priority });
            }
        }
    }

    let mut programs = Vec::new();
    for section in unique.iter().copied().filter(|s| s.kind == Section::Program) {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        let program = build_program(&mut r, &daemon, group_of.get(&section.name));
        programs.push((program, section));
    }
    check_process_names(&programs, files, diagnostics);
    check_dependency_graph(&programs, files, diagnostics);
    if let Some(program) = &daemon.exit_with_program
        && !program_names.contains(&program.as_str())
    {
        let hint = keys::did_you_mean(program, program_names.iter().copied())
            .map(|s| format!("; did you mean '{s}'?"))
            .unwrap_or_default();
        let mut r = SectionReader { section: &daemon_raw, file: &files[daemon_raw.file], diagnostics };
        let offset = r.value_offset("exit_with_program");
        r.error_at(offset, "exit_with_program", format!("no program named '{program}'{hint}"));
    }

    let mut event_listeners = Vec::new();
    for section in unique.iter().copied().filter(|s| s.kind == Section::EventListener) {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        if program_names.contains(&section.name.as_str()) || group_of.values().any(|g| g.group == section.name) {
            let offset = section.offset;
            r.error_at(offset, "", format!("the pool name '{}' is also a program's or group's name", section.name));
        }
        let listener = build_event_listener(&mut r, &daemon);
        programs.push((listener.pool.clone(), section));
        event_listeners.push(listener);
    }
    check_process_names(&programs, files, diagnostics);

    let programs =
        programs.into_iter().filter(|(_, s)| s.kind == Section::Program).map(|(program, _)| program).collect();
    Config {
        source: path.to_path_buf(),
        unix_server,
        daemon,
        ctl,
        programs,
        event_listeners,
        http,
        format,
        warnings: Vec::new(),
    }
}

/// supervisord's event type names (`supervisor.events.EventTypes`), and our PROCESS_HEALTH;
/// `daemon::events` has the same list (a test checks).
pub const EVENT_TYPES: [&str; 28] = [
    "EVENT",
    "PROCESS_COMMUNICATION",
    "PROCESS_COMMUNICATION_STDERR",
    "PROCESS_COMMUNICATION_STDOUT",
    "PROCESS_GROUP",
    "PROCESS_GROUP_ADDED",
    "PROCESS_GROUP_REMOVED",
    "PROCESS_HEALTH",
    "PROCESS_LOG",
    "PROCESS_LOG_STDERR",
    "PROCESS_LOG_STDOUT",
    "PROCESS_STATE",
    "PROCESS_STATE_BACKOFF",
    "PROCESS_STATE_EXITED",
    "PROCESS_STATE_FATAL",
    "PROCESS_STATE_RUNNING",
    "PROCESS_STATE_STARTING",
    "PROCESS_STATE_STOPPED",
    "PROCESS_STATE_STOPPING",
    "PROCESS_STATE_UNKNOWN",
    "REMOTE_COMMUNICATION",
    "SUPERVISOR_STATE_CHANGE",
    "SUPERVISOR_STATE_CHANGE_RUNNING",
    "SUPERVISOR_STATE_CHANGE_STOPPING",
    "TICK",
    "TICK_3600",
    "TICK_5",
    "TICK_60",
];

/// An event listener pool: a program's settings checked as supervisord checks a pool's, plus
/// its events, buffer and result handler.
fn build_event_listener(r: &mut SectionReader<'_>, daemon: &DaemonConfig) -> EventListenerConfig {
    let mut pool = build_program(r, daemon, None);
    // supervisord starts listeners first and stops them last.
    if !r.is_set("priority") {
        pool.priority = -1;
        pool.processes.iter_mut().for_each(|p| p.priority = -1);
    }
    if r.value("redirect_stderr", as_bool) {
        let offset = r.value_offset("redirect_stderr");
        let msg = "cannot be true in an event listener: its stdout carries the listener protocol";
        r.error_at(offset, "redirect_stderr", msg.to_string());
    }
    let mut events: Vec<String> = Vec::new();
    let written = r.spanned_strings("events").unwrap_or_default();
    if written.is_empty() && r.is_set("events") {
        let offset = r.value_offset("events");
        r.error_at(offset, "events", "a pool needs at least one event type".to_string());
    }
    for (offset, event) in written {
        let upper = event.to_ascii_uppercase();
        if EVENT_TYPES.contains(&upper.as_str()) {
            // supervisord keeps a set of names: a name written twice subscribes once.
            if !events.contains(&upper) {
                events.push(upper);
            }
        } else {
            let hint =
                keys::did_you_mean(&upper, EVENT_TYPES).map(|s| format!("; did you mean {s}?")).unwrap_or_default();
            r.error_at(offset, "events", format!("unknown event type '{event}'{hint}"));
        }
    }
    let result_handler = r.value("result_handler", as_string);
    if result_handler != super::DEFAULT_RESULT_HANDLER {
        let offset = r.value_offset("result_handler");
        let msg = format!(
            "'{result_handler}' is not supported: only supervisord's default handler, {}, is",
            super::DEFAULT_RESULT_HANDLER
        );
        r.error_at(offset, "result_handler", msg);
    }
    EventListenerConfig { pool, events, buffer_size: r.int("buffer_size") as u32, result_handler }
}

/// A section's username and password: both or neither, as supervisord requires.
fn credentials(r: &mut SectionReader<'_>) -> Option<Credentials> {
    let username = r.get("username", as_string);
    let password = r.get("password", as_string);
    match (username, password) {
        (Some(username), Some(password)) => Some(Credentials { username, password }),
        (None, None) => None,
        (username, _) => {
            let (missing, given) = if username.is_some() { ("password", "username") } else { ("username", "password") };
            let offset = r.value_offset(given);
            r.error_at(offset, given, format!("is set without {missing}; set both or neither"));
            None
        }
    }
}

/// What a `[group.NAME]` gives each program it lists.
struct GroupMembership {
    group: String,
    /// The group's priority when it sets one; its programs without their own take it.
    priority: Option<i64>,
}

fn clone_section<'a>(s: &RawSection<'a>) -> RawSection<'a> {
    RawSection {
        file: s.file,
        kind: s.kind,
        label: s.label.clone(),
        name: s.name.clone(),
        offset: s.offset,
        entries: s.entries.clone(),
    }
}

/// supervisord's rule (`process_or_group_name`): a name must not hold a space, ':' or '/', which
/// would break addressing `GROUP:NAME` and URLs; control characters are refused too.
fn check_name(r: &mut SectionReader<'_>, what: &str) {
    let name = &r.section.name;
    let valid = !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control() || ":/".contains(c));
    if !valid {
        let msg = format!("a {what} name must not be empty nor hold spaces, ':' or '/'");
        let offset = r.section.offset;
        r.error_at(offset, "", msg);
    }
    if name == RESERVED_NAME {
        let offset = r.section.offset;
        r.error_at(offset, "", reserved_name_message(what));
    }
}

/// The name ctl uses for every process; a program, group or process of that name could never
/// be addressed alone.
const RESERVED_NAME: &str = "all";

fn reserved_name_message(what: &str) -> String {
    format!("'{RESERVED_NAME}' is reserved (it means every process in taskmasterctl); choose another {what} name")
}

/// Paths such as /dev/stdout that many processes may share, since nothing rotates them.
pub fn is_special_file(path: &Path) -> bool {
    path.starts_with("/dev/") || path.starts_with("/proc/")
}
