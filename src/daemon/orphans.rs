//! Children a previous daemon left behind: the record of this daemon's children, and the
//! recovery a restarting daemon runs before it starts its own.
//!
//! A daemon killed with SIGKILL cannot stop its children, and they keep running, reparented to
//! init. So every child is recorded next to the pidfile (`PIDFILE.children`) with its pid,
//! process group, start time and stop settings. At start-up, holding the pidfile lock (so no
//! other daemon owns that record), [`recover`] reads what the predecessor recorded and stops
//! each child that is still alive the way a stop would: its stopsignal (to its group with
//! stopasgroup), then SIGKILL (to the group with killasgroup) after its stopwaitsecs. It logs
//! what it did, and only then does the daemon start its own children.
//!
//! A pid is signalled only while it still names the recorded process: its start time (Linux:
//! `/proc/PID/stat` field 22; elsewhere `ps -o lstart=`) must match the record, or the pid was
//! reused by an unrelated process and is left alone. On Linux the process is pinned by a pidfd
//! before the check, so the signal cannot reach a pid reused in between, and its exit is waited
//! for by polling the pidfd; elsewhere the wait checks every few milliseconds. The wait is
//! bounded by the largest stopwaitsecs plus a few seconds after SIGKILL, and happens before the
//! daemon serves, so it is no tick of the event loop.
//!
//! The record is trusted only if nobody but the daemon's user could have written it (a regular
//! file, not a symlink, owned by the effective uid, not group- or world-writable): the pidfile's
//! directory may be shared, and a planted record would make a root daemon signal whatever it
//! names. It is written the same way: created afresh with mode 0600, never through a symlink.
//!
//! The record is a journal, so a spawn or an exit costs one small append, not a rewrite:
//! `+` lines for spawns and `-` lines for exits. Once it holds many more lines than live
//! children it is compacted: written anew to a temporary file and renamed over the old one. A
//! clean shutdown removes it.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use log::{error, info, warn};

use crate::config::ProcessConfig;

/// How long a SIGKILLed orphan may take to vanish before the daemon gives up on it.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// The record of a daemon's children beside its pidfile.
pub fn record_path(pidfile: &Path) -> PathBuf {
    let mut path = pidfile.as_os_str().to_owned();
    path.push(".children");
    PathBuf::from(path)
}

/// One recorded child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub pid: u32,
    pub pgid: u32,
    /// The process's start time as the system reports it (see [`start_time`]).
    pub start: String,
    pub stopsignal: i32,
    pub stopwaitsecs: u64,
    pub stopasgroup: bool,
    pub killasgroup: bool,
    pub name: String,
}

impl Recorded {
    fn line(&self) -> String {
        format!(
            "+\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            self.pid,
            self.pgid,
            self.start,
            self.stopsignal,
            self.stopwaitsecs,
            u8::from(self.stopasgroup),
            u8::from(self.killasgroup),
            self.name
        )
    }

    fn parse(fields: &[&str]) -> Option<Recorded> {
        let [pid, pgid, start, signal, wait, asgroup, killgroup, name] = fields else { return None };
        Some(Recorded {
            pid: pid.parse().ok().filter(|&p| p > 1)?,
            pgid: pgid.parse().ok().filter(|&p| p > 1)?,
            start: start.to_string(),
            stopsignal: signal.parse().ok()?,
            stopwaitsecs: wait.parse().ok()?,
            stopasgroup: *asgroup == "1",
            killasgroup: *killgroup == "1",
            name: name.to_string(),
        })
    }
}

/// The children a journal says are alive, by pid. Torn or unknown lines are skipped.
pub fn parse_journal(text: &str) -> BTreeMap<u32, Recorded> {
    let mut live = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.splitn(9, '\t').collect();
        match fields.first() {
            Some(&"+") => {
                if let Some(child) = Recorded::parse(&fields[1..]) {
                    live.insert(child.pid, child);
                }
            }
            Some(&"-") => {
                if let Some(pid) = fields.get(1).and_then(|p| p.parse::<u32>().ok()) {
                    live.remove(&pid);
                }
            }
            _ => {}
        }
    }
    live
}

/// A process's start time, a token that differs for every process a pid ever names. None
/// when the process does not exist (or the system will not say).
pub fn start_time(pid: u32) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command (which may hold spaces and parentheses) start at field 3.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(format!("stat:{}", fields.get(22 - 3)?))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let out = std::process::Command::new("ps").args(["-o", "lstart=", "-p", &pid.to_string()]).output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !text.is_empty()).then(|| format!("ps:{text}"))
    }
}

/// This daemon's journal of its children.
pub struct ChildRecord {
    path: PathBuf,
    file: Option<File>,
    live: BTreeMap<u32, Recorded>,
    lines: usize,
    /// A failure was logged: say it once, not at every spawn.
    failing: bool,
}

impl ChildRecord {
    /// Starts an empty record at `path` (after [`recover`] has read the old one).
    pub fn create(path: PathBuf) -> ChildRecord {
        let mut record = ChildRecord { path, file: None, live: BTreeMap::new(), lines: 0, failing: false };
        record.compact();
        record
    }

    pub fn spawned(&mut self, pid: u32, config: &ProcessConfig) {
        let Some(start) = start_time(pid) else {
            // Gone already (or unknowable): nothing a successor could safely stop.
            return;
        };
        let pgid = nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(pid as i32)))
            .map(|p| p.as_raw() as u32)
            .unwrap_or(pid);
        let child = Recorded {
            pid,
            pgid,
            start,
            stopsignal: config.stopsignal.0 as i32,
            stopwaitsecs: config.stopwaitsecs,
            stopasgroup: config.stopasgroup,
            killasgroup: config.killasgroup,
            name: config.qualified_name(),
        };
        let line = child.line();
        self.live.insert(pid, child);
        self.append(&line);
    }

    pub fn exited(&mut self, pid: u32) {
        if self.live.remove(&pid).is_some() {
            self.append(&format!("-\t{pid}\n"));
        }
    }

    fn append(&mut self, line: &str) {
        self.lines += 1;
        if self.lines > 2 * self.live.len() + 64 {
            return self.compact();
        }
        let outcome = match &mut self.file {
            Some(file) => file.write_all(line.as_bytes()),
            None => Err(std::io::Error::other("not open")),
        };
        match outcome {
            Ok(()) => self.failing = false,
            Err(_) => self.compact(),
        }
    }

    /// Writes the live children anew (temporary file, then rename: a reader sees the old
    /// record or the new one, never half of one) and appends to it from then on.
    fn compact(&mut self) {
        let mut temporary = self.path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let text: String = self.live.values().map(Recorded::line).collect();
        // A leftover (or planted) temporary name is removed, never followed: the new file is
        // created afresh, private, and its own handle is kept for the appends that follow, so
        // no path is opened again after the rename.
        let _ = std::fs::remove_file(&temporary);
        let outcome = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temporary)
            .and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                std::fs::rename(&temporary, &self.path)?;
                Ok(file)
            });
        match outcome {
            Ok(file) => {
                self.file = Some(file);
                self.lines = self.live.len();
                if std::mem::take(&mut self.failing) {
                    info!("the record of children {} is written again", self.path.display());
                }
            }
            Err(e) => {
                let _ = std::fs::remove_file(&temporary);
                self.file = None;
                if !self.failing {
                    self.failing = true;
                    error!(
                        "can't write the record of children {} ({e}); a daemon restarted after a crash may not find them",
                        self.path.display()
                    );
                }
            }
        }
    }

    /// At a clean shutdown every child is stopped: nothing is left to record.
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One orphan being stopped.
struct Orphan {
    child: Recorded,
    /// Linux: the process pinned, so signals reach it and no other.
    #[cfg(target_os = "linux")]
    pidfd: Option<std::os::fd::OwnedFd>,
    kill_at: Instant,
    killed: bool,
}

#[cfg(target_os = "linux")]
fn pidfd_open(pid: u32) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    // SAFETY: a non-negative result is a descriptor this process now owns alone.
    (fd >= 0).then(|| unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) })
}

impl Orphan {
    /// Whether the recorded process is gone (exited, or its pid now names another).
    fn gone(&self) -> bool {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.pidfd {
            use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
            use std::os::fd::AsFd;
            let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
            return poll(&mut fds, PollTimeout::ZERO).map(|n| n > 0).unwrap_or(true);
        }
        start_time(self.child.pid).as_deref() != Some(&self.child.start) || is_zombie(self.child.pid)
    }

    fn signal(&self, signal: i32, group: bool) {
        if self.gone() {
            return;
        }
        let outcome = if group {
            // The leader is alive (just checked), so its group id cannot have been reused.
            // SAFETY: killpg with a process group id and a valid signal number.
            unsafe { libc::killpg(self.child.pgid as libc::pid_t, signal) }
        } else {
            self.signal_leader(signal)
        };
        if outcome != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::ESRCH) {
                warn!("can't signal {} (pid {}): {e}", self.child.name, self.child.pid);
            }
        }
    }

    fn signal_leader(&self, signal: i32) -> i32 {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.pidfd {
            use std::os::fd::AsRawFd;
            // SAFETY: pidfd_send_signal on a pidfd this process owns, with no siginfo.
            let r = unsafe {
                libc::syscall(libc::SYS_pidfd_send_signal, fd.as_raw_fd(), signal, std::ptr::null::<()>(), 0)
            };
            return r as i32;
        }
        // SAFETY: kill with a pid just checked to be the recorded process, and a signal number.
        unsafe { libc::kill(self.child.pid as libc::pid_t, signal) }
    }
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

fn signal_name(signal: i32) -> String {
    nix::sys::signal::Signal::try_from(signal).map(|s| s.as_str().to_string()).unwrap_or_else(|_| signal.to_string())
}

/// What [`recover`] did, for tests and the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    pub stopped: usize,
    pub killed: usize,
    pub reused: usize,
    pub survived: usize,
}

/// The record at `path`, if this daemon's user could have written it and nobody else could: a
/// regular file (not followed through a symlink) owned by the effective uid and writable by it
/// alone. A record planted by another user (the pidfile's directory may be shared) would
/// otherwise make the daemon signal the processes it names.
fn read_trusted(path: &Path) -> Option<String> {
    let mut file = OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path).ok()?;
    let meta = file.metadata().ok()?;
    let uid = nix::unistd::geteuid().as_raw();
    if !meta.is_file() || meta.uid() != uid || meta.mode() & 0o022 != 0 {
        warn!(
            "ignoring the record of children {}: not a regular file owned by uid {uid} and writable only by it",
            path.display()
        );
        return None;
    }
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    Some(text)
}

/// Stops what a previous daemon recorded at `path` and left running (see the module doc).
/// Blocks until they are gone, at most the largest stopwaitsecs plus a few seconds.
pub fn recover(path: &Path) -> Recovery {
    let mut outcome = Recovery::default();
    let Some(text) = read_trusted(path) else { return outcome };
    let recorded = parse_journal(&text);
    let now = Instant::now();
    let mut orphans = Vec::new();
    for (pid, child) in recorded {
        #[cfg(target_os = "linux")]
        let pidfd = pidfd_open(pid);
        match start_time(pid) {
            None => continue,
            Some(start) if start != child.start || is_zombie(pid) => {
                if start != child.start {
                    outcome.reused += 1;
                    info!(
                        "pid {pid} recorded for {} by a previous daemon now belongs to another process; left alone",
                        child.name
                    );
                }
                continue;
            }
            Some(_) => {}
        }
        let kill_at = now + Duration::from_secs(child.stopwaitsecs);
        orphans.push(Orphan {
            child,
            #[cfg(target_os = "linux")]
            pidfd,
            kill_at,
            killed: false,
        });
    }
    if orphans.is_empty() {
        return outcome;
    }
    warn!(
        "found {} processes left running by a previous daemon (recorded in {}); stopping them before starting",
        orphans.len(),
        path.display()
    );
    for orphan in &orphans {
        let c = &orphan.child;
        warn!(
            "stopping orphan {} (pid {}, left by a previous daemon) with {}",
            c.name,
            c.pid,
            signal_name(c.stopsignal)
        );
        orphan.signal(c.stopsignal, c.stopasgroup);
    }
    let give_up = orphans.iter().map(|o| o.kill_at).max().unwrap_or(now) + KILL_GRACE;
    loop {
        let now = Instant::now();
        for orphan in orphans.iter_mut().filter(|o| !o.killed && o.kill_at <= now && !o.gone()) {
            let c = &orphan.child;
            warn!("killing orphan {} (pid {}) with SIGKILL after {} s", c.name, c.pid, c.stopwaitsecs);
            orphan.signal(libc::SIGKILL, c.killasgroup);
            orphan.killed = true;
            orphan.kill_at = now + KILL_GRACE;
        }
        let waiting: Vec<&Orphan> = orphans.iter().filter(|o| !o.gone()).collect();
        if waiting.is_empty() || now >= give_up {
            break;
        }
        let next = waiting.iter().map(|o| o.kill_at).min().unwrap_or(give_up).min(give_up);
        wait_for_exits(&waiting, next.saturating_duration_since(now));
    }
    for orphan in &orphans {
        let c = &orphan.child;
        if !orphan.gone() {
            outcome.survived += 1;
            error!("orphan {} (pid {}) is still running after SIGKILL; leaving it", c.name, c.pid);
        } else if orphan.killed {
            outcome.killed += 1;
        } else {
            outcome.stopped += 1;
            info!("stopped orphan {} (pid {})", c.name, c.pid);
        }
    }
    warn!(
        "orphans of a previous daemon: {} stopped, {} killed, {} still running",
        outcome.stopped, outcome.killed, outcome.survived
    );
    outcome
}

/// Waits up to `timeout` for one of `waiting` to exit: on their pidfds where there are, else
/// in short steps (this runs once, at start-up, before the daemon serves).
fn wait_for_exits(waiting: &[&Orphan], timeout: Duration) {
    #[cfg(target_os = "linux")]
    if waiting.iter().all(|o| o.pidfd.is_some()) {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        use std::os::fd::AsFd;
        let mut fds: Vec<PollFd> = waiting
            .iter()
            .filter_map(|o| o.pidfd.as_ref())
            .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN))
            .collect();
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
        let _ = poll(&mut fds, PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX));
        return;
    }
    std::thread::sleep(timeout.min(Duration::from_millis(20)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_keeps_spawns_without_exits_and_skips_torn_lines() {
        let child = |pid: u32| Recorded {
            pid,
            pgid: pid,
            start: "stat:123".into(),
            stopsignal: 15,
            stopwaitsecs: 10,
            stopasgroup: true,
            killasgroup: false,
            name: "web:web_00".into(),
        };
        let text = format!("{}{}-\t100\n{}+\t7\tgarbage\n-\t", child(100).line(), child(200).line(), child(300).line());
        let live = parse_journal(&text);
        assert_eq!(live.keys().copied().collect::<Vec<_>>(), [200, 300]);
        assert_eq!(live[&300], child(300));
    }

    #[test]
    fn the_record_compacts_and_a_dead_pid_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.pid.children");
        let mut record = ChildRecord::create(path.clone());
        let config = crate::daemon::process_state::tests::policy();
        let me = std::process::id();
        for _ in 0..500 {
            record.spawned(me, &config);
            record.exited(me);
        }
        record.spawned(me, &config);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().count() < 200, "compacted: {} lines", text.lines().count());
        assert_eq!(parse_journal(&text).keys().copied().collect::<Vec<_>>(), [me]);
        assert_eq!(parse_journal(&text)[&me].start, start_time(me).unwrap());
        // A recorded pid whose start time differs is never signalled (this test's own pid).
        let mut reused = parse_journal(&text)[&me].clone();
        reused.start = "stat:1".into();
        std::fs::write(&path, reused.line()).unwrap();
        assert_eq!(recover(&path), Recovery { reused: 1, ..Recovery::default() });
        record.remove();
        assert!(!path.exists());
    }

    /// A live recorded child is stopped with its stopsignal, but only from a record nobody else
    /// could have written.
    #[test]
    fn a_live_child_is_stopped_from_a_private_record_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.pid.children");
        let mut child = std::process::Command::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.id();
        let recorded = Recorded {
            pid,
            pgid: nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(pid as i32))).unwrap().as_raw() as u32,
            start: start_time(pid).unwrap(),
            stopsignal: libc::SIGTERM,
            stopwaitsecs: 10,
            stopasgroup: false,
            killasgroup: false,
            name: "sleeper".into(),
        };
        std::fs::write(&path, recorded.line()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert_eq!(recover(&path), Recovery::default(), "a world-writable record is ignored");
        assert!(child.try_wait().unwrap().is_none(), "and the process it names untouched");
        let link = dir.path().join("link.children");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(recover(&link), Recovery::default(), "a symlink is not followed");
        assert!(child.try_wait().unwrap().is_none());
        assert_eq!(recover(&path), Recovery { stopped: 1, ..Recovery::default() });
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGTERM));
    }
}
