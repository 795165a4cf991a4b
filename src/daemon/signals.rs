//! Signals as events: each handled signal sets a flag and writes a byte to a pipe the event loop
//! polls (signal-hook's self-pipe), so no work happens in a signal handler and the loop wakes at
//! once. SIGCHLD included: the loop then reaps every exited child.

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR2};

/// The signals the daemon reacts to.
pub const HANDLED: [i32; 6] = [SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2];

pub struct SignalPipe {
    reader: UnixStream,
    flags: Vec<(i32, Arc<AtomicBool>)>,
}

impl SignalPipe {
    pub fn install() -> std::io::Result<SignalPipe> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        let mut flags = Vec::new();
        for signal in HANDLED {
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(signal, Arc::clone(&flag))?;
            signal_hook::low_level::pipe::register(signal, writer.try_clone()?)?;
            flags.push((signal, flag));
        }
        Ok(SignalPipe { reader, flags })
    }

    /// A pipe no signal writes to: for tests that drive a supervisor without taking over the
    /// test process's signals.
    #[cfg(test)]
    pub fn detached() -> std::io::Result<SignalPipe> {
        let (reader, _writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        Ok(SignalPipe { reader, flags: Vec::new() })
    }

    pub fn reader(&self) -> &UnixStream {
        &self.reader
    }

    /// Empties the pipe and returns the signals that arrived since the last call.
    pub fn drain(&mut self) -> Vec<i32> {
        let mut buf = [0u8; 256];
        while matches!((&self.reader).read(&mut buf), Ok(n) if n > 0) {}
        self.flags.iter().filter(|(_, flag)| flag.swap(false, Ordering::SeqCst)).map(|(s, _)| *s).collect()
    }
}
