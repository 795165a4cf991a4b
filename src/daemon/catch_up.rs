//! A `tail -f` follower that falls behind catches up from the log file on disk, as `tail -F`
//! would, instead of losing output: the daemon stops queueing live output for it, notes where
//! in which file (device and inode, so a rotation is followed) its next byte lies, and, each
//! time its socket has room, reads the next slice of that file; at the end of the current log
//! file it is back on the live stream. Only when the file it needs was rotated away (past the
//! last backup) does its stream end with an error. The daemon never buffers more than
//! [`FOLLOWER_BUFFER`] for one follower and never waits on one.
//!
//! Followers of `fg` and `maintail -f` have no file position to come back to and are still let
//! go (`control_socket`). With `*_log_timestamps`, the caught-up part is the file's text, with
//! its timestamps.

use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::requests::{ClientId, Outgoing};
use super::streams::{FOLLOWER_BUFFER, FollowSource};
use super::supervisor::{ProcessId, Supervisor};
use crate::config::LogDestination;
use crate::protocol::Channel;

/// The most read from disk for one follower at a time.
const TOP_UP: usize = 1 << 20;

/// Where a lagging follower's next byte is: an open file, held so that its inode cannot be
/// reused (a (device, inode) pair alone could name a newer file after a rotation deleted the
/// old one) and its text stays readable after a rotation renamed or removed it.
#[derive(Debug)]
pub struct Lag {
    path: PathBuf,
    backups: u32,
    /// The file the offset is in, with its (device, inode); None while the log did not exist.
    file: Option<(File, (u64, u64))>,
    offset: u64,
}

/// What a lagging follower gets next.
#[derive(Debug, PartialEq, Eq)]
pub enum TopUp {
    Bytes(Vec<u8>),
    /// It has read everything: the live stream takes over.
    Live,
    /// What it needed is no longer on disk.
    Lost(String),
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

fn open_held(path: &Path) -> Option<(File, (u64, u64))> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    Some((file, (meta.dev(), meta.ino())))
}

fn numbered(path: &Path, n: u32) -> PathBuf {
    if n == 0 {
        return path.to_path_buf();
    }
    let mut p = path.to_path_buf().into_os_string();
    p.push(format!(".{n}"));
    PathBuf::from(p)
}

impl Supervisor {
    /// Before a chunk of `len` bytes of `id`'s `channel` is logged: each `tail -f` follower of
    /// that channel that could not take it without passing its bound starts to lag, at the
    /// place in the log where the chunk begins (the file as it is before the write).
    pub fn mark_lagging_followers(&mut self, id: ProcessId, channel: Channel, len: usize) {
        if self.followers.is_empty() {
            return;
        }
        let followers = &self.followers;
        self.lagging.retain(|client, _| followers.contains_key(client));
        let wanted = FollowSource::Process { id, channel: Some(channel) };
        let candidates: Vec<ClientId> = self
            .followers
            .iter()
            .filter(|(client, source)| {
                **source == wanted && !self.lagging.contains_key(client) && self.is_framed_follower(**client)
            })
            .map(|(client, _)| *client)
            .collect();
        for client in candidates {
            if self.follower_backlog(client) + len <= FOLLOWER_BUFFER {
                continue;
            }
            let Some(p) = self.processes.get(&id) else { return };
            // With redirect_stderr, stderr's chunks are the stdout log's.
            let log = if channel == Channel::Stderr && !p.config.redirect_stderr {
                &p.config.stderr
            } else {
                &p.config.stdout
            };
            let LogDestination::File(path) = &log.destination else {
                let why = format!(
                    "this follower fell behind, and {}'s {} has no log file to catch up from: output was lost",
                    p.config.name,
                    channel.as_str()
                );
                self.followers.remove(&client);
                self.outbox.push_back((client, Outgoing::Lost(why)));
                continue;
            };
            let file = open_held(path);
            let offset = file.as_ref().and_then(|(f, _)| f.metadata().ok()).map_or(0, |m| m.len());
            log::debug!("a follower of {} fell behind: catching up from {} at {offset}", p.config.name, path.display());
            self.lagging.insert(client, Lag { path: path.clone(), backups: log.backups, file, offset });
        }
    }

    /// What one front-end holds for a client, delivered or not: its buffer, and what the
    /// outbox has for it.
    fn follower_backlog(&self, client: ClientId) -> usize {
        let queued: usize = self
            .outbox
            .iter()
            .filter(|(to, _)| *to == client)
            .map(|(_, outgoing)| match outgoing {
                Outgoing::Bytes(data) => data.len(),
                _ => 0,
            })
            .sum();
        let buffered = self.clients.get(&client.0).map_or(0, |c| c.connection.pending_output());
        queued + buffered
    }

    /// The next slice for a lagging follower with `room` bytes free; None when it is not lagging.
    pub fn top_up(&mut self, client: ClientId, room: usize) -> Option<TopUp> {
        let lag = self.lagging.get_mut(&client)?;
        let outcome = next_slice(lag, room.min(TOP_UP));
        match outcome {
            TopUp::Bytes(_) => {}
            TopUp::Live => {
                self.lagging.remove(&client);
            }
            TopUp::Lost(_) => {
                self.lagging.remove(&client);
                self.followers.remove(&client);
            }
        }
        Some(outcome)
    }
}

/// Reads on from `lag`, following rotations: `path.N` ... `path.1`, then `path`.
fn next_slice(lag: &mut Lag, max: usize) -> TopUp {
    loop {
        if lag.file.is_none() {
            match open_held(&lag.path) {
                Some(file) => {
                    lag.file = Some(file);
                    lag.offset = 0;
                }
                // Still no log file: nothing was written, so nothing was missed.
                None => return TopUp::Live,
            }
        }
        let (file, id) = lag.file.as_ref().expect("opened above");
        let len = match file.metadata() {
            Ok(meta) => meta.len(),
            Err(e) => return TopUp::Lost(format!("can't read {} to catch up: {e}", lag.path.display())),
        };
        if len < lag.offset {
            return TopUp::Lost(format!(
                "{} was emptied (rotated with no backups) before this follower read it: output was lost",
                lag.path.display()
            ));
        }
        let want = (len - lag.offset).min(max as u64) as usize;
        if want > 0 {
            let mut data = vec![0; want];
            return match file.read_at(&mut data, lag.offset) {
                Ok(n) => {
                    data.truncate(n);
                    lag.offset += n as u64;
                    TopUp::Bytes(data)
                }
                Err(e) => TopUp::Lost(format!("can't read {} to catch up: {e}", lag.path.display())),
            };
        }
        // The end of the held file: where is it now? The log itself (then the follower is
        // level with it), a backup (then the next newer file follows), or gone.
        let id = *id;
        match (0..=lag.backups).find(|n| identity(&numbered(&lag.path, *n)) == Some(id)) {
            Some(0) => return TopUp::Live,
            Some(n) => match open_held(&numbered(&lag.path, n - 1)) {
                Some(next) => {
                    lag.file = Some(next);
                    lag.offset = 0;
                }
                None => {
                    let gone = numbered(&lag.path, n - 1);
                    return TopUp::Lost(format!("{} vanished while catching up", gone.display()));
                }
            },
            None => {
                return TopUp::Lost(format!(
                    "{} was rotated away before this follower read it: output was lost; \
                     raise its *_logfile_backups or *_logfile_maxbytes, or read faster",
                    lag.path.display()
                ));
            }
        }
    }
}
