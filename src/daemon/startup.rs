//! The daemon's start-up around the event loop: privileges, limits, inherited descriptors, the
//! pidfile lock and daemonizing. (The activity log is `activity_log`.)

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use nix::fcntl::{Flock, FlockArg};

use super::user_switch::Credentials;

/// Switches the whole daemon to `user` (its uid, gid and supplementary groups).
pub fn switch_user(user: &str) -> anyhow::Result<()> {
    match Credentials::of(user) {
        Ok(None) => Ok(()),
        Ok(Some(credentials)) => credentials.apply().with_context(|| format!("can't switch to user '{user}'")),
        Err(message) => bail!("{message} ([taskmasterd] user)"),
    }
}

/// Puts every catchable signal back to its default action, once, before the daemon installs
/// its own handlers: a daemon started with some signals ignored (by nohup, or `&` in a script)
/// must not pass that on to its children, and exec resets only handled signals. SIGPIPE stays
/// ignored in the daemon (a client that hangs up is an error to handle, not a death); std
/// restores it for each child.
pub fn reset_signal_dispositions() {
    for signal in 1..32 {
        if matches!(signal, libc::SIGKILL | libc::SIGSTOP | libc::SIGPIPE) {
            continue;
        }
        // SAFETY: a plain signal() call with a valid signal number and the default action.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
        }
    }
}

/// Unblocks every signal. A mask survives exec, so a daemon started by a parent that blocked
/// SIGTERM would never see it (and pass the mask on to any child spawned by fork).
pub fn clear_signal_mask() {
    let _ = nix::sys::signal::sigprocmask(
        nix::sys::signal::SigmaskHow::SIG_SETMASK,
        Some(&nix::sys::signal::SigSet::empty()),
        None,
    );
}

/// Keeps the daemon alive when a log reaches the file size limit (RLIMIT_FSIZE): the write
/// then fails with EFBIG, and is retried like one on a full disk, instead of SIGXFSZ's default
/// action ending the daemon. A handler rather than SIG_IGN: exec resets a handled signal, so
/// children still start with the default action.
pub fn survive_file_size_limit() -> anyhow::Result<()> {
    let ignored = Arc::new(std::sync::atomic::AtomicBool::new(false));
    signal_hook::flag::register(libc::SIGXFSZ, ignored).context("can't handle SIGXFSZ")?;
    Ok(())
}

/// Makes sure the default childlogdir is a directory only the daemon's user can use, creating
/// it (0700) if needed. One that exists with wider permissions, or belongs to someone else, is
/// refused: files may already have been planted in it.
pub fn ensure_private_dir(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    match std::fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("can't create the log directory {}", path.display())),
    }
    let meta = std::fs::symlink_metadata(path).with_context(|| format!("can't stat {}", path.display()))?;
    let euid = nix::unistd::geteuid().as_raw();
    if !meta.is_dir() || meta.uid() != euid || meta.mode() & 0o077 != 0 {
        bail!(
            "{} is not a private directory of uid {euid} (owner {}, mode {:o}); remove it, or set \
             [taskmasterd] childlogdir",
            path.display(),
            meta.uid(),
            meta.mode() & 0o7777
        );
    }
    Ok(())
}

/// Raises the soft limit of open files to `minfds`, as supervisord's minfds does.
pub fn ensure_min_fds(minfds: u64) -> anyhow::Result<()> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    // Each process holds a few pipes and log files: take what the hard limit allows (within
    // reason) so that hundreds of programs do not run out, whatever minfds says.
    let roomy = hard.min(65_536);
    if soft < roomy {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, roomy, hard);
    }
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= minfds {
        return Ok(());
    }
    if hard < minfds {
        bail!(
            "[taskmasterd] minfds = {minfds} is above the hard limit of open files ({hard}); lower minfds or raise the limit"
        );
    }
    setrlimit(Resource::RLIMIT_NOFILE, minfds, hard).context("can't raise the open files limit")?;
    Ok(())
}

/// Marks every descriptor above stderr close-on-exec, so that whatever the daemon inherited from
/// whoever started it never reaches a child.
pub fn mark_inherited_fds_cloexec() {
    let dir = if Path::new("/proc/self/fd").is_dir() { "/proc/self/fd" } else { "/dev/fd" };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let fds: Vec<i32> =
        entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).filter(|&fd| fd > 2).collect();
    for fd in fds {
        // SAFETY: F_SETFD on a descriptor number only changes its flag; an fd that closed since
        // the listing (the directory's own) makes fcntl fail harmlessly with EBADF.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
            }
        }
    }
}

/// The pidfile, locked for the daemon's whole life.
pub struct PidFile {
    lock: Flock<File>,
    path: PathBuf,
}

impl PidFile {
    /// Opens and locks the pidfile; fails with the running daemon's pid if it is locked.
    pub fn lock(path: &Path) -> anyhow::Result<PidFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("can't open the pidfile {}", path.display()))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => Ok(PidFile { lock, path: path.to_path_buf() }),
            Err((mut file, _)) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let pid = text.trim();
                bail!(
                    "another taskmasterd is already running with this config (pid {}, pidfile {})",
                    if pid.is_empty() { "unknown" } else { pid },
                    path.display()
                )
            }
        }
    }

    pub fn write_pid(&mut self) -> anyhow::Result<()> {
        let file: &mut File = &mut self.lock;
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(())
    }

    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Lets the process that started the daemon report start-up errors before it exits.
pub struct StartupReport {
    pipe: Option<File>,
}

impl StartupReport {
    /// In the foreground there is nobody to tell.
    pub fn foreground() -> Self {
        StartupReport { pipe: None }
    }

    pub fn ready(mut self) {
        if let Some(mut pipe) = self.pipe.take() {
            let _ = pipe.write_all(b"ok");
        }
    }

    pub fn failed(mut self, message: &str) {
        if let Some(mut pipe) = self.pipe.take() {
            let _ = pipe.write_all(message.as_bytes());
        }
    }
}

/// Detaches from the terminal: fork, setsid, fork again, stdio to /dev/null. The original
/// process waits for the daemon's [`StartupReport`] and exits with its outcome, so that
/// `taskmasterd` returns only once the daemon serves (or says why it could not).
pub fn daemonize(directory: Option<&Path>) -> anyhow::Result<StartupReport> {
    let (read_end, write_end): (OwnedFd, OwnedFd) = nix::unistd::pipe()?;
    // SAFETY: called before any thread exists (no logger, no signal handlers yet), so the
    // child is a faithful copy that may run arbitrary code.
    match unsafe { nix::unistd::fork() }? {
        nix::unistd::ForkResult::Parent { .. } => {
            drop(write_end);
            let mut report = String::new();
            let _ = File::from(read_end).read_to_string(&mut report);
            if report == "ok" {
                std::process::exit(0);
            }
            if report.is_empty() {
                report = "the daemon exited during start-up; see its log file".to_string();
            }
            eprintln!("taskmasterd: {report}");
            std::process::exit(1);
        }
        nix::unistd::ForkResult::Child => {}
    }
    drop(read_end);
    nix::unistd::setsid()?;
    // SAFETY: still single-threaded, as above.
    match unsafe { nix::unistd::fork() }? {
        nix::unistd::ForkResult::Parent { .. } => {
            // SAFETY: _exit skips atexit handlers and buffers the session leader must not run.
            unsafe { libc::_exit(0) }
        }
        nix::unistd::ForkResult::Child => {}
    }
    std::env::set_current_dir(directory.unwrap_or(Path::new("/")))
        .with_context(|| format!("can't chdir to {}", directory.unwrap_or(Path::new("/")).display()))?;
    let null = OpenOptions::new().read(true).write(true).open("/dev/null")?;
    nix::unistd::dup2_stdin(&null)?;
    nix::unistd::dup2_stdout(&null)?;
    nix::unistd::dup2_stderr(&null)?;
    let pipe = File::from(write_end);
    nix::fcntl::fcntl(&pipe, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC))?;
    Ok(StartupReport { pipe: Some(pipe) })
}
