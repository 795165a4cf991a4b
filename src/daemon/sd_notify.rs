//! The systemd notification protocol (sd_notify(3)), spoken when `NOTIFY_SOCKET` is set: the
//! daemon's half of a `Type=notify` unit. It owns the socket address taken from the
//! environment and what was last reported, so that a one-line `STATUS=` goes out only when the
//! summary changes (the loop calls [`Notifier::status`] once per pass; nothing ticks).
//!
//! Messages are datagrams to a unix socket: a path, or a Linux abstract name written with a
//! leading `@`. A send never blocks the loop (MSG_DONTWAIT) and a failure is only logged once:
//! a service manager that went away must not take the daemon with it.

use std::collections::BTreeMap;
use std::os::unix::net::{SocketAddr, UnixDatagram};

use crate::protocol::ProcessState;

/// The environment variable systemd sets for a `Type=notify` service.
pub const NOTIFY_SOCKET_ENV: &str = "NOTIFY_SOCKET";

pub struct Notifier {
    socket: UnixDatagram,
    address: SocketAddr,
    last_status: String,
    failed: bool,
}

impl Notifier {
    /// The notifier `NOTIFY_SOCKET` asks for, if any. The variable is taken out of the daemon's
    /// environment (as `sd_notify`'s `unset_environment` does) so that no child inherits it and
    /// speaks for the daemon. Must run while the daemon has a single thread.
    pub fn from_env() -> Option<Notifier> {
        let value = std::env::var_os(NOTIFY_SOCKET_ENV)?;
        // SAFETY: called at start-up before any thread exists (no logger thread, no signal
        // handler yet), so nothing reads the environment concurrently.
        unsafe { std::env::remove_var(NOTIFY_SOCKET_ENV) };
        let value = value.to_str()?.to_string();
        match Notifier::connect(&value) {
            Ok(notifier) => Some(notifier),
            Err(e) => {
                eprintln!("taskmasterd: ignoring {NOTIFY_SOCKET_ENV}={value}: {e}");
                None
            }
        }
    }

    fn connect(value: &str) -> std::io::Result<Notifier> {
        let address = address_of(value)?;
        let socket = UnixDatagram::unbound()?;
        socket.set_nonblocking(true)?;
        Ok(Notifier { socket, address, last_status: String::new(), failed: false })
    }

    fn send(&mut self, message: &str) {
        match self.socket.send_to_addr(message.as_bytes(), &self.address) {
            Ok(_) => self.failed = false,
            Err(e) => {
                if !self.failed {
                    log::warn!("can't notify the service manager ({NOTIFY_SOCKET_ENV}): {e}");
                }
                self.failed = true;
            }
        }
    }

    /// The daemon serves: its socket is bound and the autostart programs were started.
    pub fn ready(&mut self, summary: &str) {
        self.last_status = summary.to_string();
        self.send(&format!("READY=1\nSTATUS={summary}"));
    }

    /// A reload (of the whole configuration, or a SIGHUP update) begins.
    pub fn reloading(&mut self) {
        self.send(&format!("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=Reloading the configuration", monotonic_usec()));
    }

    pub fn stopping(&mut self) {
        self.send("STOPPING=1\nSTATUS=Stopping all processes");
    }

    /// Sends the summary if it changed since the last one sent.
    pub fn status(&mut self, summary: &str) {
        if summary != self.last_status {
            self.last_status = summary.to_string();
            self.send(&format!("STATUS={summary}"));
        }
    }
}

/// The one-line summary of `STATUS=`: how many processes are in each state, e.g.
/// `3 processes: 2 RUNNING, 1 FATAL`.
pub fn summary(states: impl Iterator<Item = ProcessState>) -> String {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut total = 0;
    for state in states {
        *counts.entry(state.as_str()).or_default() += 1;
        total += 1;
    }
    let noun = if total == 1 { "process" } else { "processes" };
    if counts.is_empty() {
        return format!("{total} {noun}");
    }
    let parts: Vec<String> = counts.iter().map(|(state, n)| format!("{n} {state}")).collect();
    format!("{total} {noun}: {}", parts.join(", "))
}

fn monotonic_usec() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the valid, owned `now`.
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) } != 0 {
        return 0;
    }
    now.tv_sec as u64 * 1_000_000 + now.tv_nsec as u64 / 1_000
}

#[cfg(target_os = "linux")]
fn address_of(value: &str) -> std::io::Result<SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    match value.strip_prefix('@') {
        Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
        None => SocketAddr::from_pathname(value),
    }
}

#[cfg(not(target_os = "linux"))]
fn address_of(value: &str) -> std::io::Result<SocketAddr> {
    if value.starts_with('@') {
        return Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "abstract sockets are Linux-only"));
    }
    SocketAddr::from_pathname(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_each_state() {
        use ProcessState::*;
        assert_eq!(summary([Running, Fatal, Running].into_iter()), "3 processes: 1 FATAL, 2 RUNNING");
        assert_eq!(summary([Stopped].into_iter()), "1 process: 1 STOPPED");
        assert_eq!(summary(std::iter::empty()), "0 processes");
    }
}
