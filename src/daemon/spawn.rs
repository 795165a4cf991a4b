//! Starting one child: its argv, environment, directory, umask, user, process group and pipes.
//!
//! Everything that can fail in an understandable way (a missing directory, an unknown user, a
//! user switch without root) is checked in the parent first, so the error reaching `status` is
//! precise. In the child, between fork and exec, only async-signal-safe calls run.

use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::user_switch::Credentials;
use crate::config::ProcessConfig;

/// A started child and the read ends of its output pipes.
pub struct SpawnedChild {
    pub pid: u32,
    /// The write end of the child's stdin (non-blocking), for `fg`.
    pub stdin: File,
    pub stdout: File,
    /// None when stderr goes into the stdout pipe.
    pub stderr: Option<File>,
}

fn nonblocking_file(fd: OwnedFd) -> io::Result<File> {
    let flags = nix::fcntl::fcntl(&fd, nix::fcntl::FcntlArg::F_GETFL)?;
    let flags = nix::fcntl::OFlag::from_bits_truncate(flags) | nix::fcntl::OFlag::O_NONBLOCK;
    nix::fcntl::fcntl(&fd, nix::fcntl::FcntlArg::F_SETFL(flags))?;
    Ok(File::from(fd))
}

/// A pipe whose both ends are close-on-exec (std makes them so on every Unix), so that only
/// the dup2'ed copies reach the child.
fn cloexec_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let (reader, writer) = std::io::pipe()?;
    Ok((reader.into(), writer.into()))
}

/// A chatty child fills a default 64 KiB pipe in an instant and then waits for the daemon;
/// a larger pipe lets both run with fewer wake-ups. Best effort: the system may cap it.
fn enlarge_pipe(pipe: &File) {
    #[cfg(target_os = "linux")]
    {
        let _ = nix::fcntl::fcntl(pipe, nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

/// Where `program` runs from: itself when it holds a '/', else the first executable file of
/// that name in the child's PATH. Looking it up here (rather than in the child) names the
/// problem precisely and lets the spawn take the posix_spawn path.
pub(crate) fn find_executable(program: &str, environment: &[(String, String)]) -> Result<std::path::PathBuf, String> {
    use nix::unistd::{AccessFlags, access};
    let runnable = |path: &Path| path.is_file() && access(path, AccessFlags::X_OK).is_ok();
    if program.contains('/') {
        let path = Path::new(program);
        return match path.exists() {
            false => Err(format!("can't find command '{program}'")),
            true if !runnable(path) => Err(format!("command at '{program}' is not executable")),
            true => Ok(path.to_path_buf()),
        };
    }
    let search = environment.iter().rev().find(|(k, _)| k == "PATH").map_or("/usr/local/bin:/usr/bin:/bin", |(_, v)| v);
    std::env::split_paths(search)
        .map(|dir| dir.join(program))
        .find(|candidate| runnable(candidate))
        .ok_or_else(|| format!("can't find command '{program}'"))
}

/// What stands in the way of running a command, as supervisord tells them apart before it
/// spawns (its NO_FILE and NOT_EXECUTABLE faults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandProblem {
    NotFound(String),
    NotExecutable(String),
}

/// Whether `process`'s command can run with `environment`'s PATH.
pub fn check_command(process: &ProcessConfig, environment: &[(String, String)]) -> Result<(), CommandProblem> {
    let program = &process.command[0];
    match find_executable(program, environment) {
        Ok(_) => Ok(()),
        Err(message) if Path::new(program).exists() && program.contains('/') => {
            Err(CommandProblem::NotExecutable(message))
        }
        Err(message) => Err(CommandProblem::NotFound(message)),
    }
}

/// Explains a failed spawn as supervisord does.
fn describe_spawn_error(error: &io::Error, program: &str) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => format!("can't find command '{program}'"),
        io::ErrorKind::PermissionDenied => format!("command at '{program}' is not executable"),
        _ => format!("couldn't exec {program}: {error}"),
    }
}

/// Spawns `process` with `environment` (the complete environment, in order; later entries win).
pub fn spawn(process: &ProcessConfig, environment: &[(String, String)]) -> Result<SpawnedChild, String> {
    let program = &process.command[0];
    if let Some(dir) = &process.directory
        && !dir.is_dir()
    {
        return Err(format!("can't chdir to '{}': no such directory", dir.display()));
    }
    let executable = find_executable(program, environment)?;
    let credentials = match &process.user {
        Some(user) => Credentials::of(user)?,
        None => None,
    };

    let (stdin_read, stdin_write) = cloexec_pipe().map_err(|e| format!("can't make a pipe: {e}"))?;
    let (stdout_read, stdout_write) = cloexec_pipe().map_err(|e| format!("can't make a pipe: {e}"))?;
    let (stderr_read, stderr_write) = if process.redirect_stderr {
        let copy = stdout_write.try_clone().map_err(|e| format!("can't dup a pipe: {e}"))?;
        (None, copy)
    } else {
        let (r, w) = cloexec_pipe().map_err(|e| format!("can't make a pipe: {e}"))?;
        (Some(r), w)
    };

    let mut command = Command::new(&executable);
    command.arg0(program);
    command
        .args(&process.command[1..])
        .env_clear()
        .envs(environment.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::from(stdin_read))
        .stdout(Stdio::from(stdout_write))
        .stderr(Stdio::from(stderr_write))
        .process_group(0);
    if let Some(dir) = &process.directory {
        command.current_dir(dir);
    }
    // Without a user switch there is no code to run between fork and exec, which lets std use
    // posix_spawn (a vfork-style clone): several times cheaper than fork when hundreds start.
    // The child's umask is the daemon's at spawn time, so it is set around the spawn; the
    // daemon is single-threaded, so nothing else sees it. Signal dispositions were reset in
    // the daemon once at start-up (`startup::reset_signal_dispositions`), and exec resets
    // the handled ones (SIGXFSZ included), so the child starts with defaults either way; std
    // gives the child an empty signal mask on both paths (POSIX_SPAWN_SETSIGMASK, or
    // sigprocmask after fork), whatever mask the daemon was started with.
    if let Some(c) = credentials {
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (setgroups, setgid, setuid) on data prepared in the
        // parent; it allocates nothing.
        unsafe {
            command.pre_exec(move || Ok(c.apply()?));
        }
    }
    let daemon_umask =
        process.umask.map(|mask| nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(mask as libc::mode_t)));
    let spawned = command.spawn();
    if let Some(previous) = daemon_umask {
        nix::sys::stat::umask(previous);
    }
    let child = spawned.map_err(|e| describe_spawn_error(&e, program))?;
    let pid = child.id();
    // The write ends live in `command`; dropping it leaves the child their only holder, so the
    // pipes reach EOF when the child (and whatever inherited them) is gone.
    drop(command);
    drop(child);
    let stdin = nonblocking_file(stdin_write).map_err(|e| format!("can't set up the stdin pipe: {e}"))?;
    let stdout = nonblocking_file(stdout_read).map_err(|e| format!("can't set up the stdout pipe: {e}"))?;
    enlarge_pipe(&stdout);
    let stderr =
        stderr_read.map(nonblocking_file).transpose().map_err(|e| format!("can't set up the stderr pipe: {e}"))?;
    Ok(SpawnedChild { pid, stdin, stdout, stderr })
}
