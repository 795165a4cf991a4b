//! The configuration model, shared by the daemon, the client and `taskmaster check`.
//!
//! A config file is found ([`find_config_file`]), parsed with spans by `toml` (or, when its
//! content says it is supervisord's INI, by [`ini`] into the same format-neutral sections), then
//! validated against the key table ([`keys`]) into this model, with every error reported at once
//! as `FILE:LINE:COL: [section] key: message` ([`ConfigErrors`]), and whatever is accepted but
//! not acted on kept as located warnings ([`Config::warnings`]). Each program is expanded into its
//! processes here, with supervisord's `%(...)s` expansions applied, so the rest of the code (and
//! the reload diff) only ever sees the effective per-process settings.

pub mod checks;
pub mod diff;
mod ini;
mod ini_lex;
pub mod keys;
mod leading_zero;
pub mod overrides;
mod sections;
#[cfg(test)]
mod tests;
mod validate;
mod value_readers;
pub mod values;

use std::fmt;
use std::path::{Path, PathBuf};

pub use checks::{Condition, Dependency, HealthCheck, HealthConfig, OnUnhealthy, Probe, Readiness};
pub use ini::{convert_to_toml, looks_like_ini, section_mapping, supervisord_only_keys};
pub use validate::{EVENT_TYPES, default_childlogdir, parse_str};
pub use values::Signal;

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The main config file.
    pub source: PathBuf,
    pub unix_server: UnixServerConfig,
    pub daemon: DaemonConfig,
    pub ctl: CtlConfig,
    /// Programs in the order they were declared.
    pub programs: Vec<ProgramConfig>,
    /// supervisord's event listener pools, in the order they were declared.
    pub event_listeners: Vec<EventListenerConfig>,
    /// The HTTP front-end's TCP listener and the credentials HTTP clients must present.
    pub http: HttpConfig,
    /// The syntax the main file is written in.
    pub format: ConfigFormat,
    /// What was accepted but is not acted on (a supervisord key taskmaster does not implement
    /// yet, an unknown supervisord key), each with its place. Not errors: the config loads.
    pub warnings: Vec<ConfigError>,
}

/// The two syntaxes a config file may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// taskmaster's own TOML.
    Toml,
    /// supervisord's INI dialect (`[supervisord]`, `[program:x]`).
    Ini,
}

impl ConfigFormat {
    pub fn describe(self) -> &'static str {
        match self {
            ConfigFormat::Toml => "taskmaster TOML",
            ConfigFormat::Ini => "supervisord INI",
        }
    }
}

/// Settings of supervisord's HTTP servers and of their authentication (from `[inet_http_server]`
/// and the username and password keys): the daemon's HTTP front-end serves them, asking HTTP
/// clients for the password of the listener they connect to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpConfig {
    /// `[inet_http_server]`, when present.
    pub inet: Option<InetServerConfig>,
    /// `[unix_server]` (supervisord's `[unix_http_server]`) username and password.
    pub unix_credentials: Option<Credentials>,
    /// `[taskmasterctl]` (supervisord's `[supervisorctl]`) username and password.
    pub ctl_credentials: Option<Credentials>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetServerConfig {
    /// Empty for every interface, as supervisord's `*:9001` and `9001`.
    pub host: String,
    pub port: u16,
    pub credentials: Option<Credentials>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    /// As written: plain text, or `{SHA}` followed by a hex SHA-1 digest.
    pub password: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnixServerConfig {
    pub file: PathBuf,
    pub chmod: u32,
    pub chown: Option<Chown>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chown {
    pub user: String,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DaemonConfig {
    /// None when set to NONE.
    pub logfile: Option<PathBuf>,
    pub logfile_maxbytes: u64,
    pub logfile_backups: u32,
    pub loglevel: LogLevel,
    pub pidfile: PathBuf,
    pub umask: u32,
    pub user: Option<String>,
    pub directory: Option<PathBuf>,
    pub environment: Vec<(String, String)>,
    pub childlogdir: PathBuf,
    pub nodaemon: bool,
    pub silent: bool,
    pub minfds: u64,
    /// `logfile = "syslog"`: the activity log goes to syslog (and `logfile` is None).
    pub syslog: bool,
    /// Keep the AUTO log files of an earlier run (else they are removed at start, as supervisord does).
    pub nocleanup: bool,
    /// The exit policy (a container's daemon): shut down once no process runs and some are FATAL.
    pub exit_when_all_fatal: bool,
    /// The exit policy: shut down when a process of this program ends (EXITED or FATAL), with
    /// its exit code.
    pub exit_with_program: Option<String>,
    /// What the daemon calls itself over XML-RPC (`getIdentification`).
    pub identifier: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CtlConfig {
    /// The socket the client connects to.
    pub serverurl: PathBuf,
    pub prompt: String,
    pub history_file: Option<PathBuf>,
}

/// The activity log's threshold, in supervisord's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Critical,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
    Blather,
}

impl LogLevel {
    pub fn as_log_filter(self) -> log::LevelFilter {
        match self {
            LogLevel::Critical | LogLevel::Error => log::LevelFilter::Error,
            LogLevel::Warn => log::LevelFilter::Warn,
            LogLevel::Info => log::LevelFilter::Info,
            LogLevel::Debug => log::LevelFilter::Debug,
            LogLevel::Trace | LogLevel::Blather => log::LevelFilter::Trace,
        }
    }
}

/// One `[program.NAME]` table, expanded into its processes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramConfig {
    pub name: String,
    /// The group it belongs to: a `[group.NAME]` listing it, else a group of its own name.
    pub group: String,
    pub priority: i64,
    pub processes: Vec<ProcessConfig>,
}

/// One `[eventlistener.NAME]` (supervisord's `[eventlistener:NAME]`): a pool of processes fed
/// events on their stdin (see `daemon::events`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventListenerConfig {
    /// The pool's processes, with every program setting; the pool is their group.
    pub pool: ProgramConfig,
    /// supervisord's event type names, upper-case.
    pub events: Vec<String>,
    pub buffer_size: u32,
    pub result_handler: String,
}

/// The one result handler supported: supervisord's default (`OK` acknowledges, anything else
/// rejects the event, which is sent again).
pub const DEFAULT_RESULT_HANDLER: &str = "supervisor.dispatchers:default_handler";

/// What a process's output gives the event listeners (supervisord's `*_events_enabled` and
/// `*_capture_maxbytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputEvents {
    pub stdout_events_enabled: bool,
    pub stderr_events_enabled: bool,
    /// 0: no capture mode.
    pub stdout_capture_maxbytes: u64,
    pub stderr_capture_maxbytes: u64,
}

/// When a process that exits from RUNNING is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoRestart {
    Always,
    Never,
    Unexpected,
}

/// Where one output channel of a process goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogDestination {
    /// Drained and discarded.
    None,
    /// A file (AUTO is resolved to a path in childlogdir at load time).
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    pub destination: LogDestination,
    pub maxbytes: u64,
    pub backups: u32,
    /// Prefix each line with an RFC 3339 timestamp.
    pub timestamps: bool,
    /// AUTO: the daemon chose the name, in childlogdir (see `RotatingFile`'s rules for those).
    pub auto: bool,
    /// Also send each line to syslog, tagged with the process name (`stdout_syslog`).
    pub syslog: bool,
}

impl LogConfig {
    /// No log at all: stderr under `redirect_stderr`, and a plain process in tests.
    pub fn none() -> Self {
        LogConfig {
            destination: LogDestination::None,
            maxbytes: 0,
            backups: 0,
            timestamps: false,
            auto: false,
            syslog: false,
        }
    }
}

/// The effective settings of one process: everything the daemon needs to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessConfig {
    pub name: String,
    pub program: String,
    pub group: String,
    pub process_num: u32,
    /// argv, already split; never empty.
    pub command: Vec<String>,
    pub priority: i64,
    pub autostart: bool,
    pub startsecs: u64,
    pub startretries: u32,
    pub autorestart: AutoRestart,
    pub exitcodes: Vec<i32>,
    pub stopsignal: Signal,
    pub stopwaitsecs: u64,
    pub stopasgroup: bool,
    pub killasgroup: bool,
    pub user: Option<String>,
    pub redirect_stderr: bool,
    pub stdout: LogConfig,
    pub stderr: LogConfig,
    /// The program's own variables (the daemon adds its own and TASKMASTER_* at spawn time).
    pub environment: Vec<(String, String)>,
    pub directory: Option<PathBuf>,
    pub umask: Option<u32>,
    /// Write spawn and exit markers into the stdout log.
    pub log_lifecycle: bool,
    /// Health check, readiness, watchdog and dependencies (`config::checks`); all empty by
    /// default, which is supervisord's behaviour.
    pub health: HealthConfig,
    /// Events made of its output.
    pub output_events: OutputEvents,
}

impl ProcessConfig {
    /// `group:name`, the fully qualified name supervisorctl shows when the group is not the
    /// program itself.
    pub fn qualified_name(&self) -> String {
        qualified_name(&self.group, &self.name)
    }
}

/// A process's display name: its own name when its group is the one implied by its program, else
/// `group:name`.
pub fn qualified_name(group: &str, name: &str) -> String {
    if group == name { name.to_string() } else { format!("{group}:{name}") }
}

impl Config {
    /// Every process in declaration order: the programs', then the event listeners'.
    pub fn processes(&self) -> impl Iterator<Item = &ProcessConfig> {
        self.groups().flat_map(|p| p.processes.iter())
    }

    /// Every program, then every event listener pool (a program of listener processes).
    pub fn groups(&self) -> impl Iterator<Item = &ProgramConfig> {
        self.programs.iter().chain(self.event_listeners.iter().map(|l| &l.pool))
    }

    /// The event listener pool a process belongs to, if it is a listener.
    pub fn listener_pool_of(&self, process: &ProcessConfig) -> Option<&EventListenerConfig> {
        self.event_listeners.iter().find(|l| l.pool.name == process.program)
    }
}

/// One problem in a config file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based line and column; 0 when the problem has no single place (a missing file).
    pub line: usize,
    pub column: usize,
    /// e.g. `program.web`, empty at the top level.
    pub section: String,
    /// The key, empty when the problem is about the section itself.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ":")?;
        if !self.section.is_empty() {
            write!(f, " [{}]", self.section)?;
        }
        if !self.key.is_empty() {
            write!(f, " {}", self.key)?;
        }
        if !self.section.is_empty() || !self.key.is_empty() {
            write!(f, ":")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Every problem found in a config, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The environment variable naming the config file when `-c` is absent.
pub const CONFIG_ENV: &str = "TASKMASTER_CONFIG";

/// Where a config file is looked for when `-c` is absent, after `$TASKMASTER_CONFIG`.
pub fn search_path() -> Vec<PathBuf> {
    search_path_with(user_config_dir())
}

/// The per-user config directory, for a user's own daemon: `$XDG_CONFIG_HOME/taskmaster`, or
/// `~/.config/taskmaster` (the XDG base directory default).
pub fn user_config_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config"))).map(|d| d.join("taskmaster"))
}

/// [`search_path`] with the per-user directory passed in (the man page shows it unexpanded).
pub fn search_path_with(user_dir: Option<PathBuf>) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from(".")];
    dirs.extend(user_dir);
    dirs.extend(["/usr/local/etc/taskmaster", "/etc/taskmaster", "/etc"].map(PathBuf::from));
    let mut paths = Vec::new();
    for dir in dirs {
        for name in ["taskmaster.toml", "taskmaster.conf"] {
            // "./x" reads better than "x" in "looked in" messages.
            paths.push(dir.join(name));
        }
    }
    paths
}

/// supervisord's own search path (its `options.py`), looked in when none of ours exists: two
/// places relative to the directory above the executable's (`/usr/bin/supervisord` looks in
/// `/usr/etc/`), then the current directory, then `/etc`.
pub fn supervisord_search_path(executable: &Path) -> Vec<PathBuf> {
    let base = executable.parent().and_then(Path::parent).unwrap_or(Path::new(""));
    vec![
        base.join("etc/supervisord.conf"),
        base.join("supervisord.conf"),
        PathBuf::from("supervisord.conf"),
        PathBuf::from("etc/supervisord.conf"),
        PathBuf::from("/etc/supervisord.conf"),
        PathBuf::from("/etc/supervisor/supervisord.conf"),
    ]
}

/// The executable as supervisord sees it (`sys.argv[0]`): the path it was run by, or, for a
/// bare name found in PATH, the file it is.
fn executable_path() -> PathBuf {
    match std::env::args_os().next().map(PathBuf::from) {
        Some(argv0) if argv0.components().count() > 1 => argv0,
        _ => std::env::current_exe().unwrap_or_default(),
    }
}

/// Finds the config file: `explicit` (from -c) if given, else `$TASKMASTER_CONFIG`, else the
/// first file of [`search_path`] that exists, else the first of supervisord's own
/// ([`supervisord_search_path`]).
pub fn find_config_file(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    find_config_file_in(explicit, std::env::var_os(CONFIG_ENV), &config_candidates())
}

/// Every file looked for when neither -c nor `$TASKMASTER_CONFIG` names one, in order.
pub fn config_candidates() -> Vec<PathBuf> {
    let mut candidates = search_path();
    candidates.extend(supervisord_search_path(&executable_path()));
    candidates
}

/// [`find_config_file`] with the environment variable's value and the candidates passed in.
fn find_config_file_in(
    explicit: Option<&Path>,
    env: Option<std::ffi::OsString>,
    candidates: &[PathBuf],
) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = env.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let looked: Vec<String> = std::iter::once(format!("${CONFIG_ENV} (unset)"))
        .chain(candidates.iter().map(|p| p.display().to_string()))
        .collect();
    anyhow::bail!("no config file found; pass one with -c FILE. Looked in: {}", looked.join(", "))
}

fn read(path: &Path) -> Result<String, ConfigErrors> {
    std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            section: String::new(),
            key: String::new(),
            message: format!("cannot read the config file: {e}"),
        }])
    })
}

/// Parses a config in either format, decided by its content ([`looks_like_ini`]).
pub fn parse_any(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    if looks_like_ini(text) { ini::parse_str(text, path) } else { validate::parse_str(text, path) }
}

/// Reads and validates a config file, in either format.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    parse_any(&read(path)?, path)
}

/// Loads what the client needs (the socket, the shell's settings): only the `[unix_server]`
/// and `[taskmasterctl]` tables are validated, which keeps `taskmasterctl` quick on a large
/// config and lets `taskmasterctl update` reach the daemon (and show it the errors) when the
/// programs are broken. The programs of the result are empty. A broken client table is
/// reported from a full load, so that lines and columns point into the real file.
pub fn load_client_settings(path: &Path) -> Result<Config, ConfigErrors> {
    if let Ok(text) = std::fs::read_to_string(path)
        && looks_like_ini(&text)
    {
        return ini::parse_client_settings(&text, path);
    }
    let client_only = std::fs::read_to_string(path).ok().and_then(|text| {
        let mut table = text.parse::<toml::Table>().ok()?;
        table.retain(|section, _| section == "unix_server" || section == "taskmasterctl");
        toml::to_string(&table).ok()
    });
    if let Some(text) = client_only
        && let Ok(config) = validate::parse_str(&text, path)
    {
        return Ok(config);
    }
    load(path)
}

/// Finds, then loads, the config file.
pub fn find_and_load(explicit: Option<&Path>) -> anyhow::Result<Config> {
    let path = find_config_file(explicit)?;
    Ok(load(&path)?)
}
