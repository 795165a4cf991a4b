//! The table of every config section and key: its type, its default and its meaning.
//!
//! The validator looks keys up here (an unknown key is an error with a "did you mean"), takes
//! the default of an absent key from here (parsed by the same code as a user's value), and the
//! config man page `taskmaster.toml(5)` is generated from here. One table, so the documentation
//! and the code cannot drift.

/// The sections of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    UnixServer,
    InetHttpServer,
    Taskmasterd,
    Taskmasterctl,
    Program,
    Group,
    EventListener,
    Include,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::UnixServer,
        Section::InetHttpServer,
        Section::Taskmasterd,
        Section::Taskmasterctl,
        Section::Program,
        Section::Group,
        Section::EventListener,
        Section::Include,
    ];

    /// The TOML table name: `[unix_server]`, or `program` in `[program.NAME]`.
    pub fn table_name(self) -> &'static str {
        match self {
            Section::UnixServer => "unix_server",
            Section::InetHttpServer => "inet_http_server",
            Section::Taskmasterd => "taskmasterd",
            Section::Taskmasterctl => "taskmasterctl",
            Section::Program => "program",
            Section::Group => "group",
            Section::EventListener => "eventlistener",
            Section::Include => "include",
        }
    }

    /// Whether the section is a table of named sub-tables (`[program.NAME]`).
    pub fn is_named(self) -> bool {
        matches!(self, Section::Program | Section::Group | Section::EventListener)
    }

    pub fn from_table_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.table_name() == name)
    }

    pub fn doc(self) -> &'static str {
        match self {
            Section::UnixServer => "The control socket the daemon listens on.",
            Section::InetHttpServer => {
                "supervisord's HTTP server on a TCP port: its XML-RPC API and log streams, for supervisorctl, \
                 dashboards and scripts (the unix socket serves the same API). taskmasterctl uses the unix socket."
            }
            Section::Taskmasterd => "The daemon's own settings.",
            Section::Taskmasterctl => "Settings of the control client and its interactive shell.",
            Section::Program => {
                "One table per supervised program, [program.NAME]. NAME may hold letters, digits, \
                 '_', '-' and '.', and may not be all (taskmasterctl's name for every process). A \
                 program runs numprocs processes. No value may contain a NUL byte."
            }
            Section::Group => {
                "[group.NAME] gathers programs under one name (not all): their processes are then \
                 addressed as NAME:PROCESS, and NAME:* means all of them."
            }
            Section::EventListener => {
                "supervisord's event listener pool, [eventlistener.NAME]: processes that are sent \
                 events on their stdin with supervisord's listener protocol (see EVENTS below). \
                 It takes every key of [program.NAME] (its priority defaults to -1, so listeners start \
                 first and stop last, and redirect_stderr cannot be true, since stdout carries the \
                 listener protocol), and these."
            }
            Section::Include => "Further config files to read, for a conf.d layout.",
        }
    }
}

/// How a key's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any string.
    Str,
    /// A string subject to supervisord's `%(name)s` expansions.
    ExpandedStr,
    /// A path; `%(here)s` and friends expand; a relative path is relative to the directory of the
    /// file it is written in (an included file's own, for `[program.*]` keys).
    Path,
    Bool,
    /// An integer in an inclusive range.
    Int {
        min: i64,
        max: i64,
    },
    /// Bytes: an integer or a string such as "50MB" (KB, MB, GB).
    Size,
    /// An octal mode: "022", "0o022" or a TOML octal integer 0o022.
    Octal,
    /// A signal: a name with or without SIG, or a number.
    Signal,
    /// A command line, split with shell quoting rules.
    Command,
    /// A log destination: AUTO, NONE or a path.
    LogFile,
    /// KEY=value pairs: a TOML table or the string `KEY="val",KEY2="val2"`.
    Environment,
    /// `unexpected`, or true/false.
    AutoRestart,
    /// A list of exit codes (0-255), or a single one.
    ExitCodes,
    /// A list of strings.
    StrList,
    /// critical, error, warn, info, debug, trace or blather.
    LogLevel,
    /// `user` or `user:group`.
    Chown,
    /// The `[program.NAME.healthcheck]` table (`config::checks`).
    HealthCheck,
    /// none, notify, healthcheck, or `{ log_line = "..." }`.
    Readiness,
    /// A list of program names, or a table of program name -> condition.
    DependsOn,
    /// `HOST:PORT`, `:PORT`, `*:PORT` or `PORT`.
    InetAddress,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Str | Kind::ExpandedStr => "string",
            Kind::Path => "path",
            Kind::Bool => "boolean",
            Kind::Int { .. } => "integer",
            Kind::Size => "size",
            Kind::Octal => "octal mode",
            Kind::Signal => "signal",
            Kind::Command => "command line",
            Kind::LogFile => "AUTO, NONE or path",
            Kind::Environment => "environment",
            Kind::AutoRestart => "unexpected, true or false",
            Kind::ExitCodes => "list of exit codes",
            Kind::StrList => "list of strings",
            Kind::LogLevel => "log level",
            Kind::Chown => "user[:group]",
            Kind::HealthCheck => "table",
            Kind::Readiness => "readiness",
            Kind::DependsOn => "dependencies",
            Kind::InetAddress => "[host:]port",
        }
    }
}

/// A key's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// The key must be given.
    Required,
    /// Unset unless given.
    Unset,
    /// A TOML value literal, parsed exactly as a user's value would be.
    Value(&'static str),
    /// Computed at load time; the text says how.
    Computed(&'static str),
}

/// One key of one section.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub section: Section,
    pub name: &'static str,
    pub kind: Kind,
    pub default: DefaultValue,
    pub doc: &'static str,
}

const fn key(section: Section, name: &'static str, kind: Kind, default: DefaultValue, doc: &'static str) -> Key {
    Key { section, name, kind, default, doc }
}

use DefaultValue::{Computed, Required, Unset, Value};
use Section::{EventListener, Group, Include, InetHttpServer, Program, Taskmasterctl, Taskmasterd, UnixServer};

// supervisord checks no upper bound on its integers; these bounds only keep the values in the
// model's types (u32 counts and seconds: 136 years), so that configs in the wild that write
// startretries=1000000 to mean "keep trying" load unchanged.
const SECONDS: Kind = Kind::Int { min: 0, max: u32::MAX as i64 };
const COUNT: Kind = Kind::Int { min: 0, max: u32::MAX as i64 };
const PRIORITY: Kind = Kind::Int { min: i64::MIN, max: i64::MAX };

const NO_AUTH: &str = "not implemented yet: taskmasterctl speaks to the unix socket, whose chmod and chown protect it; \
                       the username and password are for supervisorctl and other HTTP clients";

/// Keys that are read into the model but change nothing yet. Setting one gives a warning at its
/// place, so that nothing is silently ignored.
pub const NOT_YET: &[(Section, &str, &str)] =
    &[(Taskmasterctl, "username", NO_AUTH), (Taskmasterctl, "password", NO_AUTH)];

/// Why a key of [`NOT_YET`] is not acted on, if it is one.
pub fn not_yet(section: Section, name: &str) -> Option<&'static str> {
    NOT_YET.iter().find(|(s, n, _)| *s == section && *n == name).map(|(_, _, why)| *why)
}

/// Every key taskmaster knows, in documentation order.
pub const KEYS: &[Key] = &[
    key(
        UnixServer,
        "file",
        Kind::Path,
        Computed("$XDG_RUNTIME_DIR/taskmaster.sock, or /run/taskmaster.sock as root, or /tmp/taskmaster-UID.sock"),
        "Path of the unix socket the daemon listens on and taskmasterctl connects to.",
    ),
    key(UnixServer, "chmod", Kind::Octal, Value("\"0700\""), "Permission bits of the socket file."),
    key(
        UnixServer,
        "chown",
        Kind::Chown,
        Unset,
        "Owner of the socket file, as user or user:group (the daemon must be root to change it).",
    ),
    key(
        UnixServer,
        "username",
        Kind::Str,
        Unset,
        "The user name HTTP clients of the socket (supervisorctl, XML-RPC scripts) must present; taskmasterctl's \
         JSON-lines protocol is protected by the socket's chmod and chown instead.",
    ),
    key(
        UnixServer,
        "password",
        Kind::Str,
        Unset,
        "The password of that user, plain or as {SHA} followed by the hex SHA-1 of the password.",
    ),
    key(
        InetHttpServer,
        "port",
        Kind::InetAddress,
        Required,
        "The TCP address to serve supervisord's HTTP/XML-RPC API on, as HOST:PORT, :PORT, *:PORT or PORT \
         (*, an empty host or a bare port listen on every interface). Prefer 127.0.0.1, or a password, or both.",
    ),
    key(
        InetHttpServer,
        "username",
        Kind::Str,
        Unset,
        "The user name HTTP clients must present (basic auth); without it anyone who reaches the port controls \
         every process.",
    ),
    key(
        InetHttpServer,
        "password",
        Kind::Str,
        Unset,
        "The password of that user, plain or as {SHA} followed by the hex SHA-1 of the password.",
    ),
    key(
        Taskmasterd,
        "logfile",
        Kind::Path,
        Value("\"%(here)s/taskmasterd.log\""),
        "The daemon's activity log. NONE disables it; syslog sends it to syslog (the daemon facility, tag taskmasterd) instead of a file. Lines it cannot write (a full disk) are counted, and the count is its first line once it can.",
    ),
    key(
        Taskmasterd,
        "logfile_maxbytes",
        Kind::Size,
        Value("\"50MB\""),
        "Rotate the activity log when it reaches this size; 0 never rotates.",
    ),
    key(
        Taskmasterd,
        "logfile_backups",
        COUNT,
        Value("10"),
        "How many rotated activity logs to keep (.1 ... .N); 0 keeps none.",
    ),
    key(
        Taskmasterd,
        "loglevel",
        Kind::LogLevel,
        Value("\"info\""),
        "The least severe activity log messages written: critical, error, warn, info, debug, trace or blather.",
    ),
    key(
        Taskmasterd,
        "pidfile",
        Kind::Path,
        Value("\"%(here)s/taskmasterd.pid\""),
        "Where the daemon writes its pid. It is locked while the daemon runs, so a second daemon on the same config refuses to start. Beside it, PIDFILE.children records the running children, so that a daemon started after a crash stops those its predecessor left.",
    ),
    key(
        Taskmasterd,
        "umask",
        Kind::Octal,
        Value("\"022\""),
        "The daemon's umask, inherited by programs that set none.",
    ),
    key(Taskmasterd, "user", Kind::Str, Unset, "Switch to this user at start-up (the daemon must be started as root)."),
    key(Taskmasterd, "directory", Kind::Path, Unset, "Change to this directory when daemonizing."),
    key(Taskmasterd, "environment", Kind::Environment, Unset, "Variables added to every program's environment."),
    key(
        Taskmasterd,
        "childlogdir",
        Kind::Path,
        Computed("taskmaster-UID in the system temporary directory ($TMPDIR or /tmp)"),
        "Directory of the AUTO program log files. The default one is private: the daemon creates it \
         with mode 0700, and refuses to start if it exists owned by another user or open to others.",
    ),
    key(
        Taskmasterd,
        "nocleanup",
        Kind::Bool,
        Value("false"),
        "Keep the AUTO log files of the programs (and their rotated backups) from an earlier run; by default they are removed when the daemon starts, as supervisord does. They stay when it stops.",
    ),
    key(Taskmasterd, "nodaemon", Kind::Bool, Value("false"), "Stay in the foreground, as -n does."),
    key(
        Taskmasterd,
        "silent",
        Kind::Bool,
        Value("false"),
        "In the foreground, do not copy the activity log to stderr, as -s does.",
    ),
    key(
        Taskmasterd,
        "minfds",
        Kind::Int { min: 0, max: 1 << 30 },
        Value("1024"),
        "Raise the soft limit of open files to at least this at start-up; fail if the hard limit is lower.",
    ),
    key(
        Taskmasterd,
        "exit_when_all_fatal",
        Kind::Bool,
        Value("false"),
        "Exit policy for a container: shut the daemon down (exit code 1) once no process is starting, running, in backoff or stopping and at least one is FATAL.",
    ),
    key(
        Taskmasterd,
        "exit_with_program",
        Kind::Str,
        Unset,
        "Exit policy for a container: when a process of this program ends for good (EXITED, or FATAL), stop the others and exit with its exit code (128+N after signal N, 1 for FATAL). A stop asked by an operator does not count.",
    ),
    key(
        Taskmasterd,
        "identifier",
        Kind::Str,
        Value("\"supervisor\""),
        "What the daemon calls itself over XML-RPC (getIdentification), as supervisord's identifier.",
    ),
    key(
        Taskmasterctl,
        "serverurl",
        Kind::Path,
        Computed("the [unix_server] file"),
        "The socket taskmasterctl connects to.",
    ),
    key(Taskmasterctl, "username", Kind::Str, Unset, "The user name sent to the server (not used yet)."),
    key(Taskmasterctl, "password", Kind::Str, Unset, "The password sent to the server (not used yet)."),
    key(Taskmasterctl, "prompt", Kind::Str, Value("\"taskmaster\""), "The interactive shell's prompt."),
    key(
        Taskmasterctl,
        "history_file",
        Kind::Path,
        Computed("$XDG_DATA_HOME/taskmaster/history, or ~/.local/share/taskmaster/history"),
        "Where the interactive shell keeps its history.",
    ),
    key(
        Program,
        "command",
        Kind::Command,
        Required,
        "The command to run, split with shell quoting rules (no shell runs it). A bare name is looked up in PATH. Expansions apply.",
    ),
    key(
        Program,
        "process_name",
        Kind::ExpandedStr,
        Computed("%(program_name)s, or %(program_name)s_%(process_num)d when numprocs > 1"),
        "The name of each process. With numprocs > 1 it must contain %(process_num).",
    ),
    key(
        Program,
        "numprocs",
        Kind::Int { min: 0, max: 100_000 },
        Value("1"),
        "How many processes of this program to run.",
    ),
    key(Program, "numprocs_start", COUNT, Value("0"), "The first %(process_num)."),
    key(Program, "priority", PRIORITY, Value("999"), "Lower priorities start first and stop last."),
    key(Program, "autostart", Kind::Bool, Value("true"), "Start the program when the daemon starts."),
    key(
        Program,
        "startsecs",
        SECONDS,
        Value("1"),
        "Seconds a process must stay up to be RUNNING; an exit before that is a failed start. 0 means RUNNING at once.",
    ),
    key(
        Program,
        "startretries",
        COUNT,
        Value("3"),
        "Failed starts in a row allowed before FATAL; each retry waits one second more than the last.",
    ),
    key(
        Program,
        "autorestart",
        Kind::AutoRestart,
        Value("\"unexpected\""),
        "Restart a RUNNING process that exits: always (true), never (false), or when its exit code is not in exitcodes (unexpected). One that exits within a second of its spawn is restarted a second after that spawn (no crash loop runs faster); one that ran longer, at once.",
    ),
    key(
        Program,
        "exitcodes",
        Kind::ExitCodes,
        Value("[0]"),
        "The expected exit codes. Death by a signal is never expected.",
    ),
    key(Program, "stopsignal", Kind::Signal, Value("\"TERM\""), "The signal that asks a process to stop."),
    key(Program, "stopwaitsecs", SECONDS, Value("10"), "Seconds to wait after stopsignal before SIGKILL."),
    key(
        Program,
        "stopasgroup",
        Kind::Bool,
        Value("false"),
        "Send stopsignal to the process's whole process group. Implies killasgroup.",
    ),
    key(Program, "killasgroup", Kind::Bool, Value("false"), "Send SIGKILL to the process's whole process group."),
    key(
        Program,
        "user",
        Kind::Str,
        Unset,
        "Run as this user (with its group and supplementary groups); the daemon must be root.",
    ),
    key(Program, "redirect_stderr", Kind::Bool, Value("false"), "Send stderr into the stdout log."),
    key(
        Program,
        "stdout_logfile",
        Kind::LogFile,
        Value("\"AUTO\""),
        "Where stdout goes: AUTO (a file in childlogdir), NONE (discarded) or a path. Expansions apply.",
    ),
    key(
        Program,
        "stdout_logfile_maxbytes",
        Kind::Size,
        Value("\"50MB\""),
        "Rotate the stdout log at this size; 0 never rotates.",
    ),
    key(Program, "stdout_logfile_backups", COUNT, Value("10"), "Rotated stdout logs to keep."),
    key(Program, "stderr_logfile", Kind::LogFile, Value("\"AUTO\""), "Where stderr goes: AUTO, NONE or a path."),
    key(
        Program,
        "stderr_logfile_maxbytes",
        Kind::Size,
        Value("\"50MB\""),
        "Rotate the stderr log at this size; 0 never rotates.",
    ),
    key(Program, "stderr_logfile_backups", COUNT, Value("10"), "Rotated stderr logs to keep."),
    key(
        Program,
        "stdout_syslog",
        Kind::Bool,
        Value("false"),
        "Also send each stdout line to syslog (priority daemon.info), tagged with the process name; with redirect_stderr, stderr's lines too.",
    ),
    key(
        Program,
        "stderr_syslog",
        Kind::Bool,
        Value("false"),
        "Also send each stderr line to syslog (priority daemon.err), tagged with the process name.",
    ),
    key(
        Program,
        "stdout_log_timestamps",
        Kind::Bool,
        Value("false"),
        "Prefix each line of the stdout log with an RFC 3339 timestamp (with redirect_stderr, stderr's lines too).",
    ),
    key(
        Program,
        "stderr_log_timestamps",
        Kind::Bool,
        Value("false"),
        "Prefix each line of the stderr log with an RFC 3339 timestamp.",
    ),
    key(
        Program,
        "log_lifecycle",
        Kind::Bool,
        Value("false"),
        "Write a marker line into the process's stdout log when it is spawned and when it exits.",
    ),
    key(
        Program,
        "environment",
        Kind::Environment,
        Unset,
        "Variables added to the process's environment, after [taskmasterd] environment. Expansions apply to values.",
    ),
    key(
        Program,
        "stdout_events_enabled",
        Kind::Bool,
        Value("false"),
        "Emit a PROCESS_LOG_STDOUT event for each chunk of stdout the process writes.",
    ),
    key(
        Program,
        "stderr_events_enabled",
        Kind::Bool,
        Value("false"),
        "Emit a PROCESS_LOG_STDERR event for each chunk of stderr the process writes.",
    ),
    key(
        Program,
        "stdout_capture_maxbytes",
        Kind::Size,
        Value("0"),
        "Capture mode: stdout written between <!--XSUPERVISOR:BEGIN--> and <!--XSUPERVISOR:END--> becomes one PROCESS_COMMUNICATION_STDOUT event instead of log output, keeping about this many bytes of it; 0 disables capture mode.",
    ),
    key(
        Program,
        "stderr_capture_maxbytes",
        Kind::Size,
        Value("0"),
        "Capture mode on stderr (PROCESS_COMMUNICATION_STDERR), as stdout_capture_maxbytes.",
    ),
    key(Program, "directory", Kind::Path, Unset, "Working directory of the process. Expansions apply."),
    key(Program, "umask", Kind::Octal, Unset, "The process's umask (default: the daemon's)."),
    key(
        Program,
        "healthcheck",
        Kind::HealthCheck,
        Unset,
        "A health check, run while the process is STARTING or RUNNING, written as a table \
         [program.NAME.healthcheck]. Its keys: type (required): \"exec\" (command exits 0), \"tcp\" (a \
         connection to host:port is accepted) or \"http\" (GET url answers with a status in status); \
         command (exec: a command line, or a list of words, run as the program's user with its environment and directory); host (tcp: an IP address or localhost, \
         default 127.0.0.1) and port (tcp); url (http: http://HOST[:PORT]/PATH, HOST an IP address \
         or localhost: no DNS is done); status (http: a status or a range such as \"200-299\", default \
         \"200-399\"); interval (seconds between checks, default 10); timeout (seconds before a check \
         counts as failed, default 5; an exec check is then killed); retries (consecutive failures \
         that make the process unhealthy, default 3); start_period (seconds after the spawn during \
         which failures are not counted, default 0); on_unhealthy (\"restart\", the default, \
         restarts an unhealthy process; \"none\" only reports it). status shows RUNNING (healthy) or \
         (unhealthy). Seconds may be fractions (0.5).",
    ),
    key(
        Program,
        "readiness",
        Kind::Readiness,
        Value("\"none\""),
        "When a RUNNING process is ready, for the ready condition of depends_on: \"none\" (when \
         RUNNING, as supervisord), \"healthcheck\" (its health check has passed once), { log_line = \
         \"TEXT\" } (a line of its output contains TEXT, a plain substring), or \"notify\": the \
         program speaks systemd's sd_notify protocol on the datagram socket named by NOTIFY_SOCKET \
         (a private one per process): READY=1 moves it from STARTING to RUNNING, STATUS=TEXT is shown \
         in status, WATCHDOG=1 feeds the watchdog, STOPPING=1 is logged. A notify program that has \
         not sent READY=1 within startsecs is killed and counts as a failed start, so give notify \
         programs a startsecs long enough to start up (with startsecs = 0 it waits for ever).",
    ),
    key(
        Program,
        "watchdog",
        SECONDS,
        Value("0"),
        "With readiness = \"notify\": restart the process when, once it has sent READY=1, it goes \
         this many seconds without sending WATCHDOG=1 (WATCHDOG_USEC is passed to it, as systemd does; WATCHDOG_PID is not, since the pid is not known before the fork). 0 disables.",
    ),
    key(
        Program,
        "depends_on",
        Kind::DependsOn,
        Unset,
        "Programs that must have reached a condition before this one starts, as docker compose's \
         depends_on: a list of names, [\"db\"] (each started), or a table of conditions, { db = \
         \"healthy\", migrate = \"completed\" } (compose's long form { db = { condition = \
         \"service_healthy\" } } works too). Conditions: started (every process of it RUNNING), ready \
         (RUNNING and ready, see readiness), healthy (its health check passing), completed (exited \
         with one of its exitcodes). Starting a program starts what it depends on first (taskmasterctl \
         start --no-deps does not); a program whose dependency is FATAL waits, and status says why. \
         Stopping everything (and taskmasterctl stop of several processes: all, GROUP:*, a list) \
         stops dependants before what they depend on. Programs without depends_on keep priority \
         order.",
    ),
    key(Group, "programs", Kind::StrList, Required, "The programs in the group."),
    key(Group, "priority", PRIORITY, Value("999"), "The group's priority, given to its programs."),
    key(
        EventListener,
        "events",
        Kind::StrList,
        Required,
        "The event types the pool subscribes to, such as PROCESS_STATE_EXITED or TICK_60 (supervisord's names; a supertype such as PROCESS_STATE takes all of its kind).",
    ),
    key(
        EventListener,
        "buffer_size",
        Kind::Int { min: 1, max: u32::MAX as i64 },
        Value("10"),
        "How many events may wait for a free listener; when full, the oldest is discarded and the daemon log says so.",
    ),
    key(
        EventListener,
        "result_handler",
        Kind::Str,
        Value("\"supervisor.dispatchers:default_handler\""),
        "How a listener's result is read. Only supervisord's default is supported: OK acknowledges the event, anything else rejects it and it is sent again.",
    ),
    key(
        Include,
        "files",
        Kind::StrList,
        Required,
        "Glob patterns of further config files, relative to the including file. They may hold [program.*] and [group.*] tables.",
    ),
];

/// The keys of one section.
pub fn keys_of(section: Section) -> impl Iterator<Item = &'static Key> + Clone {
    KEYS.iter().filter(move |k| k.section == section)
}

/// A key of a section; an event listener pool also takes every program key.
pub fn find(section: Section, name: &str) -> Option<&'static Key> {
    keys_of(section).find(|k| k.name == name).or_else(|| match section {
        Section::EventListener => find(Section::Program, name),
        _ => None,
    })
}

/// Every key name a section takes, its inherited ones included: the candidates of a
/// did-you-mean.
pub fn names_of(section: Section) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = keys_of(section).map(|k| k.name).collect();
    if section == Section::EventListener {
        names.extend(keys_of(Section::Program).map(|k| k.name));
    }
    names
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 4) && d < c.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_within_its_section() {
        for (i, a) in KEYS.iter().enumerate() {
            for b in &KEYS[i + 1..] {
                assert!(!(a.section == b.section && a.name == b.name), "{} twice", a.name);
            }
        }
    }

    #[test]
    fn suggestions_find_typos_only() {
        let names = keys_of(Section::Program).map(|k| k.name);
        assert_eq!(did_you_mean("comand", names.clone()), Some("command"));
        assert_eq!(did_you_mean("autostrat", names.clone()), Some("autostart"));
        assert_eq!(did_you_mean("stopwaitsec", names.clone()), Some("stopwaitsecs"));
        assert_eq!(did_you_mean("xyzzy", names), None);
    }
}
