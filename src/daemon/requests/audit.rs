//! The audit trail: every request that changes something is logged once, here, with who asked
//! ([`Peer`]), before it is served. Read-only requests (status, pid, avail, version, wait,
//! reread, tail, maintail) are not logged: they would drown the trail. An `fg` session is
//! logged when it attaches and, with the bytes of input it sent to the process's stdin, when
//! it ends (not each keystroke).

use std::collections::HashMap;

use crate::daemon::peer::Peer;
use crate::daemon::supervisor::Supervisor;
use crate::protocol::Request;

use super::ClientId;

/// An attached `fg` client: who, to which process, and how much input it sent.
#[derive(Debug)]
pub struct FgSession {
    peer: Peer,
    name: String,
    bytes: u64,
}

/// The `fg` sessions, by client.
pub type FgSessions = HashMap<ClientId, FgSession>;

impl Supervisor {
    pub(super) fn audit_fg_start(&mut self, client: ClientId, peer: &Peer, name: &str) {
        self.fg_sessions.insert(client, FgSession { peer: peer.clone(), name: name.to_string(), bytes: 0 });
    }

    /// Input an `fg` client sent to its process's stdin.
    pub fn audit_fg_input(&mut self, client: ClientId, bytes: usize) {
        if let Some(session) = self.fg_sessions.get_mut(&client) {
            session.bytes += bytes as u64;
        }
    }

    /// An `fg` client let go (detached, gone, or its process exited).
    pub fn audit_fg_end(&mut self, client: ClientId) {
        if let Some(FgSession { peer, name, bytes }) = self.fg_sessions.remove(&client) {
            log::info!("fg {name} by {peer} ended: {bytes} bytes of input sent to its stdin");
        }
    }
}

/// What a state-changing request asks, in ctl words (`stop web api`); None for a read-only one.
pub fn summary(request: &Request) -> Option<String> {
    let with = |verb: &str, names: &[String]| {
        if names.is_empty() { verb.to_string() } else { format!("{verb} {}", names.join(" ")) }
    };
    Some(match request {
        Request::Start { names, .. } => with("start", names),
        Request::Stop { names, .. } => with("stop", names),
        Request::Restart { names, .. } => with("restart", names),
        Request::Signal { signal, names } => with(&format!("signal {signal}"), names),
        Request::Shutdown => "shutdown".to_string(),
        Request::Update { names } => with("update", names),
        Request::Add { names } => with("add", names),
        Request::Remove { names } => with("remove", names),
        Request::Reload => "reload".to_string(),
        Request::Clear { names } => with("clear", names),
        Request::Reopen => "reopen".to_string(),
        // Attaching sends the client's input to the process's stdin from now on.
        Request::Fg { name } => format!("fg {name} (its input goes to the process's stdin)"),
        Request::SendStdin { name, data } => format!("send {} bytes to the stdin of {name}", data.len()),
        Request::ClearMainLog => "clear the daemon's log".to_string(),
        // Listeners act on it.
        Request::SendRemoteCommEvent { kind, .. } => format!("send a REMOTE_COMMUNICATION event of type {kind}"),
        Request::Status { .. }
        | Request::Pid { .. }
        | Request::Avail
        | Request::Version
        | Request::Wait { .. }
        | Request::Reread
        | Request::Tail { .. }
        | Request::Maintail { .. }
        | Request::Events { .. } => return None,
    })
}

/// Logs a state-changing request with who sent it.
pub fn record(peer: &Peer, request: &Request) {
    if let Some(what) = summary(request) {
        log::info!("request by {peer}: {what}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_summarised_and_reads_are_not() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(summary(&Request::Stop { names: names(&["web", "api"]), wait: true }).unwrap(), "stop web api");
        assert_eq!(
            summary(&Request::Signal { signal: "HUP".into(), names: names(&["all"]) }).unwrap(),
            "signal HUP all"
        );
        assert_eq!(summary(&Request::Update { names: vec![] }).unwrap(), "update");
        assert_eq!(summary(&Request::Shutdown).unwrap(), "shutdown");
        assert_eq!(summary(&Request::Status { names: vec![] }), None);
        assert_eq!(summary(&Request::Reread), None);
    }
}
