//! The command-line grammar, and nothing else.
//!
//! Every command line taskmaster accepts is declared here with clap's derive API. This is the
//! single source for `--help`, for the interactive shell's parser (a shell line is parsed by
//! [`CtlLine`]), for the shell completions and for the man pages (`src/cmd/generate.rs`), so the
//! four can never disagree.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::protocol;

/// The names the one executable answers to. `taskmasterd` and `taskmasterctl` are symlinks to
/// `taskmaster`; [`personality_from_argv0`] picks the grammar from the name it was called by.
pub const MAIN_NAME: &str = "taskmaster";
pub const DAEMON_NAME: &str = "taskmasterd";
pub const CTL_NAME: &str = "taskmasterctl";
/// supervisord's names, which `make install-compat` links to the binary too: a drop-in.
pub const COMPAT_DAEMON_NAME: &str = "supervisord";
pub const COMPAT_CTL_NAME: &str = "supervisorctl";

/// Which grammar applies, decided by the file name the binary was invoked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personality {
    Main,
    Daemon,
    Ctl,
}

/// Maps `argv[0]` (a bare name or any path to it) to the grammar it selects. Unknown names fall
/// back to the umbrella `taskmaster` grammar, so a renamed binary still works.
pub fn personality_from_argv0(argv0: &str) -> Personality {
    let file_name = std::path::Path::new(argv0).file_name().and_then(|n| n.to_str()).unwrap_or(argv0);
    match file_name {
        DAEMON_NAME | COMPAT_DAEMON_NAME => Personality::Daemon,
        CTL_NAME | COMPAT_CTL_NAME => Personality::Ctl,
        _ => Personality::Main,
    }
}

/// `taskmaster`: a process supervisor for Unix.
#[derive(Debug, Parser)]
#[command(
    name = MAIN_NAME,
    version,
    disable_version_flag = true,
    about = "A process supervisor for Unix: starts, watches, restarts, stops and logs programs",
    long_about = "A process supervisor for Unix, in the supervisord model: a daemon (taskmasterd) \
starts, watches, restarts, stops and logs the programs described in one config file, and a \
control client (taskmasterctl) drives it from the command line or an interactive shell.\n\n\
`taskmaster daemon ...` is `taskmasterd ...` and `taskmaster ctl ...` is `taskmasterctl ...`."
)]
pub struct Cli {
    /// Print the version and exit
    #[arg(short = 'v', long = "version", action = ArgAction::Version)]
    pub version: Option<bool>,

    #[command(subcommand)]
    pub command: MainCommand,
}

#[derive(Debug, Subcommand)]
pub enum MainCommand {
    // No doc comments here: they would replace the about and long_about of DaemonArgs and
    // CtlArgs, and `taskmaster daemon --help` must say what `taskmasterd --help` says.
    Daemon(DaemonArgs),
    Ctl(CtlArgs),
    /// Validate a config file and print every error, or a one-line summary (like `nginx -t`)
    Check(CheckArgs),
    /// Print the taskmaster TOML equivalent of a supervisord config file
    ///
    /// Prints, on standard output, the TOML equivalent of a supervisord config file (its INI
    /// dialect): the same programs, groups and settings, which taskmaster loads to the same
    /// configuration. Comments stay above the keys and sections they were written above. Files
    /// named by [include] are inlined. Event listener pools become [eventlistener.NAME] tables.
    /// What has no TOML equivalent ([fcgi-program:x], supervisord-only
    /// keys) is kept as comments saying why.
    ///
    /// %(here)s and relative paths refer to the directory of the file they are written in: save
    /// the output beside the original. Converting is optional: taskmaster reads supervisord.conf
    /// as it is. A file with errors is not converted: its errors are printed, and the exit code
    /// is 1.
    Convert(ConvertArgs),
}

/// `taskmasterd`: the supervisor daemon.
#[derive(Debug, Clone, Parser)]
#[command(
    name = DAEMON_NAME,
    version,
    disable_version_flag = true,
    about = "The taskmaster supervisor daemon",
    long_about = "The taskmaster supervisor daemon: starts the programs of its config file, keeps \
them running as configured, and serves taskmasterctl on a unix socket.\n\n\
Signals: TERM, INT and QUIT stop every program and exit; HUP applies the changed config (as \
`taskmasterctl update`); USR2 reopens the log files."
)]
pub struct DaemonArgs {
    /// The config file, TOML or supervisord's INI (default: $TASKMASTER_CONFIG, then taskmaster.toml
    /// or taskmaster.conf in the current directory, $XDG_CONFIG_HOME/taskmaster/ (or
    /// ~/.config/taskmaster/), /usr/local/etc/taskmaster/, /etc/taskmaster/, /etc/, then
    /// supervisord's own search path)
    #[arg(short = 'c', long = "configuration", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub configuration: Option<PathBuf>,

    /// Stay in the foreground instead of daemonizing
    #[arg(short = 'n', long = "nodaemon")]
    pub nodaemon: bool,

    /// In the foreground, do not copy the activity log to stderr
    #[arg(short = 's', long = "silent")]
    pub silent: bool,

    /// Run as this user (overrides [taskmasterd] user)
    #[arg(short = 'u', long = "user", value_name = "USER", help_heading = "supervisord's options")]
    pub user: Option<String>,

    /// The daemon's umask, octal (overrides [taskmasterd] umask)
    #[arg(short = 'm', long = "umask", value_name = "UMASK", value_parser = crate::config::overrides::parse_umask, help_heading = "supervisord's options")]
    pub umask: Option<u32>,

    /// The directory to change to when daemonizing (overrides [taskmasterd] directory)
    #[arg(short = 'd', long = "directory", value_name = "DIR", value_parser = crate::config::overrides::parse_path, help_heading = "supervisord's options")]
    pub directory: Option<PathBuf>,

    /// The activity log, or NONE (overrides [taskmasterd] logfile)
    #[arg(short = 'l', long = "logfile", value_name = "FILE", value_parser = crate::config::overrides::parse_path, help_heading = "supervisord's options")]
    pub logfile: Option<PathBuf>,

    /// Rotate the activity log at this size, such as 50MB (overrides [taskmasterd] logfile_maxbytes)
    #[arg(short = 'y', long = "logfile_maxbytes", value_name = "BYTES", value_parser = crate::config::overrides::parse_size, help_heading = "supervisord's options")]
    pub logfile_maxbytes: Option<u64>,

    /// Rotated activity logs to keep (overrides [taskmasterd] logfile_backups)
    #[arg(short = 'z', long = "logfile_backups", value_name = "N", help_heading = "supervisord's options")]
    pub logfile_backups: Option<u32>,

    /// critical, error, warn, info, debug, trace or blather (overrides [taskmasterd] loglevel)
    #[arg(short = 'e', long = "loglevel", value_name = "LEVEL", value_parser = crate::config::overrides::parse_loglevel, help_heading = "supervisord's options")]
    pub loglevel: Option<crate::config::LogLevel>,

    /// The pidfile (overrides [taskmasterd] pidfile)
    #[arg(short = 'j', long = "pidfile", value_name = "FILE", value_parser = crate::config::overrides::parse_path, help_heading = "supervisord's options")]
    pub pidfile: Option<PathBuf>,

    /// Where AUTO child logs go (overrides [taskmasterd] childlogdir)
    #[arg(short = 'q', long = "childlogdir", value_name = "DIR", value_parser = crate::config::overrides::parse_path, help_heading = "supervisord's options")]
    pub childlogdir: Option<PathBuf>,

    /// The descriptors to make available (overrides [taskmasterd] minfds)
    #[arg(short = 'a', long = "minfds", value_name = "N", help_heading = "supervisord's options")]
    pub minfds: Option<u64>,

    /// What the daemon calls itself over XML-RPC (overrides [taskmasterd] identifier)
    #[arg(short = 'i', long = "identifier", value_name = "STR", help_heading = "supervisord's options")]
    pub identifier: Option<String>,

    /// Keep the AUTO child logs of an earlier run, as [taskmasterd] nocleanup = true does
    #[arg(short = 'k', long = "nocleanup", help_heading = "supervisord's options")]
    pub nocleanup: bool,

    /// Accepted and ignored, with a warning: no process-count limit is raised
    #[arg(long = "minprocs", value_name = "N", help_heading = "supervisord's options")]
    pub minprocs: Option<u64>,

    /// Refused: taskmaster logs output as the program writes it (no ANSI stripping yet)
    #[arg(short = 't', long = "strip_ansi", help_heading = "supervisord's options")]
    pub strip_ansi: bool,

    /// Refused: taskmaster has no profiler
    #[arg(long = "profile_options", value_name = "OPTIONS", help_heading = "supervisord's options")]
    pub profile_options: Option<String>,

    /// Print the version and exit
    #[arg(short = 'v', long = "version", action = ArgAction::Version)]
    pub version: Option<bool>,
}

impl DaemonArgs {
    /// The `[taskmasterd]` settings given on the command line.
    pub fn overrides(&self) -> crate::config::overrides::DaemonOverrides {
        crate::config::overrides::DaemonOverrides {
            user: self.user.clone(),
            umask: self.umask,
            directory: self.directory.clone(),
            logfile: self.logfile.clone(),
            logfile_maxbytes: self.logfile_maxbytes,
            logfile_backups: self.logfile_backups,
            loglevel: self.loglevel,
            pidfile: self.pidfile.clone(),
            childlogdir: self.childlogdir.clone(),
            minfds: self.minfds,
            nocleanup: self.nocleanup,
            identifier: self.identifier.clone(),
        }
    }

    /// What supervisord's options taskmasterd cannot honour make of the command line: an
    /// error for one that would change behaviour, warnings for inert ones.
    pub fn unsupported(&self) -> Result<Vec<String>, String> {
        if self.strip_ansi {
            return Err("-t/--strip_ansi is not supported: taskmaster logs output as the program writes it".into());
        }
        if self.profile_options.is_some() {
            return Err("--profile_options is not supported: taskmaster has no profiler".into());
        }
        let mut warnings = Vec::new();
        if self.minprocs.is_some() {
            warnings.push("--minprocs is ignored: taskmaster raises no process-count limit".to_string());
        }
        Ok(warnings)
    }
}

/// `taskmasterctl`: the control client.
#[derive(Debug, Clone, Parser)]
#[command(
    name = CTL_NAME,
    version,
    disable_version_flag = true,
    subcommand_value_name = "ACTION",
    subcommand_help_heading = "Actions",
    about = "Control a running taskmaster daemon",
    long_about = "Control a running taskmaster daemon over its unix socket. With an ACTION, run it \
and exit; with none (or with -i), open an interactive shell: the same actions, with history, tab \
completion of actions, options and process names, and Ctrl-C to abandon a waiting command. With \
standard input not a terminal, the shell runs one action per line, prints no prompt, and exits \
with the status of the last action that failed.\n\n\
Exit codes, as supervisorctl's: 0 success (a start of a running process and a stop of a \
stopped one included); 1 error (an unknown name, a missing command, a bad signal name); 2 bad \
arguments, or an unknown group for start; 3 status showed a stopped, exited or fatal process; \
4 status named an unknown process, or the daemon is unreachable; 7 a process is not running (a \
spawn error, an abnormal termination, a signal or pid of a stopped process), or no socket file."
)]
pub struct CtlArgs {
    /// The config file, read for the socket path ([taskmasterctl] serverurl, else [unix_server] file)
    #[arg(short = 'c', long = "configuration", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub configuration: Option<PathBuf>,

    /// The daemon's socket, as unix:///path/to.sock or a path (overrides the config file)
    #[arg(short = 's', long = "serverurl", value_name = "URL", value_hint = clap::ValueHint::FilePath)]
    pub serverurl: Option<PathBuf>,

    /// Open the interactive shell after running the action
    #[arg(short = 'i', long = "interactive")]
    pub interactive: bool,

    /// Print the version and exit
    #[arg(short = 'v', long = "version", action = ArgAction::Version)]
    pub version: Option<bool>,

    #[command(subcommand)]
    pub action: Option<Action>,
}

/// One line of the interactive shell: the same actions as the command line, without the
/// program name and the global options.
#[derive(Debug, Parser)]
#[command(name = "", no_binary_name = true, disable_version_flag = true, disable_help_flag = false)]
pub struct CtlLine {
    #[command(subcommand)]
    pub action: Action,
}

/// `taskmaster check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The config file (default: the same search as the daemon's)
    #[arg(short = 'c', long = "configuration", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub configuration: Option<PathBuf>,

    /// Treat missing or unwritable log, socket and pidfile directories as errors, not warnings
    /// (they are warnings by default: the daemon may run as another user)
    #[arg(long)]
    pub strict: bool,
}

/// `taskmaster convert`.
#[derive(Debug, Clone, Args)]
pub struct ConvertArgs {
    /// The supervisord config file
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
}

/// Which output channel of a process, as the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    Stdout,
    Stderr,
}

impl From<ChannelArg> for protocol::Channel {
    fn from(channel: ChannelArg) -> Self {
        match channel {
            ChannelArg::Stdout => protocol::Channel::Stdout,
            ChannelArg::Stderr => protocol::Channel::Stderr,
        }
    }
}

/// The states `wait --state` accepts (every public state but UNKNOWN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum StateArg {
    Stopped,
    Starting,
    Running,
    Backoff,
    Stopping,
    Exited,
    Fatal,
}

impl From<StateArg> for protocol::ProcessState {
    fn from(state: StateArg) -> Self {
        match state {
            StateArg::Stopped => protocol::ProcessState::Stopped,
            StateArg::Starting => protocol::ProcessState::Starting,
            StateArg::Running => protocol::ProcessState::Running,
            StateArg::Backoff => protocol::ProcessState::Backoff,
            StateArg::Stopping => protocol::ProcessState::Stopping,
            StateArg::Exited => protocol::ProcessState::Exited,
            StateArg::Fatal => protocol::ProcessState::Fatal,
        }
    }
}

/// The control actions. Names, arguments and output follow supervisorctl's.
#[derive(Debug, Clone, Subcommand)]
pub enum Action {
    /// Show the state of processes (all of them with no NAME)
    Status {
        /// Print JSON instead of a table (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob such as web_*
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// Start processes, waiting until each is RUNNING or has failed; what they depend on
    /// (depends_on) is started first
    Start(StartSelection),
    /// Stop processes, waiting until each has stopped
    Stop(ProcessSelection),
    /// Stop, then start processes
    Restart(ProcessSelection),
    /// Send a signal to processes
    Signal {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// The signal: a name with or without SIG (TERM, SIGHUP) or a number
        #[arg(value_name = "SIGNAL")]
        signal: String,
        /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
    /// Print the pid of processes, or of the daemon with no NAME
    Pid {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// List every configured process with its group, autostart and priority
    Avail {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
    },
    /// Print the daemon's version
    Version,
    /// Stop every process and shut the daemon down (the interactive shell asks first)
    Shutdown {
        /// Do not ask for confirmation in the interactive shell
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Wait until processes reach a state
    Wait {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// The state to wait for
        #[arg(long, value_enum, default_value = "RUNNING", ignore_case = true)]
        state: StateArg,
        /// Give up after this many seconds (exit code 1)
        #[arg(long, value_name = "SECS")]
        timeout: Option<f64>,
        /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
    /// Print the end of a process's log, or follow it with -f
    Tail {
        /// Follow: stream new output until Ctrl-C. A follower that falls behind catches up from
        /// the log file, and fails (exit 1) only if the file was rotated away meanwhile
        #[arg(short = 'f', long)]
        follow: bool,
        /// How many bytes from the end to print (default 1600); also written -N, as in -3000
        #[arg(short = 'n', long = "bytes", value_name = "N")]
        bytes: Option<u64>,
        /// The process
        #[arg(value_name = "NAME")]
        name: String,
        /// Which channel
        #[arg(value_enum, default_value = "stdout")]
        channel: ChannelArg,
    },
    /// Follow events live (supervisord's event types), one line each, until Ctrl-C
    Events {
        /// Only events of these types (supervisord's names, supertypes included: PROCESS_STATE,
        /// TICK, EVENT...; and ours, PROCESS_HEALTH); repeat for several
        #[arg(
            long = "type",
            short = 't',
            value_name = "TYPE",
            ignore_case = true,
            hide_possible_values = true,
            value_parser = clap::builder::PossibleValuesParser::new(crate::config::EVENT_TYPES)
        )]
        types: Vec<String>,
        /// One JSON object per line: eventname, time, headers, data, payload
        #[arg(long)]
        json: bool,
        /// Only events about these processes or groups: NAME, GROUP:NAME, GROUP:* (default: all
        /// events)
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// Print the end of the daemon's own log, or follow it with -f
    Maintail {
        /// Follow: stream new lines until Ctrl-C
        #[arg(short = 'f', long)]
        follow: bool,
        /// How many bytes from the end to print (default 1600); also written -N
        #[arg(short = 'n', long = "bytes", value_name = "N")]
        bytes: Option<u64>,
    },
    /// Empty the log files of processes
    Clear {
        /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob
        #[arg(value_name = "NAME", required = true)]
        names: Vec<String>,
    },
    /// Close and reopen every log file (as SIGUSR2 does)
    Reopen,
    /// Attach the terminal to a running process: its output here, your input to its stdin;
    /// Ctrl-C or Ctrl-D detaches and leaves it running
    Fg {
        /// The process
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Read the config file again and show which groups would change, changing nothing
    Reread {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
    },
    /// Apply the config file's changes per group: a changed group is stopped and renewed
    Update {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// Groups to update (default: all)
        #[arg(value_name = "GROUP")]
        names: Vec<String>,
    },
    /// Activate groups present in the config but not active
    Add {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// Groups to activate
        #[arg(value_name = "GROUP", required = true)]
        names: Vec<String>,
    },
    /// Drop stopped groups from the active configuration
    Remove {
        /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
        #[arg(long)]
        json: bool,
        /// Groups to drop; their processes must be stopped
        #[arg(value_name = "GROUP", required = true)]
        names: Vec<String>,
    },
    /// Restart the daemon's whole configuration: stop everything, reload, start again
    Reload {
        /// Do not ask for confirmation in the interactive shell
        #[arg(short = 'y', long)]
        yes: bool,
    },
}

/// The processes a start acts on, and whether their dependencies come first.
#[derive(Debug, Clone, Args)]
pub struct StartSelection {
    /// Start only the named processes, now: neither start what they depend on nor wait for it
    #[arg(long)]
    pub no_deps: bool,
    #[command(flatten)]
    pub selection: ProcessSelection,
}

/// The processes a start/stop/restart acts on, and whether to wait for the outcome.
#[derive(Debug, Clone, Args)]
pub struct ProcessSelection {
    /// Return at once instead of waiting for the outcome
    #[arg(long)]
    pub no_wait: bool,
    /// Print the outcome as JSON (the shape is in taskmasterctl(1), JSON OUTPUT)
    #[arg(long)]
    pub json: bool,
    /// Processes: NAME, GROUP:NAME, GROUP:*, all, or a glob such as web_*
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
}

impl Action {
    /// Whether the action was asked for JSON output (`--json`).
    pub fn json(&self) -> bool {
        match self {
            Action::Status { json, .. }
            | Action::Signal { json, .. }
            | Action::Pid { json, .. }
            | Action::Avail { json }
            | Action::Wait { json, .. }
            | Action::Reread { json }
            | Action::Update { json, .. }
            | Action::Add { json, .. }
            | Action::Remove { json, .. } => *json,
            Action::Start(StartSelection { selection, .. }) | Action::Stop(selection) | Action::Restart(selection) => {
                selection.json
            }
            _ => false,
        }
    }

    /// The action's name as typed on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Status { .. } => "status",
            Action::Start(_) => "start",
            Action::Stop(_) => "stop",
            Action::Restart(_) => "restart",
            Action::Signal { .. } => "signal",
            Action::Pid { .. } => "pid",
            Action::Avail { .. } => "avail",
            Action::Version => "version",
            Action::Shutdown { .. } => "shutdown",
            Action::Wait { .. } => "wait",
            Action::Tail { .. } => "tail",
            Action::Maintail { .. } => "maintail",
            Action::Events { .. } => "events",
            Action::Clear { .. } => "clear",
            Action::Reopen => "reopen",
            Action::Fg { .. } => "fg",
            Action::Reread { .. } => "reread",
            Action::Update { .. } => "update",
            Action::Add { .. } => "add",
            Action::Remove { .. } => "remove",
            Action::Reload { .. } => "reload",
        }
    }
}

/// supervisorctl writes `tail -1600 NAME`; clap has no numeric flags, so `-N` is rewritten to
/// `--bytes N` before parsing. Only the word right after `tail`/`maintail` is considered.
pub fn rewrite_numeric_tail_flag(args: &mut [String]) -> Option<usize> {
    let pos = args.iter().position(|a| a == "tail" || a == "maintail")?;
    for i in pos + 1..args.len() {
        let a = &args[i];
        if let Some(digits) = a.strip_prefix('-')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            args[i] = format!("--bytes={digits}");
            return Some(i);
        }
        if !a.starts_with('-') {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
        DaemonArgs::command().debug_assert();
        CtlArgs::command().debug_assert();
        CtlLine::command().debug_assert();
    }

    #[test]
    fn argv0_selects_the_personality() {
        for (argv0, want) in [
            ("taskmaster", Personality::Main),
            ("taskmasterd", Personality::Daemon),
            ("taskmasterctl", Personality::Ctl),
            ("/usr/local/bin/taskmasterd", Personality::Daemon),
            ("./taskmasterctl", Personality::Ctl),
            ("/usr/bin/supervisord", Personality::Daemon),
            ("supervisorctl", Personality::Ctl),
            ("/opt/x/bin/taskmaster", Personality::Main),
            ("something-else", Personality::Main),
            ("", Personality::Main),
        ] {
            assert_eq!(personality_from_argv0(argv0), want, "{argv0}");
        }
    }

    #[test]
    fn numeric_tail_flag_is_rewritten() {
        let mut args: Vec<String> = ["tail", "-3000", "web"].map(String::from).into();
        assert_eq!(rewrite_numeric_tail_flag(&mut args), Some(1));
        assert_eq!(args, ["tail", "--bytes=3000", "web"]);
        let mut args: Vec<String> = ["tail", "-f", "-20", "web"].map(String::from).into();
        rewrite_numeric_tail_flag(&mut args);
        assert_eq!(args, ["tail", "-f", "--bytes=20", "web"]);
        let mut args: Vec<String> = ["stop", "-1"].map(String::from).into();
        assert_eq!(rewrite_numeric_tail_flag(&mut args), None);
    }

    #[test]
    fn shell_lines_use_the_same_actions() {
        let line = CtlLine::try_parse_from(["stop", "--no-wait", "web"]).unwrap();
        assert!(matches!(line.action, Action::Stop(ProcessSelection { no_wait: true, .. })));
        let ctl = CtlArgs::try_parse_from(["taskmasterctl", "-s", "/x.sock", "status", "web"]).unwrap();
        assert_eq!(ctl.serverurl.as_deref(), Some(std::path::Path::new("/x.sock")));
        assert!(matches!(ctl.action, Some(Action::Status { ref names, .. }) if names == &["web"]));
    }
}
