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

fn build_program(r: &mut SectionReader<'_>, daemon: &DaemonConfig, group: Option<&GroupMembership>) -> ProgramConfig {
    check_name(r, "program");
    // %(here)s and relative paths refer to the file the section is written in, which may be an
    // included one.
    let here = r.file.dir();
    let program = r.section.name.clone();
    let group_name = group.map_or_else(|| program.clone(), |g| g.group.clone());

    let command = r.get("command", as_string);
    let numprocs = r.int("numprocs");
    let numprocs_start = r.int("numprocs_start");
    let mut process_name = r.get("process_name", as_string);
    let own_priority = r.is_set("priority").then(|| r.int("priority"));
    let priority = match own_priority.or(group.and_then(|g| g.priority)) {
        Some(p) => p,
        None => r.int("priority"),
    };
    let autostart = r.value("autostart", as_bool);
    let startsecs = r.int("startsecs") as u64;
    let startretries = r.int("startretries") as u32;
    let autorestart = r.value("autorestart", as_autorestart);
    let exitcodes = r.value("exitcodes", as_exitcodes);
    let stopsignal = r.value("stopsignal", as_signal);
    let stopwaitsecs = r.int("stopwaitsecs") as u64;
    let stopasgroup = r.value("stopasgroup", as_bool);
    let mut killasgroup = r.value("killasgroup", as_bool);
    if stopasgroup && !killasgroup {
        if r.is_set("killasgroup") {
            let offset = r.value_offset("killasgroup");
            let msg = "cannot be false when stopasgroup is true (a group asked to stop must be killable as a group)";
            r.error_at(offset, "killasgroup", msg.to_string());
        }
        killasgroup = true;
    }
    let user = r.get("user", as_user);
    let redirect_stderr = r.value("redirect_stderr", as_bool);
    let stdout_logfile = r.value("stdout_logfile", as_string);
    let stdout_maxbytes = r.value("stdout_logfile_maxbytes", as_size);
    let stdout_backups = r.int("stdout_logfile_backups") as u32;
    let stderr_logfile = r.value("stderr_logfile", as_string);
    let stderr_maxbytes = r.value("stderr_logfile_maxbytes", as_size);
    let stderr_backups = r.int("stderr_logfile_backups") as u32;
    let stdout_timestamps = r.value("stdout_log_timestamps", as_bool);
    let stdout_syslog = r.value("stdout_syslog", as_bool);
    let stderr_syslog = r.value("stderr_syslog", as_bool);
    let stderr_timestamps = r.value("stderr_log_timestamps", as_bool);
    let log_lifecycle = r.value("log_lifecycle", as_bool);
    let output_events = OutputEvents {
        stdout_events_enabled: r.value("stdout_events_enabled", as_bool),
        stderr_events_enabled: r.value("stderr_events_enabled", as_bool),
        stdout_capture_maxbytes: r.value("stdout_capture_maxbytes", as_size),
        stderr_capture_maxbytes: r.value("stderr_capture_maxbytes", as_size),
    };
    let environment = r.get("environment", as_environment).unwrap_or_default();
    let directory = r.get("directory", as_string);
    let umask = r.get("umask", as_octal);
    let health = read_health(r);

    if numprocs > 1
        && let Some(template) = &process_name
        && !values::mentions(template, "process_num")
    {
        let offset = r.value_offset("process_name");
        let msg = format!("must contain %(process_num) when numprocs is {numprocs} (else the names collide)");
        r.error_at(offset, "process_name", msg);
        // Go on with the default names, so the collision is not reported again.
        process_name = None;
    }
    let process_name = process_name.unwrap_or_else(|| {
        if numprocs > 1 { "%(program_name)s_%(process_num)d".to_string() } else { "%(program_name)s".to_string() }
    });

    let mut processes = Vec::new();
    for process_num in numprocs_start..numprocs_start + numprocs {
        let lookup = |name: &str| match name {
            "program_name" => Some(ExpansionValue::Str(program.clone())),
            "group_name" => Some(ExpansionValue::Str(group_name.clone())),
            "process_num" => Some(ExpansionValue::Int(process_num)),
            "numprocs" => Some(ExpansionValue::Int(numprocs)),
            // As in supervisord, the daemon's own environment key is an ENV_ name too, and
            // takes precedence over the daemon's inherited environment.
            _ => name
                .strip_prefix("ENV_")
                .and_then(|var| daemon.environment.iter().find(|(k, _)| k == var))
                .map(|(_, v)| ExpansionValue::Str(v.clone()))
                .or_else(|| common_lookup(&here, name)),
        };
        let expand = |r: &mut SectionReader<'_>, key: &str, raw: &str| match values::expand(raw, &lookup) {
            Ok(v) => Some(v),
            Err(m) => {
                let offset = r.value_offset(key);
                r.error_at(offset, key, m);
                None
            }
        };
        let name = expand(r, "process_name", &process_name);
        let argv = command.as_deref().and_then(|c| expand(r, "command", c)).and_then(|c| {
            let offset = r.value_offset("command");
            match shlex::split(&c) {
                None => {
                    r.error_at(offset, "command", format!("unbalanced quotes in '{c}'"));
                    None
                }
                Some(argv) if argv.is_empty() => {
                    r.error_at(offset, "command", "is empty".to_string());
                    None
                }
                Some(argv) => Some(argv),
            }
        });
        let auto_name = name.as_deref().unwrap_or(&program);
        let log = |r: &mut SectionReader<'_>,
                   key: &str,
                   raw: &str,
                   channel: &str,
                   (maxbytes, backups, timestamps, syslog)| {
            let destination = if raw.eq_ignore_ascii_case("NONE") {
                LogDestination::None
            } else if raw.eq_ignore_ascii_case("AUTO") {
                LogDestination::File(daemon.childlogdir.join(format!("{auto_name}-{channel}.log")))
            } else {
                LogDestination::File(resolve_path(&here, &expand(r, key, raw).unwrap_or_default()))
            };
            let auto = raw.eq_ignore_ascii_case("AUTO");
            LogConfig { destination, maxbytes, backups, timestamps, auto, syslog }
        };
        let stdout_settings = (stdout_maxbytes, stdout_backups, stdout_timestamps, stdout_syslog);
        let stdout = log(r, "stdout_logfile", &stdout_logfile, "stdout", stdout_settings);
        let stderr = if redirect_stderr {
            LogConfig {
                destination: LogDestination::None,
                maxbytes: 0,
                backups: 0,
                timestamps: false,
                auto: false,
                syslog: false,
            }
        } else {
            let settings = (stderr_maxbytes, stderr_backups, stderr_timestamps, stderr_syslog);
            log(r, "stderr_logfile", &stderr_logfile, "stderr", settings)
        };
        let environment: Vec<(String, String)> =
            environment.iter().map(|(k, v)| (k.clone(), expand(r, "environment", v).unwrap_or_default())).collect();
        let directory =
            directory.as_deref().map(|d| resolve_path(&here, &expand(r, "directory", d).unwrap_or_default()));
        // A process whose name or command failed is left out; its errors are already reported.
        let (Some(name), Some(command)) = (name, argv) else { continue };
        processes.push(ProcessConfig {
            name,
            program: program.clone(),
            group: group_name.clone(),
            process_num: process_num as u32,
            command,
            priority,
            autostart,
            startsecs,
            startretries,
            autorestart,
            exitcodes: exitcodes.clone(),
            stopsignal,
            stopwaitsecs,
            stopasgroup,
            killasgroup,
            user: user.clone(),
            redirect_stderr,
            stdout,
            stderr,
            environment,
            directory,
            umask,
            log_lifecycle,
            health: health.clone(),
            output_events,
        });
    }
    ProgramConfig { name: program, group: group_name, priority, processes }
}

/// Process names must be unique across the config (they address processes on the command line).
/// Two processes writing one log file get a warning: supervisord allows it and configs in the
/// wild rely on it (the queue workers of many a framework's guide share one log file), and the
/// files are opened for appending, so lines interleave but are not lost.
fn check_process_names(
    programs: &[(ProgramConfig, &RawSection<'_>)],
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) {
    let mut names: HashMap<&str, &str> = HashMap::new();
    // Each log file's writer: the process's index in the config, and its name.
    let mut logs: HashMap<&Path, (usize, &str)> = HashMap::new();
    let all = programs.iter().flat_map(|(program, section)| program.processes.iter().map(move |p| (p, *section)));
    for (index, (process, section)) in all.enumerate() {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        // Without process_name, the name is the program's own, whose NAME is already checked.
        if r.is_set("process_name") && (process.name.is_empty() || process.name.contains([':', '/', ' '])) {
            let offset = r.value_offset("process_name");
            r.error_at(offset, "process_name", format!("'{}' is not a valid process name", process.name));
            continue;
        }
        if r.is_set("process_name") && process.name == RESERVED_NAME {
            let offset = r.value_offset("process_name");
            r.error_at(offset, "process_name", reserved_name_message("process"));
            continue;
        }
        let duplicate = names.get(process.name.as_str()).copied();
        if let Some(other) = duplicate {
            let offset = r.value_offset("process_name");
            let msg = format!("duplicate process name '{}' (also in program '{other}')", process.name);
            r.error_at(offset, "process_name", msg);
        } else {
            names.insert(&process.name, &process.program);
        }
        for (key, log) in [("stdout_logfile", &process.stdout), ("stderr_logfile", &process.stderr)] {
            let LogDestination::File(path) = &log.destination else { continue };
            if is_special_file(path) {
                continue;
            }
            // An AUTO log is named after its process: a duplicate name's collides, and saying so
            // again would add nothing.
            let auto =
                r.entry(key).is_none_or(|v| v.get_ref().as_str().is_some_and(|s| s.eq_ignore_ascii_case("AUTO")));
            if duplicate.is_some() && auto {
                continue;
            }
            match logs.get(path.as_path()) {
                Some(&(writer, other)) if writer != index => {
                    let offset = r.value_offset(key);
                    let msg = format!(
                        "{} is also the log of process '{other}': their lines interleave, and each rotates it on its own",
                        path.display()
                    );
                    r.warn_at(offset, key, msg);
                }
                Some(_) => {
                    let offset = r.value_offset(key);
                    let msg = format!(
                        "{} is both the stdout and stderr log; redirect_stderr does this with one writer",
                        path.display()
                    );
                    r.warn_at(offset, key, msg);
                }
                None => {
                    logs.insert(path, (index, &process.name));
                }
            }
        }
    }
}

/// Paths such as /dev/stdout that many processes may share, since nothing rotates them.
pub fn is_special_file(path: &Path) -> bool {
    path.starts_with("/dev/") || path.starts_with("/proc/")
}

/// The health check, readiness, watchdog and dependencies of a program (`config::checks`); the
/// graph they make is checked once every program is read.
fn read_health(r: &mut SectionReader<'_>) -> HealthConfig {
    let mut health = HealthConfig::default();
    let report = |r: &mut SectionReader<'_>, key: &str, p: checks::Problem| {
        let key = if p.sub_key.is_empty() { key.to_string() } else { format!("{key}.{}", p.sub_key) };
        r.error_at(p.offset, &key, p.message);
    };
    if let Some(value) = r.entry("healthcheck").cloned() {
        match checks::read_healthcheck(&value) {
            Ok(check) => health.check = Some(check),
            Err(problems) => problems.into_iter().for_each(|p| report(r, "healthcheck", p)),
        }
    }
    if let Some(value) = r.entry("readiness").cloned() {
        match checks::read_readiness(&value) {
            Ok(readiness) => health.readiness = readiness,
            Err(p) => report(r, "readiness", p),
        }
    }
    if health.readiness == Readiness::HealthCheck && !r.is_set("healthcheck") {
        let offset = r.value_offset("readiness");
        r.error_at(offset, "readiness", "is healthcheck, but the program has no [healthcheck]".to_string());
    }
    let watchdog = r.int("watchdog") as u64;
    if watchdog > 0 {
        if health.readiness == Readiness::Notify {
            health.watchdog = Some(std::time::Duration::from_secs(watchdog));
        } else {
            let offset = r.value_offset("watchdog");
            r.error_at(
                offset,
                "watchdog",
                "needs readiness = \"notify\" (the pings come on NOTIFY_SOCKET)".to_string(),
            );
        }
    }
    if let Some(value) = r.entry("depends_on").cloned() {
        match checks::read_depends_on(&value) {
            Ok(deps) => health.depends_on = deps.into_iter().map(|d| d.dependency).collect(),
            Err(problems) => problems.into_iter().for_each(|p| report(r, "depends_on", p)),
        }
    }
    health
}

/// Unknown names, self-dependencies and cycles in depends_on, each at the place it is written
/// (a cycle at each of its edges).
fn check_dependency_graph(
    programs: &[(ProgramConfig, &RawSection<'_>)],
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) {
    // The dependencies are read again with their places (the model keeps none); their own
    // errors were reported with the program.
    let written: Vec<Vec<checks::WrittenDependency>> = programs
        .iter()
        .map(|(_, section)| {
            let value = section.entries.iter().find(|(k, _)| k.get_ref() == "depends_on").map(|(_, v)| v);
            value.and_then(|v| checks::read_depends_on(v).ok()).unwrap_or_default()
        })
        .collect();
    let nodes: Vec<checks::GraphNode<'_>> = programs
        .iter()
        .zip(&written)
        .map(|((program, _), deps)| checks::GraphNode {
            program: &program.name,
            depends_on: deps,
            has_check: program.processes.iter().any(|p| p.health.check.is_some()),
        })
        .collect();
    for problem in checks::graph_problems(&nodes) {
        let Some((_, section)) = programs.iter().find(|(p, _)| p.name == problem.program) else { continue };
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        r.error_at(problem.offset, "depends_on", problem.message);
    }
}
