//! `taskmasterctl`: finds the daemon's socket, turns an action into a [`Request`], and renders
//! the [`Response`] with supervisorctl's wording and exit codes.
//!
//! The parts: `connection` is the transport ([`Connection`]); [`waiting`] owns blocking on the
//! daemon and the shell's Ctrl-C, used by the transport for both the one-shot client and the
//! shell; [`render`] turns responses into text (pure); [`shell`] is the interactive shell on the
//! same grammar and the same [`execute`]. The transport knows nothing of the shell.

pub mod complete;
mod connection;
pub mod exit_codes;
pub mod render;
pub mod shell;
pub mod waiting;

pub use connection::Connection;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Action, CtlArgs, ProcessSelection, StartSelection};
use crate::config;
use crate::protocol::{ErrorKind, Request, Response};

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
    /// LSB's "program is not running": a spawn error, an abnormal termination, a signal or
    /// `pid` of a process that does not run.
    pub const LSB_NOT_RUNNING: u8 = 7;
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
    if let Some(url) = &args.serverurl {
        return server_url_path(&url.to_string_lossy());
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

/// The socket a `-s` URL names, in supervisorctl's forms: `unix:///path/to.sock`, or a plain
/// path. `http://host:port` is supervisord's TCP server, which taskmasterd does not serve yet.
pub fn server_url_path(url: &str) -> Result<PathBuf, Failure> {
    if let Some(path) = url.strip_prefix("unix://") {
        return Ok(PathBuf::from(path));
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Err(Failure::new(
            exit::BAD_ARGUMENTS,
            format!(
                "-s {url}: HTTP server URLs are not supported yet; use unix:///path/to/socket or the socket's path"
            ),
        ));
    }
    match url.split_once("://") {
        Some((scheme, _)) => Err(Failure::new(
            exit::BAD_ARGUMENTS,
            format!("-s {url}: unknown scheme '{scheme}' (use unix:///path/to/socket or the socket's path)"),
        )),
        None => Ok(PathBuf::from(url)),
    }
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

fn lines_of(action: &Action) -> exit_codes::LinesOf {
    match action {
        Action::Start(_) => exit_codes::LinesOf::Start,
        Action::Stop(_) => exit_codes::LinesOf::Stop,
        Action::Restart(_) => exit_codes::LinesOf::Restart,
        Action::Wait { .. } => exit_codes::LinesOf::Wait,
        _ => exit_codes::LinesOf::Other,
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
        // An unknown signal is answered per process (`NAME: ERROR (bad signal name)`).
        Action::Signal { signal, names, .. } => Request::Signal { signal: signal.clone(), names: names.clone() },
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
    let unknown_to_stderr = |unknown: &[String]| {
        for name in unknown {
            eprintln!("taskmasterctl: {name}: ERROR (no such process)");
        }
    };
    match (action, response) {
        (Action::Status { json, .. }, Response::Status { now, processes, unknown }) => {
            if *json {
                writeln!(out, "{}", render::status_json(&processes, now)).map_err(write_failed)?;
                unknown_to_stderr(&unknown);
            } else {
                // supervisorctl names the unknown first, then shows the table.
                for name in &unknown {
                    writeln!(out, "{}", render::unknown_status(name)).map_err(write_failed)?;
                }
                write!(out, "{}", render::status_table(&processes, now, wants_colour())).map_err(write_failed)?;
            }
            Ok(exit_codes::status_code(&processes, &unknown))
        }
        (_, Response::Results { results }) => {
            let text = match action {
                _ if json => render::results_json(&results) + "\n",
                Action::Update { .. } | Action::Add { .. } | Action::Remove { .. } => render::config_results(&results),
                _ => render::results(&results),
            };
            write!(out, "{text}").map_err(write_failed)?;
            Ok(exit_codes::results_code(lines_of(action), &results))
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
                unknown_to_stderr(&unknown);
            } else {
                for (_, pid) in &pids {
                    writeln!(out, "{}", pid.unwrap_or(0)).map_err(write_failed)?;
                }
                for name in &unknown {
                    writeln!(out, "No such process {name}").map_err(write_failed)?;
                }
            }
            let all = matches!(action, Action::Pid { names, .. } if names.iter().any(|n| n == "all"));
            let pids: Vec<Option<u32>> = pids.iter().map(|(_, pid)| *pid).collect();
            Ok(exit_codes::pids_code(all, &pids, &unknown))
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
            // supervisorctl prints what it read as a line.
            if matches!(action, Action::Tail { follow: false, .. } | Action::Maintail { follow: false, .. }) {
                writeln!(out).map_err(write_failed)?;
            }
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
        (Action::Tail { name, .. }, Response::Error { kind: ErrorKind::NoSuchProcess, .. }) => {
            writeln!(out, "{name}: ERROR (no such process name)").map_err(write_failed)?;
            Ok(exit::ERROR)
        }
        (Action::Tail { name, .. }, Response::Error { kind: ErrorKind::NoFile, .. }) => {
            writeln!(out, "{name}: ERROR (no log file)").map_err(write_failed)?;
            Ok(exit::ERROR)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_in_supervisorctl_forms() {
        assert_eq!(server_url_path("unix:///run/sv.sock").unwrap(), PathBuf::from("/run/sv.sock"));
        assert_eq!(server_url_path("/run/sv.sock").unwrap(), PathBuf::from("/run/sv.sock"));
        assert_eq!(server_url_path("rel.sock").unwrap(), PathBuf::from("rel.sock"));
        let http = server_url_path("http://localhost:9001").unwrap_err();
        assert_eq!(http.code, exit::BAD_ARGUMENTS);
        assert!(http.message.contains("HTTP server URLs are not supported yet"), "{}", http.message);
        assert!(server_url_path("ftp://x").unwrap_err().message.contains("unknown scheme 'ftp'"));
    }
}
