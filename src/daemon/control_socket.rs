//! The JSON-lines front-end: the clients of the unix control socket, one request per line.
//!
//! This file is only a codec and a connection manager over the request layer
//! (`requests`): it reads lines, decodes them into [`Request`](crate::protocol::Request)s,
//! submits each with [`Supervisor::handle`] under the connection's [`ClientId`] (its poller
//! key), and writes what comes back: the immediate [`Handled`] answer, and later what the
//! supervisor queues for this client ([`Outgoing`], delivered by
//! [`Supervisor::deliver_to_socket_client`]). A request answered later (a job, a reload) holds
//! back the client's next request until the answer is written. The socket's buffers and their
//! bounds live in `server`. A connection whose first bytes are HTTP is handed to `http_front`
//! before its first request is read (`http::sniff`).

use std::io::ErrorKind;
use std::time::Instant;

use log::warn;
use polling::Event;

use super::catch_up::TopUp;
use super::event_loop::LISTENER_KEY;
use super::http::{self, Protocol};
use super::peer::Peer;
use super::requests::{ClientId, Handled, Outgoing};
use super::server::{Connection, ReadOutcome};
use super::streams::{FOLLOWER_BUFFER, FollowSource};
use super::supervisor::{Supervisor, TimerEvent};
use crate::protocol::{self, ErrorKind as ProtoError, Response};

/// How long the control socket rests after an accept failed for lack of descriptors.
const LISTEN_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

pub struct Client {
    pub connection: Connection,
    /// Who connected, for the audit trail.
    peer: Peer,
    /// A job answers this client's last request: read no further request until it does.
    busy: bool,
    /// The connection carries raw output now (tail, maintail, fg), not requests.
    streaming: bool,
    /// Drop the client once its output is written.
    closing: bool,
    /// The stream is framed (`tail -f`, [`Response::Frames`]): output in data frames, and an
    /// end frame that says whether output was lost.
    framed: bool,
    /// Its first bytes were JSON lines (an HTTP client is handed to `http_front`).
    sniffed: bool,
}

/// Whether the other end of a socket is closed both ways (not merely shut for writing).
fn peer_hung_up(stream: &std::os::unix::net::UnixStream) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let mut fds = [PollFd::new(stream.as_fd(), PollFlags::POLLOUT)];
    poll(&mut fds, PollTimeout::ZERO).is_ok()
        && fds[0].revents().is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR))
}

impl Supervisor {
    pub(super) fn accept_clients(&mut self) -> anyhow::Result<()> {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    let peer = Peer::of_unix_stream(&stream);
                    let connection = match Connection::new(stream) {
                        Ok(c) => c,
                        Err(e) => {
                            warn!("can't set up a client connection: {e}");
                            continue;
                        }
                    };
                    let key = self.allocate_key();
                    // SAFETY: the stream is owned by `self.clients` and deleted from the poller
                    // before it is dropped (`drop_client`).
                    if let Err(e) = unsafe { self.poller.add(&connection.stream, Event::readable(key)) } {
                        warn!("can't watch a client connection: {e}");
                        continue;
                    }
                    let client = Client {
                        connection,
                        peer,
                        busy: false,
                        streaming: false,
                        closing: false,
                        framed: false,
                        sniffed: false,
                    };
                    self.clients.insert(key, client);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)) =>
                {
                    // Out of descriptors: the pending connection would wake the loop again at
                    // once, so listen again only a little later, serving the connected meanwhile.
                    warn!("can't accept a client: {e}; listening again in {LISTEN_RETRY:?}");
                    self.timers.insert(Instant::now() + LISTEN_RETRY, TimerEvent::ListenAgain);
                    return Ok(());
                }
                Err(e) => {
                    warn!("can't accept a client: {e}");
                    break;
                }
            }
        }
        self.poller.modify(&self.listener, Event::readable(LISTENER_KEY))?;
        Ok(())
    }

    fn drop_client(&mut self, key: usize) {
        if let Some(client) = self.clients.remove(&key) {
            let _ = self.poller.delete(&client.connection.stream);
        }
        self.client_gone(ClientId(key));
    }

    pub(super) fn serve_client(&mut self, key: usize, readable: bool, writable: bool) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if readable {
            match client.connection.read_available() {
                Ok(_) if client.streaming || client.closing => {
                    // Raw input: keystrokes for an attached process (`fg`), else nothing to serve.
                    let input = client.connection.take_input();
                    self.client_input(ClientId(key), &input);
                }
                Ok(ReadOutcome::Open) => {}
                Ok(ReadOutcome::TooLong) => {
                    let message = format!("request line longer than {} bytes", protocol::MAX_LINE);
                    return self.reply_and_close(key, message);
                }
                Err(_) => {
                    self.drop_client(key);
                    return;
                }
            }
        }
        if writable
            && let Some(client) = self.clients.get_mut(&key)
            && client.connection.flush().is_err()
        {
            self.drop_client(key);
            return;
        }
        if writable {
            self.catch_up_socket_follower(key);
        }
        self.process_requests(key);
        self.update_client_interest(key);
    }

    /// Answers a client that broke the protocol, then hangs up: what the socket does not take
    /// at once is not waited for.
    fn reply_and_close(&mut self, key: usize, message: String) {
        self.send(key, &Response::Error { kind: ProtoError::BadRequest, message });
        self.drop_client(key);
    }

    /// Serves every complete request line, one at a time: a request answered later holds back
    /// the next until the answer is sent.
    fn process_requests(&mut self, key: usize) {
        loop {
            let Some(client) = self.clients.get_mut(&key) else { return };
            if client.busy {
                return;
            }
            if !client.sniffed {
                match http::sniff(client.connection.peek_input()) {
                    None => return,
                    Some(Protocol::JsonLines) => client.sniffed = true,
                    Some(Protocol::Http) => {
                        let client = self.clients.remove(&key).expect("present");
                        let mut connection = client.connection;
                        let input = connection.take_input();
                        return self.adopt_http_client(connection.stream, client.peer, input);
                    }
                }
            }
            let line = match client.connection.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return,
                Err(protocol::LineTooLong) => {
                    let message = format!("request line longer than {} bytes", protocol::MAX_LINE);
                    self.reply_and_close(key, message);
                    return;
                }
            };
            let request = match protocol::decode_request(&line) {
                Ok(request) => request,
                Err(message) => {
                    self.send(key, &Response::Error { kind: ProtoError::BadRequest, message });
                    continue;
                }
            };
            let peer = client.peer.clone();
            match self.handle(ClientId(key), &peer, request) {
                Handled::Reply(response) => self.send(key, &response),
                Handled::Later => {
                    if let Some(client) = self.clients.get_mut(&key) {
                        client.busy = true;
                    }
                }
                Handled::Stream { initial, follow } => self.start_stream(key, &initial, follow),
            }
        }
    }

    fn update_client_interest(&mut self, key: usize) {
        let Some(client) = self.clients.get(&key) else { return };
        let done_reading = client.connection.read_closed;
        // A follower catching up from disk wants room to write even with nothing queued.
        let wants_write = client.connection.wants_write() || self.lagging.contains_key(&ClientId(key));
        // A finished stream, a follower that hung up, or a client with nothing left to say.
        let finished = (client.closing && !wants_write)
            || (done_reading && client.streaming)
            || (done_reading && !client.busy && !wants_write);
        if finished {
            self.drop_client(key);
            return;
        }
        let interest = match (done_reading, wants_write) {
            (false, false) => Event::readable(key),
            (false, true) => Event::all(key),
            (true, true) => Event::writable(key),
            (true, false) => {
                // Waiting for a job's answer with the client's sending side shut. One that is
                // gone entirely is dropped, its wait with it. One that only half-closed stays
                // registered with no interest: epoll still reports a later full hang-up, once.
                if peer_hung_up(&client.connection.stream) {
                    return self.drop_client(key);
                }
                Event::none(key)
            }
        };
        if self.poller.modify(&client.connection.stream, interest).is_err() {
            self.drop_client(key);
        }
    }

    fn send(&mut self, key: usize, response: &Response) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if let Err(e) = client.connection.send(&protocol::encode_line(response)) {
            warn!("dropping a client: {e}");
            self.drop_client(key);
        }
    }

    /// Writes what the supervisor owes this connection.
    pub(super) fn deliver_to_socket_client(&mut self, key: usize, outgoing: Outgoing) {
        match outgoing {
            Outgoing::Reply(response) => {
                self.send(key, &response);
                if let Some(client) = self.clients.get_mut(&key)
                    && client.busy
                {
                    client.busy = false;
                    self.process_requests(key);
                }
                self.update_client_interest(key);
            }
            Outgoing::Bytes(data) => self.send_raw(key, &data),
            Outgoing::End(notice) => self.end_stream(key, &notice, false),
            Outgoing::Lost(why) => {
                self.end_stream(key, format!("\n[taskmaster: {why}]\n").as_bytes(), true);
            }
        }
    }

    /// Ends a stream with its last words: in an end frame for a framed stream (trimmed of the
    /// raw stream's brackets), else as raw bytes; then closes once they are written.
    fn end_stream(&mut self, key: usize, notice: &[u8], error: bool) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        let sent = if client.framed {
            let text = String::from_utf8_lossy(notice);
            let message = text.trim().trim_start_matches("[taskmaster: ").trim_end_matches(']').to_string();
            client.connection.send(&protocol::end_frame(&protocol::StreamEnd { error, message }))
        } else {
            client.connection.send(notice)
        };
        if sent.is_err() {
            return self.drop_client(key);
        }
        client.closing = true;
        self.update_client_interest(key);
    }

    /// Whether `client` is a framed `tail -f` on this socket: the followers that can catch up
    /// from disk (`catch_up`).
    pub(super) fn is_framed_follower(&self, client: ClientId) -> bool {
        self.clients.get(&client.0).is_some_and(|c| c.framed)
    }

    /// A framed follower catching up from disk gets the next slice while its buffer has room.
    fn catch_up_socket_follower(&mut self, key: usize) {
        loop {
            let Some(client) = self.clients.get(&key) else { return };
            let pending = client.connection.pending_output();
            if !client.framed || pending >= FOLLOWER_BUFFER / 2 {
                return;
            }
            match self.top_up(ClientId(key), FOLLOWER_BUFFER - pending) {
                None | Some(TopUp::Live) => return,
                Some(TopUp::Bytes(data)) => {
                    let Some(client) = self.clients.get_mut(&key) else { return };
                    let mut frame = protocol::data_frame_header(data.len());
                    frame.extend_from_slice(&data);
                    if client.connection.send(&frame).is_err() {
                        return self.drop_client(key);
                    }
                }
                Some(TopUp::Lost(why)) => {
                    warn!("a tail -f follower lost output: {why}");
                    return self.end_stream(key, why.as_bytes(), true);
                }
            }
        }
    }

    /// Queues raw bytes for a streaming client; one that fell too far behind is told and let go.
    fn send_raw(&mut self, key: usize, data: &[u8]) {
        let Some(client) = self.clients.get_mut(&key) else { return };
        if client.framed {
            // Bounded before it was queued (`catch_up`): over its bound, it reads from disk.
            if data.is_empty() {
                return;
            }
            let mut frame = protocol::data_frame_header(data.len());
            frame.extend_from_slice(data);
            if client.connection.send(&frame).is_err() {
                return self.drop_client(key);
            }
            return self.update_client_interest(key);
        }
        if client.connection.pending_output() + data.len() > FOLLOWER_BUFFER {
            warn!("dropping a follower that fell more than {FOLLOWER_BUFFER} bytes behind");
            client.connection.discard_output();
            let notice = b"\n[taskmaster: this follower fell too far behind the output and was disconnected]\n";
            let _ = client.connection.send(notice);
            client.closing = true;
            self.unfollow(ClientId(key));
            return self.update_client_interest(key);
        }
        if client.connection.send(data).is_err() {
            return self.drop_client(key);
        }
        self.update_client_interest(key);
    }

    /// Switches a client to raw streaming: a [`Response::Stream`] header, the initial bytes,
    /// then, while it follows, whatever the supervisor streams to it.
    fn start_stream(&mut self, key: usize, initial: &[u8], follow: bool) {
        // `tail -f` is framed: it alone can catch up, and so tell a lost stream from an end.
        let framed = follow
            && matches!(self.followers.get(&ClientId(key)), Some(FollowSource::Process { channel: Some(_), .. }));
        self.send(key, if framed { &Response::Frames } else { &Response::Stream });
        if let Some(client) = self.clients.get_mut(&key) {
            client.streaming = true;
            client.framed = framed;
        }
        self.send_raw(key, initial);
        if !follow && let Some(client) = self.clients.get_mut(&key) {
            client.closing = true;
        }
        self.update_client_interest(key);
    }
}
