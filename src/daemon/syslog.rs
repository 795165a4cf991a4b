//! syslog, as supervisord has it: the activity log with `logfile = "syslog"`, and a program's
//! output lines with `stdout_syslog` / `stderr_syslog`, tagged with the process name.
//!
//! Each message is one datagram to the local syslog socket (`/dev/log`, or
//! `$TASKMASTER_SYSLOG_SOCKET`), in the BSD format local daemons accept:
//! `<PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE`, in the daemon facility. A send never blocks
//! the loop: a syslog daemon that is gone or full loses lines (said once in the activity log),
//! never the daemon's time. Program output is cut into lines here, one partial line kept per
//! channel, bounded.

use std::collections::HashMap;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;

use super::supervisor::{ProcessId, Supervisor};
use crate::protocol::Channel;

/// Overrides the syslog socket's path (tests, or a host whose syslog listens elsewhere).
pub const SYSLOG_SOCKET_ENV: &str = "TASKMASTER_SYSLOG_SOCKET";

/// The longest message sent; a longer line is cut into several.
const MAX_MESSAGE: usize = 4096;

/// syslog severities (RFC 5424) the daemon uses.
#[derive(Debug, Clone, Copy)]
pub enum Severity {
    Err = 3,
    Warning = 4,
    Info = 6,
    Debug = 7,
}

impl From<log::Level> for Severity {
    fn from(level: log::Level) -> Self {
        match level {
            log::Level::Error => Severity::Err,
            log::Level::Warn => Severity::Warning,
            log::Level::Info => Severity::Info,
            log::Level::Debug | log::Level::Trace => Severity::Debug,
        }
    }
}

const FACILITY_DAEMON: u8 = 3;

fn default_socket() -> PathBuf {
    if let Some(path) = std::env::var_os(SYSLOG_SOCKET_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    if cfg!(target_os = "macos") { PathBuf::from("/var/run/syslog") } else { PathBuf::from("/dev/log") }
}

/// A connectionless sender to the local syslog socket.
pub struct SyslogSender {
    socket: Option<UnixDatagram>,
    path: PathBuf,
    failing: bool,
}

impl SyslogSender {
    pub fn new() -> Self {
        let socket = UnixDatagram::unbound().ok();
        if let Some(socket) = &socket {
            let _ = socket.set_nonblocking(true);
        }
        SyslogSender { socket, path: default_socket(), failing: false }
    }

    /// Sends `message` (cut at [`MAX_MESSAGE`] bytes). Returns the error of a failed send the
    /// first time sends start failing, for the caller to report where it can.
    pub fn send(&mut self, severity: Severity, tag: &str, pid: Option<u32>, message: &[u8]) -> Option<String> {
        let socket = self.socket.as_ref()?;
        let stamp = chrono::Local::now().format("%b %e %H:%M:%S");
        let pri = FACILITY_DAEMON * 8 + severity as u8;
        let pid = pid.map(|p| format!("[{p}]")).unwrap_or_default();
        let mut error = None;
        for piece in message.chunks(MAX_MESSAGE).take(64) {
            let mut datagram = format!("<{pri}>{stamp} {tag}{pid}: ").into_bytes();
            datagram.extend_from_slice(piece);
            match socket.send_to(&datagram, &self.path) {
                Ok(_) => self.failing = false,
                Err(e) => {
                    if !self.failing {
                        error = Some(format!("can't send to syslog at {}: {e}", self.path.display()));
                    }
                    self.failing = true;
                }
            }
        }
        error
    }
}

/// The program output side: the sender and each channel's unfinished line.
#[derive(Default)]
pub struct OutputSyslog {
    sender: Option<SyslogSender>,
    partial: HashMap<(ProcessId, Channel), Vec<u8>>,
}

impl Supervisor {
    /// Sends the complete lines of a chunk of output to syslog, when the channel asks for it.
    pub fn syslog_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        let Some(p) = self.processes.get(&id) else { return };
        let wanted = match channel {
            Channel::Stdout => p.config.stdout.syslog,
            // With redirect_stderr the stderr lines are the stdout log's.
            Channel::Stderr if p.config.redirect_stderr => p.config.stdout.syslog,
            Channel::Stderr => p.config.stderr.syslog,
        };
        if !wanted {
            return;
        }
        let severity =
            if channel == Channel::Stderr && !p.config.redirect_stderr { Severity::Err } else { Severity::Info };
        let tag = p.config.name.clone();
        let syslog = &mut self.host.syslog;
        let sender = syslog.sender.get_or_insert_with(SyslogSender::new);
        let partial = syslog.partial.entry((id, channel)).or_default();
        let mut rest = data;
        let mut failure = None;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            partial.extend_from_slice(&rest[..end]);
            failure = failure.or(sender.send(severity, &tag, None, partial));
            partial.clear();
            rest = &rest[end + 1..];
        }
        partial.extend_from_slice(rest);
        if partial.len() >= MAX_MESSAGE {
            failure = failure.or(sender.send(severity, &tag, None, partial));
            partial.clear();
        }
        if let Some(message) = failure {
            log::error!("{message}");
        }
    }

    /// Sends what is left of a process's unfinished lines (at its exit).
    pub fn syslog_flush(&mut self, id: ProcessId) {
        for channel in [Channel::Stdout, Channel::Stderr] {
            if self.host.syslog.partial.get(&(id, channel)).is_some_and(|p| !p.is_empty()) {
                self.syslog_output(id, channel, b"\n");
            }
            self.host.syslog.partial.remove(&(id, channel));
        }
    }
}
