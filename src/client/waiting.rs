//! Waiting for the daemon, and Ctrl-C while waiting: used by the connection for every read,
//! whether the one-shot client or the shell runs it.
//!
//! Outside the interactive shell nothing is installed: a wait is the blocking read itself and
//! Ctrl-C kills the client, as usual. The shell calls `install_interrupt`, after which SIGINT
//! writes a byte to a self-pipe (signal-hook's) instead, and every wait polls that pipe with
//! the socket, ending with [`interrupted`]: the command is abandoned, its connection dropped,
//! and the daemon only loses a client.

use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;

use super::{Failure, exit};

/// The exit code of a command abandoned with Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// The read end of the SIGINT self-pipe; set once the interactive shell starts.
static INTERRUPT: OnceLock<UnixStream> = OnceLock::new();

/// Makes SIGINT write a byte to a pipe instead of killing the process, for the rest of the
/// process's life (only the interactive shell wants that).
pub(super) fn install_interrupt() -> std::io::Result<()> {
    let (reader, writer) = UnixStream::pair()?;
    reader.set_nonblocking(true)?;
    writer.set_nonblocking(true)?;
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGINT, writer)?;
    // A second call (none happens) would leave the first pipe in place, which still works.
    let _ = INTERRUPT.set(reader);
    Ok(())
}

/// Forgets Ctrl-C presses that no command was waiting for, so they do not cut the next one short.
pub(super) fn clear_interrupt() {
    if let Some(mut pipe) = INTERRUPT.get() {
        let mut buf = [0u8; 64];
        while matches!(pipe.read(&mut buf), Ok(n) if n > 0) {}
    }
}

/// The failure a command waiting for the daemon ends with when Ctrl-C is pressed.
pub fn interrupted() -> Failure {
    Failure::new(INTERRUPTED, "interrupted")
}

impl Failure {
    /// Whether Ctrl-C ended the command (the daemon was not told anything).
    pub fn is_interrupted(&self) -> bool {
        self.code == INTERRUPTED
    }
}

/// Blocks until `socket` is readable (or closed). In the interactive shell, a Ctrl-C meanwhile
/// ends the wait with [`interrupted`]; elsewhere this returns at once and the read blocks.
pub(super) fn wait_readable(socket: &UnixStream) -> Result<(), Failure> {
    if INTERRUPT.get().is_none() {
        return Ok(());
    }
    // Data, a hang-up or an error: the read that follows tells which.
    wait_any(&[socket.as_fd()]).map(drop)
}

/// Blocks until one of `fds` is readable (or closed), and says which. In the interactive shell a
/// Ctrl-C meanwhile ends the wait with [`interrupted`], as in [`wait_readable`]. (`fg` waits on
/// the daemon's socket and the terminal at once.)
pub(super) fn wait_any(fds: &[std::os::fd::BorrowedFd<'_>]) -> Result<Vec<bool>, Failure> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    loop {
        let mut polled: Vec<PollFd<'_>> = fds.iter().map(|fd| PollFd::new(*fd, PollFlags::POLLIN)).collect();
        let interrupt = INTERRUPT.get();
        if let Some(pipe) = interrupt {
            polled.push(PollFd::new(pipe.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut polled, PollTimeout::NONE) {
            Ok(_) => {}
            // The SIGINT itself interrupts poll; the pipe says so on the next turn.
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(Failure::new(exit::ERROR, format!("can't wait for input: {e}"))),
        }
        let ready: Vec<bool> = polled.iter().map(|fd| fd.revents().is_some_and(|r| !r.is_empty())).collect();
        if interrupt.is_some() && ready[fds.len()] {
            clear_interrupt();
            return Err(interrupted());
        }
        if ready.iter().take(fds.len()).any(|r| *r) {
            return Ok(ready[..fds.len()].to_vec());
        }
    }
}
