//! `taskmaster check`'s look at the host: the directories the daemon will write its log, socket
//! and pidfile in, and each program's log files, must exist and be writable. Warnings by
//! default, since the daemon may run as another user than the one checking (`--strict` makes
//! them errors). A program whose log cannot be opened is refused at start by the daemon too,
//! with the reason in its status.

use std::path::{Path, PathBuf};

use crate::config::{Config, LogDestination};

/// One problem: what the path is for, and what is wrong.
pub fn problems(config: &Config) -> Vec<String> {
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    if let Some(log) = &config.daemon.logfile {
        wanted.push(("[taskmasterd] logfile".to_string(), log.clone()));
    }
    wanted.push(("[taskmasterd] pidfile".to_string(), config.daemon.pidfile.clone()));
    wanted.push(("[unix_server] file".to_string(), config.unix_server.file.clone()));
    for process in config.processes() {
        for (key, log) in [("stdout_logfile", &process.stdout), ("stderr_logfile", &process.stderr)] {
            if let LogDestination::File(path) = &log.destination {
                wanted.push((format!("[program.{}] {key} (process {})", process.program, process.name), path.clone()));
            }
        }
    }
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut problems = Vec::new();
    for (what, path) in wanted {
        if path.starts_with("/dev/") || path.starts_with("/proc/") {
            continue;
        }
        let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else { continue };
        if seen.iter().any(|d| d == dir) {
            continue;
        }
        seen.push(dir.to_path_buf());
        if let Some(why) = directory_problem(dir) {
            problems.push(format!("{what}: {}: {why}", path.display()));
        }
    }
    problems
}

fn directory_problem(dir: &Path) -> Option<String> {
    match std::fs::metadata(dir) {
        Err(_) => Some(format!("the directory {} does not exist", dir.display())),
        Ok(meta) if !meta.is_dir() => Some(format!("{} is not a directory", dir.display())),
        Ok(_) => nix::unistd::access(dir, nix::unistd::AccessFlags::W_OK | nix::unistd::AccessFlags::X_OK)
            .err()
            .map(|e| format!("the directory {} is not writable by this user ({e})", dir.display())),
    }
}
