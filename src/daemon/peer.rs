//! Who is on the other end of a request. Each front-end captures its connection's [`Peer`] once,
//! when it accepts it (the kernel's credentials of a unix socket's peer; a TCP front-end adds
//! a variant for the remote address), and passes it with every request to `Supervisor::handle`, which
//! names it in the daemon log for every request that changes something (`requests::audit`).
//! On a socket shared by a group, that line is how an operator learns who acted.

use std::fmt;
use std::os::unix::net::UnixStream;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// The process at the other end of a unix socket: its effective uid and, where the system
    /// tells (Linux, macOS), its pid.
    Local { uid: u32, pid: Option<u32> },
    /// A TCP client of the HTTP front-end: its address.
    Remote(std::net::SocketAddr),
    /// The system would not say.
    Unknown,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Local { uid, pid: Some(pid) } => write!(f, "uid {uid} pid {pid}"),
            Peer::Local { uid, pid: None } => write!(f, "uid {uid}"),
            Peer::Remote(address) => write!(f, "{address} (HTTP)"),
            Peer::Unknown => write!(f, "an unidentified peer"),
        }
    }
}

impl Peer {
    /// The credentials of a unix socket's peer, as the kernel recorded them at connect time
    /// (so a client cannot claim to be someone else).
    pub fn of_unix_stream(stream: &UnixStream) -> Peer {
        credentials(stream).unwrap_or(Peer::Unknown)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn credentials(stream: &UnixStream) -> Option<Peer> {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    let cred = getsockopt(stream, PeerCredentials).ok()?;
    let pid = u32::try_from(cred.pid()).ok().filter(|&p| p > 0);
    Some(Peer::Local { uid: cred.uid(), pid })
}

#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn credentials(stream: &UnixStream) -> Option<Peer> {
    let (uid, _) = nix::unistd::getpeereid(stream).ok()?;
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let pid = nix::sys::socket::getsockopt(stream, nix::sys::socket::sockopt::LocalPeerPid)
        .ok()
        .and_then(|p| u32::try_from(p).ok());
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    let pid = None;
    Some(Peer::Local { uid: uid.as_raw(), pid })
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
fn credentials(_stream: &UnixStream) -> Option<Peer> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unix_peer_is_this_very_process() {
        let (a, _b) = UnixStream::pair().unwrap();
        let me = nix::unistd::geteuid().as_raw();
        match Peer::of_unix_stream(&a) {
            Peer::Local { uid, pid } => {
                assert_eq!(uid, me);
                if cfg!(target_os = "linux") {
                    assert_eq!(pid, Some(std::process::id()));
                }
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(Peer::Local { uid: 0, pid: Some(7) }.to_string(), "uid 0 pid 7");
    }
}
