//! The I/O of health checks, none of it blocking: a TCP or HTTP probe is a non-blocking socket
//! the event loop polls (connect, then for HTTP one small GET and the status line, read into a
//! bounded buffer), and an exec probe is a short-lived child in a process group of its own,
//! reaped by the loop's one `waitpid` and killed at its timeout. What an outcome means is
//! `health`'s business; when probes run is `monitor`'s.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};

use nix::sys::socket::{AddressFamily, SockFlag, SockType, SockaddrIn, SockaddrIn6};

use super::user_switch::Credentials;
use crate::config::Probe;

/// The longest status line read; a server that sends more before a newline fails the check.
const MAX_STATUS_LINE: usize = 512;

/// What the socket waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    Readable,
    Writable,
}

/// A probe's next move.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Wait(Interest),
    Done(Result<(), String>),
}

#[derive(Debug)]
enum Phase {
    Connecting,
    /// HTTP: the request, and how much of it is written.
    Sending {
        sent: usize,
    },
    Reading,
}

/// A TCP or HTTP probe in flight.
#[derive(Debug)]
pub struct SocketProbe {
    pub stream: TcpStream,
    phase: Phase,
    /// HTTP only: the request to send and the accepted status range.
    http: Option<(Vec<u8>, (u16, u16))>,
    buffer: Vec<u8>,
}

impl SocketProbe {
    /// Starts connecting; the first step says what to wait for (or the outcome, when the
    /// connection failed or succeeded at once).
    pub fn start(probe: &Probe) -> Result<(SocketProbe, Step), String> {
        let (addr, http) = match probe {
            Probe::Tcp { host, port } => (SocketAddr::new(*host, *port), None),
            Probe::Http { host, host_header, port, path, status } => {
                let request = format!(
                    "GET {path} HTTP/1.0\r\nHost: {host_header}\r\nUser-Agent: taskmaster-healthcheck\r\nConnection: close\r\n\r\n"
                );
                (SocketAddr::new(*host, *port), Some((request.into_bytes(), *status)))
            }
            Probe::Exec { .. } => return Err("not a socket probe".to_string()),
        };
        let family = if addr.is_ipv4() { AddressFamily::Inet } else { AddressFamily::Inet6 };
        let stream = nonblocking_socket(family).map_err(|e| format!("can't create a socket: {e}"))?;
        let mut probe = SocketProbe { stream, phase: Phase::Connecting, http, buffer: Vec::new() };
        let connected = match addr {
            SocketAddr::V4(v4) => nix::sys::socket::connect(probe.stream.as_raw_fd(), &SockaddrIn::from(v4)),
            SocketAddr::V6(v6) => nix::sys::socket::connect(probe.stream.as_raw_fd(), &SockaddrIn6::from(v6)),
        };
        let step = match connected {
            Ok(()) => probe.connected(),
            Err(nix::errno::Errno::EINPROGRESS) | Err(nix::errno::Errno::EINTR) => Step::Wait(Interest::Writable),
            Err(e) => Step::Done(Err(format!("connect to {addr}: {e}"))),
        };
        Ok((probe, step))
    }

    fn connected(&mut self) -> Step {
        if self.http.is_none() {
            return Step::Done(Ok(()));
        }
        self.phase = Phase::Sending { sent: 0 };
        self.send()
    }

    fn send(&mut self) -> Step {
        let Phase::Sending { sent } = &mut self.phase else { return Step::Wait(Interest::Readable) };
        let request = &self.http.as_ref().expect("http probe").0;
        while *sent < request.len() {
            match self.stream.write(&request[*sent..]) {
                Ok(0) => return Step::Done(Err("connection closed while sending the request".to_string())),
                Ok(n) => *sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Step::Wait(Interest::Writable),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Step::Done(Err(format!("sending the request: {e}"))),
            }
        }
        // The answer cannot have come before the request: wait for it rather than try a read
        // that would almost always find nothing.
        self.phase = Phase::Reading;
        Step::Wait(Interest::Readable)
    }

    fn receive(&mut self) -> Step {
        let mut chunk = [0u8; MAX_STATUS_LINE];
        loop {
            let room = MAX_STATUS_LINE - self.buffer.len();
            match self.stream.read(&mut chunk[..room]) {
                Ok(0) => {
                    return Step::Done(match status_line(&self.buffer) {
                        Some(line) => self.judge(line),
                        None => Err("the server closed the connection without a status line".to_string()),
                    });
                }
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    if let Some(line) = status_line(&self.buffer) {
                        return Step::Done(self.judge(line));
                    }
                    if self.buffer.len() >= MAX_STATUS_LINE {
                        return Step::Done(Err("no HTTP status line in the first 512 bytes".to_string()));
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Step::Wait(Interest::Readable),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Step::Done(Err(format!("reading the answer: {e}"))),
            }
        }
    }

    fn judge(&self, line: &[u8]) -> Result<(), String> {
        let (low, high) = self.http.as_ref().expect("http probe").1;
        let status = parse_status(line).ok_or_else(|| {
            format!("not an HTTP status line: {:?}", String::from_utf8_lossy(&line[..line.len().min(80)]))
        })?;
        if (low..=high).contains(&status) { Ok(()) } else { Err(format!("HTTP status {status}")) }
    }

    /// The socket is ready as asked: the next step.
    pub fn on_ready(&mut self) -> Step {
        match self.phase {
            // Writable with no pending error: connected (SO_ERROR is all a non-blocking connect
            // reports).
            Phase::Connecting => match self.stream.take_error() {
                Ok(None) => self.connected(),
                Ok(Some(e)) | Err(e) => Step::Done(Err(format!("connect: {e}"))),
            },
            Phase::Sending { .. } => self.send(),
            Phase::Reading => self.receive(),
        }
    }
}

/// A TCP socket that is non-blocking (so that connect does not block) and close-on-exec (so
/// that no child inherits a probe's socket): one system call where the flags exist.
#[cfg(target_os = "linux")]
fn nonblocking_socket(family: AddressFamily) -> nix::Result<TcpStream> {
    let flags = SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC;
    Ok(TcpStream::from(nix::sys::socket::socket(family, SockType::Stream, flags, None)?))
}

#[cfg(not(target_os = "linux"))]
fn nonblocking_socket(family: AddressFamily) -> nix::Result<TcpStream> {
    let stream = TcpStream::from(nix::sys::socket::socket(family, SockType::Stream, SockFlag::empty(), None)?);
    stream.set_nonblocking(true).map_err(|e| nix::errno::Errno::from_raw(e.raw_os_error().unwrap_or(0)))?;
    nix::fcntl::fcntl(&stream, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC))?;
    Ok(stream)
}

/// The first line of `buffer`, once a newline ends it.
fn status_line(buffer: &[u8]) -> Option<&[u8]> {
    let end = buffer.iter().position(|&b| b == b'\n')?;
    Some(buffer[..end].strip_suffix(b"\r").unwrap_or(&buffer[..end]))
}

/// `HTTP/1.1 200 OK` -> 200.
fn parse_status(line: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_ascii_whitespace();
    if !words.next()?.starts_with("HTTP/") {
        return None;
    }
    let code = words.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

/// Spawns an exec probe: no input, output discarded, in a process group of its own so that a
/// timeout kills whatever it started too, as the program's user when it has one. Returns its
/// pid.
pub fn spawn_exec(
    command: &[String],
    environment: &[(String, String)],
    directory: Option<&std::path::Path>,
    user: Option<&str>,
) -> Result<u32, String> {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .env_clear()
        .envs(environment.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if let Some(dir) = directory {
        cmd.current_dir(dir);
    }
    if let Some(credentials) = user.map(Credentials::of).transpose()?.flatten() {
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (setgroups, setgid, setuid) on data prepared in the
        // parent; it allocates nothing.
        unsafe {
            cmd.pre_exec(move || Ok(credentials.apply()?));
        }
    }
    // The child is reaped by the event loop's waitpid(-1); dropping the handle neither waits
    // nor kills.
    let child = cmd.spawn().map_err(|e| format!("can't run {}: {e}", command[0]))?;
    Ok(child.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        let cases: &[(&[u8], Option<u16>)] = &[
            (b"HTTP/1.1 200 OK", Some(200)),
            (b"HTTP/1.0 503 Service Unavailable", Some(503)),
            (b"HTTP/1.1 204", Some(204)),
            (b"HTTP/2 404 Not Found", Some(404)),
            (b"SSH-2.0-OpenSSH", None),
            (b"HTTP/1.1 2000 OK", None),
            (b"", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_status(line), *want, "{:?}", String::from_utf8_lossy(line));
        }
        assert_eq!(status_line(b"HTTP/1.1 200 OK\r\nServer: x"), Some(&b"HTTP/1.1 200 OK"[..]));
        assert_eq!(status_line(b"HTTP/1.1 200 OK"), None);
    }

    /// A real listener on loopback: connect, GET, status; and a refused port.
    #[test]
    fn probes_against_a_local_listener() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let n = conn.read(&mut request).unwrap();
            assert!(request[..n].starts_with(b"GET /health HTTP/1.0\r\n"));
            conn.write_all(b"HTTP/1.1 503 Busy\r\n\r\n").unwrap();
        });
        let probe = Probe::Http {
            host: "127.0.0.1".parse().unwrap(),
            host_header: format!("127.0.0.1:{port}"),
            port,
            path: "/health".into(),
            status: (200, 399),
        };
        let (mut p, mut step) = SocketProbe::start(&probe).unwrap();
        let outcome = loop {
            match step {
                Step::Done(outcome) => break outcome,
                // A blocking wait is fine in a test: the loop would poll here.
                Step::Wait(_) => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    step = p.on_ready();
                }
            }
        };
        assert_eq!(outcome, Err("HTTP status 503".to_string()));
        server.join().unwrap();

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let (mut p, mut step) = SocketProbe::start(&Probe::Tcp { host: "127.0.0.1".parse().unwrap(), port }).unwrap();
        for _ in 0..200 {
            if let Step::Done(_) = step {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            step = p.on_ready();
        }
        assert!(matches!(step, Step::Done(Err(_))), "{step:?}");
    }
}
