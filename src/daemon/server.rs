//! The control socket: binding it safely, and the per-client buffers.
//!
//! A client is never waited on. Its socket is non-blocking; what it sends is buffered up to one
//! protocol line, what it is sent is buffered up to [`MAX_OUTPUT_BUFFER`], and a client that lets
//! that fill (it stopped reading) is disconnected rather than slowing the daemon.

use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

use anyhow::{Context, bail};

use crate::config::UnixServerConfig;
use crate::protocol::{self, LineTooLong};

/// What a client may leave unread before it is dropped.
pub const MAX_OUTPUT_BUFFER: usize = 16 << 20;

/// Binds the control socket. A socket file nobody listens on (left by a crash) is replaced; a
/// live one is never stolen; any other kind of file is left alone.
pub fn bind(config: &UnixServerConfig) -> anyhow::Result<UnixListener> {
    let path = &config.file;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if !meta.file_type().is_socket() {
            bail!("{} exists and is not a socket; remove it or choose another [unix_server] file", path.display());
        }
        match UnixStream::connect(path) {
            Ok(_) => bail!("another daemon is already listening on {}", path.display()),
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                std::fs::remove_file(path).with_context(|| format!("can't remove stale socket {}", path.display()))?;
            }
            Err(e) => return Err(e).with_context(|| format!("can't probe the existing socket {}", path.display())),
        }
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        bail!("the socket's directory {} does not exist", parent.display());
    }
    let listener =
        bind_with_mode(path, config.chmod).with_context(|| format!("can't bind the socket {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(config.chmod))
        .with_context(|| format!("can't chmod the socket {}", path.display()))?;
    if let Some(chown) = &config.chown {
        let uid = nix::unistd::User::from_name(&chown.user)?.map(|u| u.uid);
        let gid = match &chown.group {
            Some(g) => nix::unistd::Group::from_name(g)?.map(|g| g.gid),
            None => None,
        };
        nix::unistd::chown(path, uid, gid).with_context(|| format!("can't chown the socket {}", path.display()))?;
    }
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Binds a socket file that is created with at most `mode`'s permissions, whatever the
/// daemon's umask (`umask = "000"` included): bind(2) creates the file 0777 less the umask,
/// and a client could connect in the instant before a chmod. The umask is tightened around the
/// bind alone; the daemon has no other thread yet to be affected by it.
fn bind_with_mode(path: &Path, mode: u32) -> io::Result<UnixListener> {
    use nix::sys::stat::{Mode, umask};
    let previous = umask(Mode::from_bits_truncate(!mode as libc::mode_t & 0o777));
    let bound = UnixListener::bind(path);
    umask(previous);
    bound
}

/// Removes the socket file at shutdown. (A live socket is never replaced at start-up, so the
/// file at this path is the one this daemon bound.)
pub fn unlink(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// One connected client's buffers.
pub struct Connection {
    pub stream: UnixStream,
    input: Vec<u8>,
    output: Vec<u8>,
    /// The client closed its sending side: answer what is pending, then drop it.
    pub read_closed: bool,
}

/// What reading from a client produced.
pub enum ReadOutcome {
    /// New bytes (or none) are buffered.
    Open,
    /// The client sent a line longer than the protocol allows.
    TooLong,
}

impl Connection {
    pub fn new(stream: UnixStream) -> io::Result<Self> {
        stream.set_nonblocking(true)?;
        Ok(Connection { stream, input: Vec::new(), output: Vec::new(), read_closed: false })
    }

    /// Reads what is available without blocking, up to about one maximum line: the rest waits
    /// in the socket until the buffered requests are served.
    pub fn read_available(&mut self) -> io::Result<ReadOutcome> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            if self.input.len() >= protocol::MAX_LINE {
                let has_line = self.input[..protocol::MAX_LINE].contains(&b'\n');
                return Ok(if has_line { ReadOutcome::Open } else { ReadOutcome::TooLong });
            }
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.read_closed = true;
                    return Ok(ReadOutcome::Open);
                }
                Ok(n) => self.input.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(ReadOutcome::Open),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next complete request line, if one is buffered. Once the client has shut its
    /// sending side, the end of the stream ends the last line: a request written without its
    /// newline (`printf '{...}' | nc -U`) is still answered.
    pub fn next_line(&mut self) -> Result<Option<Vec<u8>>, LineTooLong> {
        match protocol::take_line(&mut self.input)? {
            None if self.read_closed && !self.input.is_empty() => Ok(Some(std::mem::take(&mut self.input))),
            next => Ok(next),
        }
    }

    /// Queues bytes and writes what the socket takes now. Err when the client is too far behind.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.output.len() + bytes.len() > MAX_OUTPUT_BUFFER {
            return Err(io::Error::other("the client is not reading its replies"));
        }
        self.output.extend_from_slice(bytes);
        self.flush()
    }

    /// Writes what the socket takes without blocking.
    pub fn flush(&mut self) -> io::Result<()> {
        while !self.output.is_empty() {
            match self.stream.write(&self.output) {
                Ok(0) => return Err(io::Error::from(ErrorKind::WriteZero)),
                Ok(n) => {
                    self.output.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    pub fn wants_write(&self) -> bool {
        !self.output.is_empty()
    }

    pub fn pending_output(&self) -> usize {
        self.output.len()
    }

    /// Forgets output not yet sent (to a follower about to be dropped).
    pub fn discard_output(&mut self) {
        self.output.clear();
    }

    /// What is buffered, unconsumed (to tell the protocol from a connection's first bytes).
    pub fn peek_input(&self) -> &[u8] {
        &self.input
    }

    /// Everything received and not yet consumed (raw input of a streaming client).
    pub fn take_input(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.input)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// The socket file must be born with its final mode (at most), not get it from a later
    /// chmod: this calls the binding step alone, with no chmod after it, under the widest
    /// umask. (The umask is process-wide; no other test of this crate depends on it.)
    #[test]
    fn the_socket_is_born_no_wider_than_its_mode_even_under_umask_000() {
        use nix::sys::stat::{Mode, umask};
        let dir = tempfile::tempdir().unwrap();
        let previous = umask(Mode::empty());
        let results: Vec<(u32, u32)> = [0o700, 0o770, 0o600]
            .into_iter()
            .map(|mode| {
                let path = dir.path().join(format!("s{mode:o}"));
                let _listener = bind_with_mode(&path, mode).unwrap();
                (mode, std::fs::metadata(&path).unwrap().permissions().mode() & 0o777)
            })
            .collect();
        let after = umask(previous);
        assert_eq!(after, Mode::empty(), "the umask was not restored");
        for (mode, born) in results {
            assert_eq!(born, mode, "a socket for mode {mode:o} was created {born:o}");
        }
    }
}
