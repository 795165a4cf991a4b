//! `taskmasterctl`: finds the daemon's socket, turns an action into a [`Request`], and renders
//! the [`Response`] with supervisorctl's wording and exit codes.
//!
//! The parts: `connection` is the transport ([`Connection`]); [`waiting`] owns blocking on the
//! daemon and the shell's Ctrl-C, used by the transport for both the one-shot client and the
//! shell; [`render`] turns responses into text (pure); [`shell`] is the interactive shell on the
//! same grammar and the same [`execute`]. The transport knows nothing of the shell.

pub mod complete;
mod connection;
pub mod render;
pub mod shell;
pub mod waiting;

pub use connection::Connection;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Action, CtlArgs, ProcessSelection, StartSelection};
use crate::config::{self, Signal};
use crate::protocol::{self, ErrorKind, ProcessState, Request, Response};

/// The code of a [`Failure`] to write to our own stdout because its reader went away.
const OUTPUT_CLOSED: u8 = 141;

fn output_failed(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::new(OUTPUT_CLOSED, "the output was closed")
    } else {
        Failure::new(exit::ERROR, format!("can't write the output: {e}"))
    }
}

/// What `tail` and `maintail` print without -N, as supervisorctl.
pub const DEFAULT_TAIL_BYTES: u64 = 1600;

/// supervisorctl 4.x's exit codes.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const BAD_ARGUMENTS: u8 = 2;
    /// `status` found a process that is not running.
    pub const NOT_RUNNING: u8 = 3;
    /// A name matched no process, or the daemon is unreachable.
    pub const UNKNOWN: u8 = 4;
    /// No socket file: the daemon is not running.
    pub const NO_SOCKET: u8 = 7;
}

/// A failure to print on one line, with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

/// The socket to use: -s, else the config's `[taskmasterctl] serverurl` (which defaults to
/// `[unix_server] file`), else the built-in default when no config file exists.
pub fn socket_path(args: &CtlArgs) -> Result<PathBuf, Failure> {
    if let Some(path) = &args.serverurl {
        return Ok(path.clone());
    }
    let path = match config::find_config_file(args.configuration.as_deref()) {
        Ok(path) => path,
        Err(_) if args.configuration.is_none() => {
            // No config anywhere: the daemon's default socket is still worth a try.
            return Ok(config::parse_str("", Path::new("taskmaster.toml"))
                .map(|c| c.ctl.serverurl)
                .unwrap_or_else(|_| PathBuf::from("/run/taskmaster.sock")));
        }
        Err(e) => return Err(Failure::new(exit::BAD_ARGUMENTS, format!("{e:#}"))),
    };
    config::load_client_settings(&path)
        .map(|c| c.ctl.serverurl)
        .map_err(|e| Failure::new(exit::BAD_ARGUMENTS, e.to_string()))
}

/// `taskmasterctl [options] [ACTION ...]`: runs the action and returns the exit code.
/// With no action, or with -i, the interactive shell ([`shell::run`]) takes over.
pub fn run(args: &CtlArgs) -> u8 {
    let Some(action) = args.action.as_ref().filter(|_| !args.interactive) else {
        return shell::run(args);
    };
    let outcome = socket_path(args).and_then(|path| execute(action, &path, &mut std::io::stdout()));
    match outcome {
        Ok(code) => code,
        // `taskmasterctl tail -f web | head`: the reader left, which is how such pipes end.
        Err(failure) if failure.code == OUTPUT_CLOSED => exit::SUCCESS,
        Err(failure) => {
            eprintln!("taskmasterctl: {}", failure.message);
            if matches!(failure.code, exit::NO_SOCKET | exit::UNKNOWN)
                && let Some(note) = no_config_note(args)
            {
                eprintln!("taskmasterctl: {note}");
            }
            failure.code
        }
    }
}

/// When no config file was found, the socket tried was the built-in default: says so, and
/// where config files are looked for, so that a failed connection explains itself.
pub fn no_config_note(args: &CtlArgs) -> Option<String> {
    if args.serverurl.is_some() || args.configuration.is_some() {
        return None;
    }
    if config::find_config_file(None).is_ok() {
        return None;
    }
    let looked: Vec<String> = config::config_candidates().iter().map(|p| p.display().to_string()).collect();
    Some(format!(
        "no config file was found (looked in ${}, then {}), so the default socket was tried; \
         name a config with -c FILE or the socket with -s PATH",
        config::CONFIG_ENV,
        looked.join(", ")
    ))
}

fn wants_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn unexpected(response: Response) -> Failure {
    match response {
        Response::Error { kind: ErrorKind::BadRequest, message } => Failure::new(exit::BAD_ARGUMENTS, message),
        Response::Error { kind: ErrorKind::NoSuchProcess, message } => Failure::new(exit::UNKNOWN, message),
        Response::Error { message, .. } => Failure::new(exit::ERROR, message),
        other => Failure::new(exit::ERROR, format!("unexpected response from taskmasterd: {other:?}")),
    }
}

fn results_code(results: &[protocol::ProcessResult]) -> u8 {
    if results.iter().any(|r| r.error == Some(ErrorKind::NoSuchProcess)) {
        exit::UNKNOWN
    } else if results.iter().any(|r| r.error.is_some()) {
        exit::ERROR
    } else {
        exit::SUCCESS
    }
}

/// Runs one action against the daemon at `socket`, writing its output to `out`.
pub fn execute(action: &Action, socket: &Path, out: &mut dyn Write) -> Result<u8, Failure> {
    let request = match action {
        Action::Status { names, .. } => Request::Status { names: names.clone() },
        Action::Start(StartSelection { selection: ProcessSelection { names, no_wait, .. }, no_deps }) => {
            Request::Start { names: names.clone(), wait: !no_wait, no_deps: *no_deps }
        }
        Action::Stop(ProcessSelection { names, no_wait, .. }) => Request::Stop { names: names.clone(), wait: !no_wait },
        Action::Restart(ProcessSelection { names, no_wait, .. }) => {
            Request::Restart { names: names.clone(), wait: !no_wait }
        }
        Action::Signal { signal, names, .. } => {
            Signal::parse(signal).map_err(|e| Failure::new(exit::BAD_ARGUMENTS, format!("signal: {e}")))?;
            Request::Signal { signal: signal.clone(), names: names.clone() }
        }
        Action::Pid { names, .. } => Request::Pid { names: names.clone() },
        Action::Avail { .. } => Request::Avail,
        Action::Version => Request::Version,
        Action::Shutdown { .. } => Request::Shutdown,
        Action::Wait { state, timeout, names, .. } => {
            let timeout_ms = match timeout {
                Some(t) if !t.is_finite() || *t < 0.0 => {
                    return Err(Failure::new(exit::BAD_ARGUMENTS, format!("wait: bad --timeout {t}")));
                }
                Some(t) => Some((t * 1000.0) as u64),
                None => None,
            };
            Request::Wait { names: names.clone(), state: (*state).into(), timeout_ms }
        }
        Action::Reread { .. } => Request::Reread,
        Action::Update { names, .. } => Request::Update { names: names.clone() },
        Action::Add { names, .. } => Request::Add { names: names.clone() },
        Action::Remove { names, .. } => Request::Remove { names: names.clone() },
        Action::Reload { .. } => Request::Reload,
        Action::Tail { follow, bytes, name, channel } => Request::Tail {
            name: name.clone(),
            channel: (*channel).into(),
            bytes: bytes.unwrap_or(DEFAULT_TAIL_BYTES),
            follow: *follow,
        },
        Action::Maintail { follow, bytes } => {
            Request::Maintail { bytes: bytes.unwrap_or(DEFAULT_TAIL_BYTES), follow: *follow }
        }
        Action::Clear { names } => Request::Clear { names: names.clone() },
        Action::Reopen => Request::Reopen,
        Action::Fg { name } => Request::Fg { name: name.clone() },
        Action::Events { names, types, json } => {
            Request::Events { names: names.clone(), types: types.clone(), json: *json }
        }
    };
    let mut connection = Connection::open(socket)?;
    let response = connection.request(request)?;
    let write_failed = output_failed;
    let json = action.json();
    // With --json, stdout holds one JSON document; names that matched nothing are said on stderr.
    let unknown_names = |out: &mut dyn Write, unknown: &[String]| {
        for name in unknown {
            if json {
                eprintln!("taskmasterctl: {name}: ERROR (no such process)");
            } else {
                writeln!(out, "{name}: ERROR (no such process)").map_err(write_failed)?;
            }
        }
        Ok::<(), Failure>(())
    };
    match (action, response) {
        (Action::Status { json, .. }, Response::Status { now, processes, unknown }) => {
            if *json {
                writeln!(out, "{}", render::status_json(&processes, now)).map_err(write_failed)?;
            } else {
                write!(out, "{}", render::status_table(&processes, now, wants_colour())).map_err(write_failed)?;
            }
            unknown_names(out, &unknown)?;
            Ok(if !unknown.is_empty() {
                exit::UNKNOWN
            } else if processes.iter().any(|p| p.state != ProcessState::Running) {
                exit::NOT_RUNNING
            } else {
                exit::SUCCESS
            })
        }
        (_, Response::Results { results }) => {
            let text = if json { render::results_json(&results) + "\n" } else { render::results(&results) };
            write!(out, "{text}").map_err(write_failed)?;
            Ok(results_code(&results))
        }
        (_, Response::DaemonPid { pid }) => {
            let pids = [("taskmasterd".to_string(), Some(pid))];
            let text = if json { render::pids_json(&pids) } else { pid.to_string() };
            writeln!(out, "{text}").map_err(write_failed)?;
            Ok(exit::SUCCESS)
        }
        (_, Response::Pids { pids, unknown }) => {
            if json {
                writeln!(out, "{}", render::pids_json(&pids)).map_err(write_failed)?;
            } else {
                for (_, pid) in &pids {
                    writeln!(out, "{}", pid.unwrap_or(0)).map_err(write_failed)?;
                }
            }
            unknown_names(out, &unknown)?;
            Ok(if unknown.is_empty() { exit::SUCCESS } else { exit::UNKNOWN })
        }
        (_, Response::Avail { programs }) => {
            let text = if json { render::avail_json(&programs) + "\n" } else { render::avail(&programs) };
            write!(out, "{text}").map_err(write_failed)?;
            Ok(exit::SUCCESS)
        }
        (_, Response::Version { version }) => {
            writeln!(out, "{version}").map_err(write_failed)?;
            Ok(exit::SUCCESS)
        }
        (Action::Fg { name }, Response::Stream) => {
            // On stderr, as the notices of a tool that pipes a process's output should be.
            eprintln!(
                "==> attached to {name}: its output follows, what you type goes to its stdin; Ctrl-C or Ctrl-D detaches <=="
            );
            if connection.attach(out)? {
                eprintln!("==> detached from {name}; it keeps running <==");
            }
            Ok(exit::SUCCESS)
        }
        (_, Response::Stream) => {
            connection.stream_to(out)?;
            Ok(exit::SUCCESS)
        }
        (_, Response::Frames) => {
            let end = connection.frames_to(out)?;
            if end.error {
                return Err(Failure::new(exit::ERROR, end.message));
            }
            // Why the stream ended (the process was removed), apart from its output.
            if !end.message.is_empty() {
                eprintln!("taskmasterctl: {}", end.message);
            }
            Ok(exit::SUCCESS)
        }
        (_, Response::Done { message }) => {
            // Among the --json actions, only reread and update answer with a message, the one
            // that says nothing changed: no results.
            let text = if json { render::results_json(&[]) } else { message };
            writeln!(out, "{text}").map_err(write_failed)?;
            Ok(exit::SUCCESS)
        }
        (_, other) => Err(unexpected(other)),
    }
}
