//! The HTTP front-end: supervisord's XML-RPC API (`POST /RPC2`) and its log streams
//! (`/logtail/NAME[/stderr]`, `/mainlogtail`), served inside the event loop on the unix
//! control socket (a connection whose first bytes are HTTP is handed over by the JSON-lines
//! side, see `control_socket`) and on the `[inet_http_server]` TCP listener.
//!
//! This file owns the connections: their bounded buffers, keep-alive and pipelining, basic
//! auth, routing, idle timeouts, and the delivery of what the supervisor owes them. The parsing
//! and encoding are the transport-free `http` and `xmlrpc` modules; what a call does is
//! [`rpc`], which reaches the supervisor through the same request layer as the JSON side.
//! The dashboard, the JSON API and `/metrics` are `web`'s: their paths are handed to it before
//! supervisord's routes, with the few connection operations it needs (`http_respond`,
//! `http_open_stream`, `http_hold`, ...).
//!
//! Bounds: a connection buffers at most one request (head and body limits of
//! [`request::Limits`]) before it is parsed; pipelined requests wait in the socket while an
//! answer is pending or while more than [`OUTPUT_HIGH_WATER`] bytes of answers are unsent; a
//! client that lets [`MAX_OUTPUT`] of answers (or [`FOLLOWER_BUFFER`] of a log stream) pile
//! up is dropped. A connection with no request in progress, or with a request that does not
//! complete, is closed after [`IDLE_TIMEOUT`]: a timer exists only while a connection is idle,
//! so an idle daemon still never wakes up.

mod rpc;

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use log::{info, warn};
use polling::Event;

use super::http::response::{self, Framing, Reply};
use super::http::{self, Route, Status, auth, request};
use super::peer::Peer;
use super::requests::{ClientId, Handled, Outgoing};
use super::streams::FOLLOWER_BUFFER;
use super::supervisor::{Supervisor, TimerEvent};
use super::timers::TimerId;
use super::web;
use super::xmlrpc::{codec, methods};
use crate::config::{Config, HttpConfig};
use crate::protocol::{Channel, Request};

/// How long a connection may sit without a complete request before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Answers waiting to be written beyond which a client that is not reading is dropped.
pub const MAX_OUTPUT: usize = 16 << 20;
/// Answers waiting beyond which pipelined requests are not served until the client reads.
const OUTPUT_HIGH_WATER: usize = 1 << 20;
/// How long a TCP listener rests after an accept failed (out of descriptors).
const LISTEN_RETRY: Duration = Duration::from_millis(100);
/// Connections open at once on the HTTP side; more are refused (closed at once).
const MAX_CONNECTIONS: usize = 1024;

/// A connection's socket: the shared unix socket or the TCP listener's.
pub enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Unix(s) => s.as_fd(),
            Stream::Tcp(s) => s.as_fd(),
        }
    }
}

/// Where a connection is in its request/answer cycle.
enum Phase {
    /// Reading (or waiting for) the next request.
    Idle,
    /// An XML-RPC call answers later (a `wait`, a multicall that waits): the next pipelined
    /// request waits with it.
    Waiting { reply: Reply, run: rpc::Run },
    /// A log stream: the rest of the connection is its body.
    Streaming { framing: Framing },
    /// A web or JSON API request answers later (`web`).
    WebWaiting { reply: Reply, pending: web::Pending },
}

struct Conn {
    stream: Stream,
    /// Whose password this connection must present (its listener's).
    credentials: Option<auth::Credentials>,
    /// Who is at the other end, for the request log.
    peer: Peer,
    input: Vec<u8>,
    output: Vec<u8>,
    phase: Phase,
    read_closed: bool,
    /// Close once the output is written.
    closing: bool,
    idle_timer: Option<TimerId>,
    sent_continue: bool,
}

/// The HTTP side's listeners and connections, owned by the supervisor.
#[derive(Default)]
pub struct HttpFront {
    listeners: HashMap<usize, (TcpListener, Option<auth::Credentials>)>,
    conns: HashMap<usize, Conn>,
    /// The credentials HTTP clients of the unix socket must present.
    unix_credentials: Option<auth::Credentials>,
    /// The dashboard's event streams (`web`).
    pub(in crate::daemon) web: web::Subscribers,
}

impl HttpFront {
    /// Whether a poller key is one of this front-end's sources.
    pub fn owns(&self, key: usize) -> bool {
        self.conns.contains_key(&key) || self.listeners.contains_key(&key)
    }

    pub fn has_connection(&self, key: usize) -> bool {
        self.conns.contains_key(&key)
    }

    /// HTTP connections open now.
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Every socket, for the supervisor to unregister when it goes.
    pub fn sockets(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        self.listeners.values().map(|(l, _)| l.as_fd()).chain(self.conns.values().map(|c| c.stream.as_fd()))
    }
}

/// The TCP listener of `[inet_http_server]`, bound before the daemon detaches so that a busy
/// port is reported on the terminal. None when not configured.
pub fn bind_inet(http: &HttpConfig) -> anyhow::Result<Option<(TcpListener, SocketAddr)>> {
    let Some(inet) = &http.inet else { return Ok(None) };
    // supervisord's `*:9001`, `:9001` and `9001` listen on every interface.
    let host = if inet.host.is_empty() || inet.host == "*" { "0.0.0.0" } else { inet.host.as_str() };
    let listener = TcpListener::bind((host, inet.port))
        .with_context(|| format!("can't listen on [inet_http_server] port {host}:{}", inet.port))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    Ok(Some((listener, address)))
}

fn credentials(c: &Option<crate::config::Credentials>) -> Option<auth::Credentials> {
    c.as_ref().map(|c| auth::Credentials::new(&c.username, &c.password))
}

impl Supervisor {
    /// Starts serving HTTP: the unix socket's credentials, and the TCP listener if any. A
    /// listener reachable from other hosts without a password is served, with a warning (as
    /// supervisord does).
    pub fn serve_http(&mut self, config: &Config, inet: Option<(TcpListener, SocketAddr)>) -> anyhow::Result<()> {
        self.http.unix_credentials = credentials(&config.http.unix_credentials);
        if let Some((listener, address)) = inet {
            let creds = config.http.inet.as_ref().and_then(|i| credentials(&i.credentials));
            if creds.is_none() && !address.ip().is_loopback() {
                warn!(
                    "the HTTP server on {address} is open to the network with no password: anyone who can reach \
                     it controls every process; set [inet_http_server] username and password, or listen on 127.0.0.1"
                );
            }
            let key = self.allocate_key();
            // SAFETY: the listener is owned by `self.http` and deleted from the poller in the
            // supervisor's `Drop` before it closes.
            unsafe { self.poller.add(listener.as_raw_fd(), Event::readable(key))? };
            info!("serving HTTP (XML-RPC) on {address}");
            self.http.listeners.insert(key, (listener, creds));
        }
        Ok(())
    }

    /// A ready HTTP source: a listener to accept on, or a connection.
    pub(super) fn http_event(&mut self, key: usize, readable: bool, writable: bool) {
        if self.http.listeners.contains_key(&key) {
            self.accept_http(key);
        } else {
            self.serve_http_conn(key, readable, writable);
        }
    }

    fn accept_http(&mut self, key: usize) {
        loop {
            let Some((listener, creds)) = self.http.listeners.get(&key) else { return };
            let creds = creds.clone();
            match listener.accept() {
                Ok((stream, address)) => {
                    if self.http.conns.len() >= MAX_CONNECTIONS {
                        warn!("refusing an HTTP client: {MAX_CONNECTIONS} connections are open");
                        continue;
                    }
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    self.add_http_conn(Stream::Tcp(stream), Peer::Remote(address), creds, Vec::new());
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of descriptors and the like: the pending connection would wake the
                    // loop again at once, so the listener rests a moment (its timer re-arms it),
                    // while the connected are served.
                    warn!("can't accept an HTTP client: {e}; listening again in {LISTEN_RETRY:?}");
                    self.timers.insert(Instant::now() + LISTEN_RETRY, TimerEvent::HttpIdle(key));
                    return;
                }
            }
        }
        if let Some((listener, _)) = self.http.listeners.get(&key) {
            let _ = self.poller.modify(listener.as_fd(), Event::readable(key));
        }
    }

    /// Takes over a unix socket connection whose first bytes are HTTP (`input` is what the
    /// JSON-lines side already read from it).
    pub(super) fn adopt_http_client(&mut self, stream: UnixStream, peer: Peer, input: Vec<u8>) {
        let _ = self.poller.delete(stream.as_fd());
        let creds = self.http.unix_credentials.clone();
        self.add_http_conn(Stream::Unix(stream), peer, creds, input);
    }

    fn add_http_conn(&mut self, stream: Stream, peer: Peer, credentials: Option<auth::Credentials>, input: Vec<u8>) {
        let key = self.allocate_key();
        // SAFETY: the stream is owned by `self.http.conns` and deleted from the poller before
        // it is dropped (`drop_http`, and the supervisor's `Drop`).
        if let Err(e) = unsafe { self.poller.add(stream.as_fd().as_raw_fd(), Event::readable(key)) } {
            warn!("can't watch an HTTP client: {e}");
            return;
        }
        let conn = Conn {
            stream,
            credentials,
            peer,
            input,
            output: Vec::new(),
            phase: Phase::Idle,
            read_closed: false,
            closing: false,
            idle_timer: None,
            sent_continue: false,
        };
        self.http.conns.insert(key, conn);
        self.arm_idle(key);
        self.process_http(key);
        self.update_http_interest(key);
    }

    fn drop_http(&mut self, key: usize) {
        self.http.web.remove(ClientId(key));
        if let Some(conn) = self.http.conns.remove(&key) {
            let _ = self.poller.delete(conn.stream.as_fd());
            if let Some(timer) = conn.idle_timer {
                self.timers.cancel(timer);
            }
        }
        self.client_gone(ClientId(key));
    }

    /// The timer of an HTTP source fired: a connection had no complete request for
    /// [`IDLE_TIMEOUT`], or a listener that ran out of descriptors may accept again.
    pub(super) fn http_idle(&mut self, key: usize) {
        if let Some((listener, _)) = self.http.listeners.get(&key) {
            let _ = self.poller.modify(listener.as_fd(), Event::readable(key));
            return;
        }
        let Some(conn) = self.http.conns.get_mut(&key) else { return };
        conn.idle_timer = None;
        if matches!(conn.phase, Phase::Idle) {
            if conn.input.iter().any(|b| !b.is_ascii_whitespace()) {
                // A request that never completed: tell it why, as far as the socket takes it.
                let (bytes, _) = response::error(Reply::broken(SystemTime::now()), Status::REQUEST_TIMEOUT, true);
                let _ = conn.stream.write(&bytes);
            }
            self.drop_http(key);
        }
    }

    fn arm_idle(&mut self, key: usize) {
        let Some(conn) = self.http.conns.get_mut(&key) else { return };
        if conn.idle_timer.is_none() {
            conn.idle_timer = Some(self.timers.insert(Instant::now() + IDLE_TIMEOUT, TimerEvent::HttpIdle(key)));
        }
    }

    fn disarm_idle(&mut self, key: usize) {
        if let Some(timer) = self.http.conns.get_mut(&key).and_then(|c| c.idle_timer.take()) {
            self.timers.cancel(timer);
        }
    }

    fn serve_http_conn(&mut self, key: usize, readable: bool, writable: bool) {
        let Some(conn) = self.http.conns.get_mut(&key) else { return };
        if readable && !conn.read_closed && read_some(conn).is_err() {
            return self.drop_http(key);
        }
        if writable && flush(conn).is_err() {
            return self.drop_http(key);
        }
        if matches!(conn.phase, Phase::Streaming { .. }) {
            // A stream's client says nothing; what it sends is dropped, and its leaving ends it.
            conn.input.clear();
            if conn.read_closed {
                return self.drop_http(key);
            }
        }
        self.process_http(key);
        self.update_http_interest(key);
    }

    /// Serves every complete request buffered, in order, while nothing is pending.
    fn process_http(&mut self, key: usize) {
        let limits = request::Limits::default();
        loop {
            let Some(conn) = self.http.conns.get_mut(&key) else { return };
            if !matches!(conn.phase, Phase::Idle) || conn.closing || conn.output.len() > OUTPUT_HIGH_WATER {
                return;
            }
            match request::parse_request(&conn.input, &limits) {
                Ok(request::Parse::Incomplete { expect_continue }) => {
                    if expect_continue && !conn.sent_continue {
                        conn.sent_continue = true;
                        conn.output.extend_from_slice(response::CONTINUE);
                    }
                    if conn.read_closed {
                        // The client is done sending: a clean close, or a truncated request.
                        conn.closing = true;
                        if conn.output.is_empty() {
                            return self.drop_http(key);
                        }
                    }
                    return;
                }
                Err(e) => {
                    let (bytes, _) = response::error(Reply::broken(SystemTime::now()), e.status(), true);
                    conn.input.clear();
                    self.send_http(key, &bytes, false);
                    return;
                }
                Ok(request::Parse::Complete { request, consumed }) => {
                    conn.input.drain(..consumed);
                    conn.sent_continue = false;
                    self.disarm_idle(key);
                    self.serve_request(key, request);
                    if let Some(conn) = self.http.conns.get(&key)
                        && matches!(conn.phase, Phase::Idle)
                    {
                        self.arm_idle(key);
                    }
                }
            }
        }
    }

    fn serve_request(&mut self, key: usize, req: request::Request) {
        let reply = Reply::new(&req, SystemTime::now());
        if let Some(route) = web::route(&req.method, &req.target) {
            return self.serve_web(key, reply, &req, route);
        }
        let Some(conn) = self.http.conns.get(&key) else { return };
        if let Some(creds) = &conn.credentials
            && let Some(status) = creds.check(req.header("authorization")).status()
        {
            let (bytes, keep) = response::error(reply, status, false);
            return self.send_http(key, &bytes, keep);
        }
        let caller = rpc::Caller { id: ClientId(key), peer: conn.peer.clone() };
        match http::route(&req.method, &req.target) {
            Route::XmlRpc => self.serve_xmlrpc(&caller, reply, &req),
            Route::Logtail { name, channel } => {
                let channel = match channel {
                    Ok(http::Channel::Stdout) => Channel::Stdout,
                    Ok(http::Channel::Stderr) => Channel::Stderr,
                    Err(_) => return self.http_error(key, reply, Status::NOT_FOUND),
                };
                let bytes = http::LOGTAIL_BACKLOG;
                let request = Request::Tail { name, channel, bytes, follow: true };
                let handled = self.handle(caller.id, &caller.peer, request);
                self.start_http_stream(key, reply, handled, true);
            }
            Route::MainLogtail => {
                let request = Request::Maintail { bytes: http::LOGTAIL_BACKLOG, follow: true };
                let handled = self.handle(caller.id, &caller.peer, request);
                self.start_http_stream(key, reply, handled, false);
            }
            Route::NotFound => self.http_error(key, reply, Status::NOT_FOUND),
            Route::BadRequest => self.http_error(key, reply, Status::BAD_REQUEST),
        }
    }

    /// Who is at the other end of a connection, for the request layer's audit.
    pub(in crate::daemon) fn http_peer(&self, key: usize) -> Peer {
        self.http.conns.get(&key).map_or(Peer::Unknown, |c| c.peer.clone())
    }

    /// The status to refuse a request with when it lacks its listener's credentials.
    pub(in crate::daemon) fn http_auth_refusal(&self, key: usize, req: &request::Request) -> Option<Status> {
        let creds = self.http.conns.get(&key)?.credentials.as_ref()?;
        creds.check(req.header("authorization")).status()
    }

    /// Answers a request in full.
    pub(in crate::daemon) fn http_respond(
        &mut self,
        key: usize,
        reply: Reply,
        status: Status,
        headers: &[(&str, &str)],
        body: &[u8],
    ) {
        let close = status == Status::UNAUTHORIZED;
        let (bytes, keep) = response::full(reply, status, headers, body, close);
        self.send_http(key, &bytes, keep);
    }

    /// Starts a streamed answer: the rest of the connection is its body, fed by the outbox's
    /// [`Outgoing::Bytes`] for this client.
    pub(in crate::daemon) fn http_open_stream(
        &mut self,
        key: usize,
        reply: Reply,
        headers: &[(&str, &str)],
        initial: &[u8],
    ) {
        let (mut bytes, framing) = response::stream_head(reply, Status::OK, headers);
        response::chunk(framing, initial, &mut bytes);
        if let Some(conn) = self.http.conns.get_mut(&key) {
            conn.phase = Phase::Streaming { framing };
        }
        self.send_http(key, &bytes, true);
    }

    /// Holds a connection until the request layer's later answer ([`Outgoing::Reply`]).
    pub(in crate::daemon) fn http_hold(&mut self, key: usize, reply: Reply, pending: web::Pending) {
        if let Some(conn) = self.http.conns.get_mut(&key) {
            conn.phase = Phase::WebWaiting { reply, pending };
        }
    }

    /// Serves a log stream (`/logtail`, and the JSON API's `.../stream`).
    pub(in crate::daemon) fn http_log_stream(&mut self, key: usize, reply: Reply, request: Request) {
        let process_log = matches!(request, Request::Tail { .. });
        let peer = self.http_peer(key);
        let handled = self.handle(ClientId(key), &peer, request);
        self.start_http_stream(key, reply, handled, process_log);
    }

    fn http_error(&mut self, key: usize, reply: Reply, status: Status) {
        let (bytes, keep) = response::error(reply, status, false);
        self.send_http(key, &bytes, keep);
    }

    fn serve_xmlrpc(&mut self, caller: &rpc::Caller, reply: Reply, req: &request::Request) {
        let key = caller.id.0;
        if req.content_length.is_none() {
            return self.http_error(key, reply, Status::LENGTH_REQUIRED);
        }
        // Malformed XML or a call that is not one is a 400, as supervisord answers.
        let call = match codec::decode_call(&req.body, &codec::Limits::default()) {
            Ok(call) => call,
            Err(_) => return self.http_error(key, reply, Status::BAD_REQUEST),
        };
        let outcome = match methods::decode(&call) {
            Ok(api) => self.rpc_begin(caller, api),
            Err(fault) => rpc::Outcome::Answer(Err(fault)),
        };
        self.answer_rpc(key, reply, outcome);
    }

    fn answer_rpc(&mut self, key: usize, reply: Reply, outcome: rpc::Outcome) {
        match outcome {
            rpc::Outcome::Answer(result) => {
                let body = match result {
                    Ok(value) => codec::encode_response(&value),
                    Err(fault) => fault.encode(),
                };
                let (bytes, keep) =
                    response::full(reply, Status::OK, &[("Content-Type", "text/xml")], body.as_bytes(), false);
                if let Some(conn) = self.http.conns.get_mut(&key) {
                    conn.phase = Phase::Idle;
                }
                self.send_http(key, &bytes, keep);
            }
            rpc::Outcome::Wait(run) => {
                if let Some(conn) = self.http.conns.get_mut(&key) {
                    conn.phase = Phase::Waiting { reply, run };
                }
            }
        }
    }

    fn start_http_stream(&mut self, key: usize, reply: Reply, handled: Handled, process_log: bool) {
        let initial = match handled {
            Handled::Stream { initial, .. } => initial,
            // An unknown name, a log that cannot be read: supervisord's 404.
            Handled::Reply(_) | Handled::Later => {
                self.unfollow(ClientId(key));
                return self.http_error(key, reply, Status::NOT_FOUND);
            }
        };
        let mut headers = vec![("Content-Type", "text/plain;charset=utf-8")];
        if process_log {
            headers.push(("X-Accel-Buffering", "no"));
        }
        let (mut bytes, framing) = response::stream_head(reply, Status::OK, &headers);
        response::chunk(framing, &initial, &mut bytes);
        if let Some(conn) = self.http.conns.get_mut(&key) {
            conn.phase = Phase::Streaming { framing };
        }
        self.send_http(key, &bytes, true);
    }

    /// Queues bytes for a connection and writes what the socket takes now; `keep` false closes
    /// the connection once they are written.
    fn send_http(&mut self, key: usize, bytes: &[u8], keep: bool) {
        let Some(conn) = self.http.conns.get_mut(&key) else { return };
        if conn.output.len() + bytes.len() > MAX_OUTPUT {
            warn!("dropping an HTTP client that is not reading its answers");
            return self.drop_http(key);
        }
        conn.output.extend_from_slice(bytes);
        if !keep {
            conn.closing = true;
            conn.input.clear();
        }
        if flush(conn).is_err() {
            return self.drop_http(key);
        }
        self.update_http_interest(key);
    }

    fn update_http_interest(&mut self, key: usize) {
        let Some(conn) = self.http.conns.get(&key) else { return };
        let wants_write = !conn.output.is_empty();
        if conn.closing && !wants_write {
            return self.drop_http(key);
        }
        if conn.read_closed && !wants_write && matches!(conn.phase, Phase::Idle) {
            return self.drop_http(key);
        }
        let limit = request::Limits::default();
        let room = conn.input.len() < limit.max_head + limit.max_body;
        let wants_read = !conn.read_closed && !conn.closing && room;
        let interest = match (wants_read, wants_write) {
            (true, true) => Event::all(key),
            (true, false) => Event::readable(key),
            (false, true) => Event::writable(key),
            (false, false) => Event::none(key),
        };
        if self.poller.modify(conn.stream.as_fd(), interest).is_err() {
            self.drop_http(key);
        }
    }

    /// Writes what the supervisor owes an HTTP connection: the answer a waiting call was
    /// promised, or log stream bytes.
    pub(super) fn deliver_to_http(&mut self, key: usize, outgoing: Outgoing) {
        let Some(conn) = self.http.conns.get_mut(&key) else { return };
        match outgoing {
            Outgoing::Reply(response) => {
                match std::mem::replace(&mut conn.phase, Phase::Idle) {
                    Phase::Waiting { reply, run } => {
                        let caller = rpc::Caller { id: ClientId(key), peer: conn.peer.clone() };
                        let outcome = self.rpc_resume(&caller, run, response);
                        self.answer_rpc(key, reply, outcome);
                    }
                    Phase::WebWaiting { reply, pending } => self.answer_web_later(key, reply, pending, response),
                    other => {
                        conn.phase = other;
                        return;
                    }
                }
                if let Some(conn) = self.http.conns.get(&key)
                    && matches!(conn.phase, Phase::Idle)
                {
                    self.arm_idle(key);
                    self.process_http(key);
                    self.update_http_interest(key);
                }
            }
            Outgoing::Bytes(data) => {
                let Phase::Streaming { framing } = conn.phase else { return };
                if conn.output.len() + data.len() > FOLLOWER_BUFFER {
                    warn!("dropping an HTTP log follower that fell more than {FOLLOWER_BUFFER} bytes behind");
                    self.unfollow(ClientId(key));
                    return self.drop_http(key);
                }
                let mut bytes = Vec::with_capacity(data.len() + 16);
                response::chunk(framing, &data, &mut bytes);
                self.send_http(key, &bytes, true);
            }
            Outgoing::End(_) | Outgoing::Lost(_) => {
                let Phase::Streaming { framing } = conn.phase else { return };
                let notice = match outgoing {
                    Outgoing::Lost(why) => format!("\n[taskmaster: {why}]\n").into_bytes(),
                    Outgoing::End(notice) => notice,
                    _ => unreachable!("matched above"),
                };
                let mut bytes = Vec::new();
                response::chunk(framing, &notice, &mut bytes);
                if framing == Framing::Chunked {
                    bytes.extend_from_slice(response::LAST_CHUNK);
                }
                self.send_http(key, &bytes, false);
            }
        }
    }
}

/// Reads what the socket has, up to one request's worth of buffer.
fn read_some(conn: &mut Conn) -> io::Result<()> {
    let limits = request::Limits::default();
    let bound = limits.max_head + limits.max_body;
    let mut buf = [0u8; 16 * 1024];
    while conn.input.len() < bound {
        let want = buf.len().min(bound - conn.input.len());
        match conn.stream.read(&mut buf[..want]) {
            Ok(0) => {
                conn.read_closed = true;
                break;
            }
            Ok(n) => conn.input.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes what the socket takes without blocking.
fn flush(conn: &mut Conn) -> io::Result<()> {
    let mut written = 0;
    while written < conn.output.len() {
        match conn.stream.write(&conn.output[written..]) {
            Ok(0) => return Err(io::Error::from(ErrorKind::WriteZero)),
            Ok(n) => written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    conn.output.drain(..written);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::InetServerConfig;

    fn http(host: &str) -> HttpConfig {
        HttpConfig {
            inet: Some(InetServerConfig { host: host.into(), port: 0, credentials: None }),
            ..Default::default()
        }
    }

    #[test]
    fn supervisords_address_forms_bind_where_it_binds() {
        assert!(bind_inet(&HttpConfig::default()).unwrap().is_none());
        let loopback = bind_inet(&http("127.0.0.1")).unwrap().unwrap().1;
        assert!(loopback.ip().is_loopback() && loopback.port() != 0);
        for every in ["", "*"] {
            assert!(bind_inet(&http(every)).unwrap().unwrap().1.ip().is_unspecified(), "{every:?}");
        }
    }
}
