//! Fitting into the host that runs the daemon: a service manager (sd_notify, see `sd_notify`),
//! a container (the child subreaper, and the exit policy that ends the daemon when its programs
//! are done). The loop calls [`Supervisor::host_pass`] once per pass, after everything else,
//! so both look at settled states and nothing ticks.

use log::warn;

use super::sd_notify::{self, Notifier};
use super::supervisor::{Mode, Supervisor};
use crate::protocol::{ExitStatus, ProcessState};

/// What the supervisor keeps about its host.
#[derive(Default)]
pub struct HostState {
    /// Set when `NOTIFY_SOCKET` was.
    pub notifier: Option<Notifier>,
    /// Whether the last notification said the daemon was reloading or stopping.
    reported: Reported,
    /// The daemon's exit code, once the exit policy ended it.
    pub exit_code: Option<u8>,
    /// Program output sent to syslog (`stdout_syslog`, `stderr_syslog`).
    pub syslog: super::syslog::OutputSyslog,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Reported {
    #[default]
    Serving,
    Reloading,
    Stopping,
}

/// On Linux, makes the daemon the reaper of its programs' orphans (PR_SET_CHILD_SUBREAPER):
/// a program that leaves a grandchild behind when it exits (a double fork, a shell's `&`)
/// does not hand it to init, so the loop's `waitpid(-1)` reaps it as an unknown pid. As PID 1
/// (a container) the daemon is every orphan's parent already.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    if std::process::id() != 1 {
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes a plain integer flag and touches no memory.
        if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
            eprintln!("taskmasterd: can't become a child subreaper: {}", std::io::Error::last_os_error());
        }
    }
}

/// Removes the AUTO log files of the configured processes, and their rotated backups, left by an
/// earlier run, unless `nocleanup` (supervisord's behaviour at start-up).
pub fn remove_auto_logs(config: &crate::config::Config) {
    if config.daemon.nocleanup {
        return;
    }
    for process in config.processes() {
        for log in [&process.stdout, &process.stderr] {
            let crate::config::LogDestination::File(auto) = &log.destination else { continue };
            if !log.auto {
                continue;
            }
            for n in 0..=log.backups {
                let mut path = auto.clone().into_os_string();
                if n > 0 {
                    path.push(format!(".{n}"));
                }
                // Only the daemon's own plain files: a symbolic link, a file with other names or
                // another owner is left for the log writer to refuse and report.
                use std::os::unix::fs::MetadataExt;
                let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
                if !meta.file_type().is_file() || meta.nlink() != 1 || meta.uid() != nix::unistd::geteuid().as_raw() {
                    continue;
                }
                match std::fs::remove_file(&path) {
                    Ok(()) => log::debug!("removed the old AUTO log {}", path.to_string_lossy()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => log::warn!("can't remove the old AUTO log {}: {e}", path.to_string_lossy()),
                }
            }
        }
    }
}

/// At shutdown, once every program has stopped: the orphans the daemon adopted as subreaper
/// (processes its programs left behind) are its children still; they get SIGTERM, so that
/// stopping the daemon stops what its programs started, rather than handing it to init.
pub fn stop_adopted_orphans() {
    let orphans = adopted_children();
    if orphans.is_empty() {
        return;
    }
    log::info!("stopping {} orphan(s) of stopped programs: pids {orphans:?}", orphans.len());
    for pid in orphans {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGTERM);
    }
}

/// The daemon's live children (all of them adopted once every program has stopped).
#[cfg(target_os = "linux")]
fn adopted_children() -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // `pid (comm) S ppid ...`: the fields after the last ')' do not depend on the name.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                let mut fields = stat.rsplit(')').next().unwrap_or("").split_whitespace();
                let state = fields.next();
                let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
                ppid == Some(me) && state != Some("Z")
            })
        })
        .collect()
}

/// Without /proc there is no cheap way to list them; they are left to init as before.
#[cfg(not(target_os = "linux"))]
fn adopted_children() -> Vec<u32> {
    Vec::new()
}

impl Supervisor {
    fn state_summary(&self) -> String {
        sd_notify::summary(self.processes.values().map(|p| p.public_state()))
    }

    /// Tells the service manager the daemon serves (after the autostart programs started).
    pub fn notify_ready(&mut self) {
        let summary = self.state_summary();
        if let Some(notifier) = &mut self.host.notifier {
            notifier.ready(&summary);
        }
    }

    /// A SIGHUP update runs from start to end within one call: it is bracketed here.
    pub fn notify_reload_around(&mut self, update: impl FnOnce(&mut Supervisor)) {
        if let Some(notifier) = &mut self.host.notifier {
            notifier.reloading();
        }
        update(self);
        self.notify_ready();
    }

    /// Once per loop pass: the service manager's view, then the exit policy.
    pub fn host_pass(&mut self) {
        self.apply_exit_policy();
        if self.host.notifier.is_none() {
            return;
        }
        let now = match self.mode {
            Mode::Serving => Reported::Serving,
            Mode::Reloading { .. } => Reported::Reloading,
            Mode::ShuttingDown => Reported::Stopping,
        };
        let before = std::mem::replace(&mut self.host.reported, now);
        let summary = self.state_summary();
        let Some(notifier) = &mut self.host.notifier else { return };
        match (before, now) {
            (Reported::Stopping, _) => {}
            (_, Reported::Stopping) => notifier.stopping(),
            (Reported::Serving, Reported::Reloading) => notifier.reloading(),
            (Reported::Reloading, Reported::Serving) => notifier.ready(&summary),
            _ if now == Reported::Serving => notifier.status(&summary),
            _ => {}
        }
    }

    /// `[taskmasterd] exit_with_program` and `exit_when_all_fatal`: a container's daemon ends
    /// when its work is over, with an exit code that says how it ended.
    fn apply_exit_policy(&mut self) {
        if self.mode != Mode::Serving || self.host.exit_code.is_some() {
            return;
        }
        let daemon = &self.config.daemon;
        if let Some(program) = &daemon.exit_with_program {
            let ended = self.processes.values().find(|p| {
                &p.config.program == program && matches!(p.public_state(), ProcessState::Exited | ProcessState::Fatal)
            });
            if let Some(p) = ended {
                let code = match (p.public_state(), p.exit_status) {
                    (ProcessState::Exited, Some(ExitStatus::Code(code))) => code.clamp(0, 255) as u8,
                    (ProcessState::Exited, Some(ExitStatus::Signal(signal))) => (128 + signal).clamp(0, 255) as u8,
                    _ => 1,
                };
                warn!(
                    "{} is {} and exit_with_program = \"{program}\": shutting down with exit code {code}",
                    p.config.name,
                    p.public_state()
                );
                self.host.exit_code = Some(code);
                self.begin_shutdown();
                return;
            }
        }
        if daemon.exit_when_all_fatal
            && !self.processes.values().any(|p| p.public_state().is_running())
            && self.processes.values().any(|p| p.public_state() == ProcessState::Fatal)
        {
            warn!("no process is running and some are FATAL, and exit_when_all_fatal is set: shutting down");
            self.host.exit_code = Some(1);
            self.begin_shutdown();
        }
    }
}
