//! The request layer: a typed [`Request`] becomes supervisor operations and a typed
//! [`Response`], with no knowledge of the transport. Every front-end (the JSON-lines control
//! socket, `control_socket`; supervisord's XML-RPC API over HTTP, `http_front`, whose
//! `rpc.rs` maps each API call onto these requests) is only a codec over this module, so they
//! all get the same answers and the same errors.
//!
//! # The interface a front-end uses
//! 1. **Identify the connection.** Each connection gets a [`ClientId`]; use its poller key
//!    (from [`Supervisor::allocate_key`]), which is unique across every source and front-end.
//! 2. **Submit.** [`Supervisor::handle`]`(client, peer, request)` returns a [`Handled`]; `peer`
//!    is who sent it ([`Peer`]: a unix socket's credentials, captured once at accept; a TCP
//!    front-end gives the remote address), named in the daemon log for each request that
//!    changes something:
//!    - [`Handled::Reply`]: the answer, now.
//!    - [`Handled::Later`]: the answer comes later (a job: `start`/`stop`/`restart` with
//!      `wait`, `wait`, `update` waiting for stops; `reload`), queued for `client` as
//!      [`Outgoing::Reply`]. A front-end that answers one request at a time per connection
//!      holds the connection's next request until then (the socket does).
//!    - [`Handled::Stream`]: the connection now streams raw bytes: `initial` first, then, if
//!      `follow`, every [`Outgoing::Bytes`] for `client` until an [`Outgoing::End`] (whose
//!      bytes are a last notice) or until the front-end lets go ([`Supervisor::unfollow`]).
//! 3. **Deliver.** Everything owed to clients is queued in order in `Supervisor::outbox` as
//!    `(ClientId, Outgoing)`. The event loop drains it after every event with
//!    `Supervisor::deliver`, which routes each entry to the front-end that owns the
//!    connection: add a branch there for a new front-end's connections.
//! 4. **Input and departure.** Raw input on a streaming connection (`fg`) goes to
//!    [`Supervisor::client_input`]; a connection that closes must call
//!    [`Supervisor::client_gone`], which ends its streams, drops its waits and lets its
//!    jobs finish unanswered.
//!
//! A front-end may bound what it buffers for a streaming client and call
//! [`Supervisor::unfollow`] when a client falls behind; the supervisor never waits on one.
//!
//! # One handler per kind
//! [`Supervisor::handle`] is one `match`; each family of requests has its file:
//! `process_control` (start, stop, restart, signal, wait), `info` (status, pid, avail,
//! version), `config_changes` (reread, update, add, remove, reload, and SIGHUP), `logs`
//! (tail, maintail, clear, reopen, fg), `events` (events, sendRemoteCommEvent).
//!
//! # Adding a request (for a new front-end's API)
//! Add the variant to `protocol::Request` (and a `Response` variant if no existing one fits),
//! one arm in [`Supervisor::handle`], and the handler in the family's file, built from the
//! supervisor's shared operations: `resolve`/`resolve_one` (names), `feed` (a process's
//! state machine), `new_job` + `settle_jobs` (answers that wait for states; the job's
//! `reply_to` is the [`ClientId`]), `send_stdin` (a process's stdin), the process table
//! (`processes`, each with its `info()` and its `stdout_log`/`stderr_log` files), and the
//! follower registry (`followers`, fed by `streams`). The JSON-lines front-end then speaks it
//! with no change, and both front-ends give the same answers and errors. For example,
//! supervisord's `startProcess(name, wait)` is [`Request::Start`] with `wait`,
//! `stopProcessGroup` is [`Request::Stop`] with `GROUP:*`, `signalProcess` is
//! [`Request::Signal`], `clearProcessLogs` is [`Request::Clear`], `addProcessGroup` is
//! [`Request::Add`], `sendProcessStdin` is [`Request::SendStdin`], `clearLog` is
//! [`Request::ClearMainLog`] (see `http_front::rpc` for all of them). Calls that only read
//! (process info, log ranges) read the same process table directly.

pub mod audit;
mod config_changes;
mod events;
mod info;
mod logs;
mod process_control;
#[cfg(test)]
mod tests;

use log::{info, warn};

use super::jobs::{self, Action};
use super::peer::Peer;
use super::supervisor::Supervisor;
use crate::protocol::{ErrorKind, ProcessResult, Request, Response};

/// One connection of some front-end: the poller key of its socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(pub usize);

/// The immediate outcome of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Handled {
    /// The answer.
    Reply(Response),
    /// The answer will be queued as [`Outgoing::Reply`] for the client.
    Later,
    /// The connection carries raw bytes from now on: `initial`, then, while `follow`, what
    /// the supervisor streams to it.
    Stream { initial: Vec<u8>, follow: bool },
}

/// Something the supervisor owes a client, queued until its front-end delivers it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// The answer to the request the client's [`Handled::Later`] promised.
    Reply(Response),
    /// Output for a streaming client.
    Bytes(Vec<u8>),
    /// The stream's last bytes (why it ended); close once written.
    End(Vec<u8>),
    /// The stream failed: output the client needed is lost (see `catch_up`); close.
    Lost(String),
}

impl Supervisor {
    /// Serves one request from `client`, sent by `peer` (see the module doc). Every request
    /// that changes something is logged with its peer first (`audit`).
    pub fn handle(&mut self, client: ClientId, peer: &Peer, request: Request) -> Handled {
        audit::record(peer, &request);
        let response = match request {
            Request::Status { names } => self.status(&names),
            Request::Start { names, wait, no_deps } => {
                return self.start_job(client, Action::Start, &names, wait, !no_deps);
            }
            Request::Stop { names, wait } => return self.start_job(client, Action::Stop, &names, wait, true),
            Request::Restart { names, wait } => {
                return self.start_job(client, Action::Restart, &names, wait, true);
            }
            Request::Signal { signal, names } => self.signal_processes(&signal, &names),
            Request::Pid { names } => self.pids(&names),
            Request::Avail => self.avail(),
            Request::Version => Response::Version { version: env!("CARGO_PKG_VERSION").to_string() },
            Request::Shutdown => {
                warn!("shutdown requested by {peer}");
                self.begin_shutdown();
                Response::Done { message: "Shut down".to_string() }
            }
            Request::Wait { names, state, timeout_ms } => return self.wait_job(client, &names, state, timeout_ms),
            Request::Reread => self.reread(),
            Request::Update { names } => return self.update(Some(client), &names),
            Request::Add { names } => self.add(&names),
            Request::Remove { names } => self.remove(&names),
            Request::Reload => return self.begin_reload(client),
            Request::Tail { name, channel, bytes, follow } => return self.tail(client, &name, channel, bytes, follow),
            Request::Maintail { bytes, follow } => return self.maintail(client, bytes, follow),
            Request::Clear { names } => self.clear(&names),
            Request::Reopen => {
                self.reopen_logs();
                info!("reopened log files at a client's request");
                Response::Done { message: "Reopened log files".to_string() }
            }
            Request::SendStdin { name, data } => self.send_stdin_request(&name, data.as_bytes()),
            Request::ClearMainLog => self.clear_main_log(),
            Request::Fg { name } => {
                let handled = self.attach(client, &name);
                if matches!(handled, Handled::Stream { .. }) {
                    self.audit_fg_start(client, peer, &name);
                }
                return handled;
            }
            Request::Events { names, types, json } => return self.follow_events_request(client, names, &types, json),
            Request::SendRemoteCommEvent { kind, data } => self.send_remote_comm_event(&kind, &data),
        };
        Handled::Reply(response)
    }
}

fn failure(message: String) -> Response {
    Response::Error { kind: ErrorKind::Failed, message }
}

/// `NAME: ERROR (no such process)` for each name that matched nothing.
fn unknown_names(names: &[String]) -> Vec<ProcessResult> {
    names.iter().map(|n| jobs::failed(n, "no such process", ErrorKind::NoSuchProcess)).collect()
}
