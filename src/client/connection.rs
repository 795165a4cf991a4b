//! The transport: one connection to the daemon's socket, a request out and a response (or a
//! raw stream) back. Every read waits through `waiting`, so the shell's Ctrl-C can cut it short.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use super::{Failure, exit, output_failed, waiting};
use crate::protocol::{self, Request, RequestEnvelope, Response};

/// One connection to the daemon.
pub struct Connection {
    reader: BufReader<UnixStream>,
    path: PathBuf,
}

impl Connection {
    pub fn open(path: &Path) -> Result<Connection, Failure> {
        match UnixStream::connect(path) {
            Ok(stream) => Ok(Connection { reader: BufReader::new(stream), path: path.to_path_buf() }),
            Err(e) => Err(connect_failure(path, &e)),
        }
    }

    fn lost(&self, e: &std::io::Error) -> Failure {
        Failure::new(
            exit::UNKNOWN,
            format!("lost the connection to taskmasterd at {}: {}", self.path.display(), describe_io(e)),
        )
    }

    /// Sends one request and reads one response.
    pub fn request(&mut self, request: Request) -> Result<Response, Failure> {
        let line = protocol::encode_line(&RequestEnvelope::new(request));
        self.reader.get_mut().write_all(&line).map_err(|e| self.lost(&e))?;
        self.read_response()
    }

    /// Copies the raw stream that follows a [`Response::Stream`] to `out` until the daemon
    /// ends it (or, in the shell, Ctrl-C).
    pub fn stream_to(&mut self, out: &mut dyn Write) -> Result<(), Failure> {
        loop {
            if self.reader.buffer().is_empty() {
                waiting::wait_readable(self.reader.get_ref())?;
            }
            let chunk = match self.reader.fill_buf() {
                Ok([]) => return Ok(()),
                Ok(chunk) => chunk,
                Err(e) => return Err(self.lost(&e)),
            };
            let n = chunk.len();
            out.write_all(chunk).and_then(|()| out.flush()).map_err(output_failed)?;
            self.reader.consume(n);
        }
    }

    /// Copies a framed stream ([`Response::Frames`], `tail -f`) to `out`: each data frame's
    /// bytes as they arrive, until the end frame, which is returned.
    pub fn frames_to(&mut self, out: &mut dyn Write) -> Result<protocol::StreamEnd, Failure> {
        loop {
            let header = self.read_header()?;
            match header.first() {
                Some(b'D') => {
                    let mut left: usize = std::str::from_utf8(&header[1..])
                        .ok()
                        .and_then(|n| n.trim_end().parse().ok())
                        .ok_or_else(|| Failure::new(exit::ERROR, "a bad frame from taskmasterd"))?;
                    while left > 0 {
                        if self.reader.buffer().is_empty() {
                            waiting::wait_readable(self.reader.get_ref())?;
                        }
                        let chunk = match self.reader.fill_buf() {
                            Ok([]) => return Err(self.lost(&std::io::Error::from(std::io::ErrorKind::UnexpectedEof))),
                            Ok(chunk) => chunk,
                            Err(e) => return Err(self.lost(&e)),
                        };
                        let n = chunk.len().min(left);
                        out.write_all(&chunk[..n]).and_then(|()| out.flush()).map_err(output_failed)?;
                        self.reader.consume(n);
                        left -= n;
                    }
                }
                Some(b'E') => {
                    return serde_json::from_slice(&header[1..])
                        .map_err(|e| Failure::new(exit::ERROR, format!("a bad end frame from taskmasterd: {e}")));
                }
                _ => return Err(Failure::new(exit::ERROR, "a bad frame from taskmasterd")),
            }
        }
    }

    /// One frame header line, newline included (a data frame's is short, an end frame's is a
    /// JSON line).
    fn read_header(&mut self) -> Result<Vec<u8>, Failure> {
        self.read_line("a bad frame from taskmasterd")
    }

    /// One line from the daemon, newline included, at most [`protocol::MAX_LINE`] bytes (past
    /// that, `too_long` is the error). In the interactive shell, Ctrl-C abandons the wait with
    /// [`waiting::interrupted`] (each time the buffer is empty, the socket is polled together
    /// with the shell's interrupt pipe).
    fn read_line(&mut self, too_long: &str) -> Result<Vec<u8>, Failure> {
        let mut line = Vec::new();
        loop {
            if self.reader.buffer().is_empty() {
                waiting::wait_readable(self.reader.get_ref())?;
            }
            let available = match self.reader.fill_buf() {
                Ok([]) => return Err(self.lost(&std::io::Error::from(std::io::ErrorKind::UnexpectedEof))),
                Ok(available) => available,
                Err(e) => return Err(self.lost(&e)),
            };
            let end = available.iter().position(|&b| b == b'\n').map(|i| i + 1);
            let taken = end.unwrap_or(available.len());
            line.extend_from_slice(&available[..taken]);
            self.reader.consume(taken);
            if end.is_some() {
                return Ok(line);
            }
            if line.len() >= protocol::MAX_LINE {
                return Err(Failure::new(exit::ERROR, too_long));
            }
        }
    }

    /// `fg`: the stream to `out`, and what the user types to the process, until the process
    /// exits, the user detaches (Ctrl-C, or Ctrl-D at the start of a line), or the daemon goes.
    /// True when the user detached.
    pub fn attach(&mut self, out: &mut dyn Write) -> Result<bool, Failure> {
        use std::os::fd::AsFd;
        let write_failed = output_failed;
        let stdin = std::io::stdin();
        let mut typed = [0u8; 4096];
        loop {
            if !self.reader.buffer().is_empty() {
                let chunk = self.reader.buffer();
                let n = chunk.len();
                out.write_all(chunk).and_then(|()| out.flush()).map_err(write_failed)?;
                self.reader.consume(n);
                continue;
            }
            let ready = match waiting::wait_any(&[self.reader.get_ref().as_fd(), stdin.as_fd()]) {
                Err(failure) if failure.is_interrupted() => return Ok(true),
                other => other?,
            };
            if ready[0] {
                match self.reader.fill_buf() {
                    Ok([]) => return Ok(false),
                    Ok(_) => continue,
                    Err(e) => return Err(self.lost(&e)),
                }
            }
            if ready[1] {
                // Straight from the descriptor: std's stdin buffer would hide data from poll.
                let n = match nix::unistd::read(stdin.as_fd(), &mut typed) {
                    Ok(0) => return Ok(true),
                    Ok(n) => n,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(Failure::new(exit::ERROR, format!("can't read the terminal: {e}"))),
                };
                self.reader.get_mut().write_all(&typed[..n]).map_err(|e| self.lost(&e))?;
            }
        }
    }

    /// Reads one response line (see [`Connection::read_line`] for Ctrl-C).
    pub fn read_response(&mut self) -> Result<Response, Failure> {
        let line = self.read_line("a response from taskmasterd is longer than the protocol allows")?;
        serde_json::from_slice(&line)
            .map_err(|e| Failure::new(exit::ERROR, format!("unreadable response from taskmasterd: {e}")))
    }
}

/// Says what is wrong with a socket that does not connect. "Is it running?" fits only a missing
/// socket file and a refused connection; a permission problem or a path that is not a socket
/// would not be fixed by starting the daemon.
pub fn connect_failure(path: &Path, e: &std::io::Error) -> Failure {
    use std::os::unix::fs::FileTypeExt;
    let shown = path.display();
    // Linux refuses a connection to a file that is not a socket: look at what is there first.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.file_type().is_socket()
    {
        let kind = if meta.is_dir() {
            "a directory"
        } else if meta.is_file() {
            "a regular file"
        } else {
            "not a socket"
        };
        let message = format!(
            "{shown} is {kind}, not taskmasterd's socket; check [unix_server] file (or [taskmasterctl] serverurl, or -s)"
        );
        return Failure::new(exit::UNKNOWN, message);
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            Failure::new(exit::NO_SOCKET, format!("no socket file at {shown} (is taskmasterd running?)"))
        }
        std::io::ErrorKind::PermissionDenied => Failure::new(
            exit::UNKNOWN,
            format!(
                "permission denied connecting to taskmasterd at {shown}: this user may not use the socket \
                 (its [unix_server] chmod and chown, or a directory above it)"
            ),
        ),
        std::io::ErrorKind::ConnectionRefused => Failure::new(
            exit::UNKNOWN,
            format!("can't connect to taskmasterd at {shown}: connection refused (is it running?)"),
        ),
        _ => Failure::new(exit::UNKNOWN, format!("can't connect to taskmasterd at {shown}: {}", describe_io(e))),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::UnexpectedEof => "the daemon closed the connection".to_string(),
        _ => e.to_string(),
    }
}
