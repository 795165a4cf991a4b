//! systemd's sd_notify protocol, the daemon's side: one datagram socket per `notify` process,
//! in a private directory, named to the child by `NOTIFY_SOCKET`; the messages it reads
//! (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`) are parsed here, purely, and acted on by
//! `monitor`.
//!
//! The directory is created once per daemon with a random name and mode 0711, so a child
//! running as another user can reach its own socket (mode 0666) by the path it was given, but
//! nobody can list the directory to find the others.

use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// The largest datagram read; longer ones are cut (systemd's own limit is larger, but what we
/// read is a few short fields).
pub const MAX_DATAGRAM: usize = 4096;

/// One thing a program told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Ready,
    Status(String),
    Watchdog,
    Stopping,
}

/// The messages of one datagram: newline-separated KEY=VALUE; unknown keys are ignored, as
/// systemd does.
pub fn parse(datagram: &[u8]) -> Vec<Message> {
    let text = String::from_utf8_lossy(datagram);
    text.split('\n')
        .filter_map(|line| match line.split_once('=')? {
            ("READY", "1") => Some(Message::Ready),
            ("STATUS", s) => Some(Message::Status(s.chars().take(256).collect())),
            ("WATCHDOG", "1") => Some(Message::Watchdog),
            ("STOPPING", "1") => Some(Message::Stopping),
            _ => None,
        })
        .collect()
}

/// The private directory of the daemon's notify sockets, removed when dropped.
#[derive(Debug)]
pub struct NotifyDir {
    path: PathBuf,
}

impl NotifyDir {
    pub fn create() -> std::io::Result<NotifyDir> {
        let mut random = [0u8; 8];
        getrandom(&mut random);
        let name = format!("taskmaster-notify-{}-{:016x}", std::process::id(), u64::from_ne_bytes(random));
        let path = std::env::temp_dir().join(name);
        std::fs::DirBuilder::new().mode(0o711).create(&path)?;
        Ok(NotifyDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for NotifyDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Random bytes for the directory's name; the clock if /dev/urandom is unavailable (the name
/// then is only unlikely, not secret).
fn getrandom(out: &mut [u8]) {
    use std::io::Read;
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(out)).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        for (i, b) in out.iter_mut().enumerate() {
            *b = (nanos >> (i * 8)) as u8;
        }
    }
}

/// One process's socket.
#[derive(Debug)]
pub struct NotifySocket {
    pub socket: UnixDatagram,
    pub path: PathBuf,
}

impl NotifySocket {
    pub fn bind(dir: &NotifyDir, name: &str) -> std::io::Result<NotifySocket> {
        let path = dir.path().join(name);
        let _ = std::fs::remove_file(&path);
        let socket = UnixDatagram::bind(&path)?;
        socket.set_nonblocking(true)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666))?;
        Ok(NotifySocket { socket, path })
    }

    /// Every message waiting, up to a bound per call (the loop comes back if more remain).
    pub fn receive(&self) -> Vec<Message> {
        let mut buffer = [0u8; MAX_DATAGRAM];
        let mut messages = Vec::new();
        for _ in 0..64 {
            match self.socket.recv(&mut buffer) {
                Ok(n) => messages.extend(parse(&buffer[..n])),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        messages
    }
}

impl Drop for NotifySocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrams() {
        let cases: &[(&str, Vec<Message>)] = &[
            ("READY=1", vec![Message::Ready]),
            ("READY=1\nSTATUS=Listening on :80\n", vec![Message::Ready, Message::Status("Listening on :80".into())]),
            ("WATCHDOG=1", vec![Message::Watchdog]),
            ("STOPPING=1", vec![Message::Stopping]),
            ("MAINPID=5\nREADY=0\nX", vec![]),
            ("", vec![]),
        ];
        for (text, want) in cases {
            assert_eq!(&parse(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn a_socket_receives_what_a_child_would_send() {
        let dir = NotifyDir::create().unwrap();
        let socket = NotifySocket::bind(&dir, "p1").unwrap();
        let sender = UnixDatagram::unbound().unwrap();
        sender.send_to(b"READY=1\nSTATUS=up", &socket.path).unwrap();
        sender.send_to(b"WATCHDOG=1", &socket.path).unwrap();
        assert_eq!(socket.receive(), [Message::Ready, Message::Status("up".into()), Message::Watchdog]);
        assert_eq!(socket.receive(), []);
        let path = dir.path().to_path_buf();
        drop(socket);
        drop(dir);
        assert!(!path.exists());
    }
}
