//! supervisord's command-line options that override `[supervisord]` settings: `taskmasterd -u
//! USER -m UMASK -d DIR -l LOGFILE -y MAXBYTES -z BACKUPS -e LEVEL -j PIDFILE -q CHILDLOGDIR -a
//! MINFDS -i IDENTIFIER`, read with the config file's value syntax (`50MB`, `022`, `warn`).
//!
//! As in supervisord, they outlive the file: every later read of the config (`reread`, `update`,
//! `reload`, SIGHUP) gets them again, so the daemon installs them once at start-up
//! ([`install`]) and [`apply_installed`] lays them over each freshly read config. The value
//! parsers are also the command line's (clap's `value_parser`).

use std::path::PathBuf;
use std::sync::OnceLock;

use super::{DaemonConfig, LogLevel, values};

/// The settings given on the daemon's command line; None where the file decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaemonOverrides {
    pub user: Option<String>,
    pub umask: Option<u32>,
    pub directory: Option<PathBuf>,
    pub logfile: Option<PathBuf>,
    pub logfile_maxbytes: Option<u64>,
    pub logfile_backups: Option<u32>,
    pub loglevel: Option<LogLevel>,
    pub pidfile: Option<PathBuf>,
    pub childlogdir: Option<PathBuf>,
    pub minfds: Option<u64>,
    /// `-k`: keep the AUTO logs of an earlier run (it can only turn nocleanup on).
    pub nocleanup: bool,
    pub identifier: Option<String>,
}

impl DaemonOverrides {
    pub fn apply(&self, daemon: &mut DaemonConfig) {
        fn set<T: Clone>(target: &mut T, value: &Option<T>) {
            if let Some(value) = value {
                *target = value.clone();
            }
        }
        if self.user.is_some() {
            daemon.user = self.user.clone();
        }
        if self.directory.is_some() {
            daemon.directory = self.directory.clone();
        }
        if let Some(logfile) = &self.logfile {
            // supervisord's NONE: no log file.
            daemon.logfile = (logfile.as_os_str() != "NONE").then(|| logfile.clone());
        }
        set(&mut daemon.umask, &self.umask);
        set(&mut daemon.logfile_maxbytes, &self.logfile_maxbytes);
        set(&mut daemon.logfile_backups, &self.logfile_backups);
        set(&mut daemon.loglevel, &self.loglevel);
        set(&mut daemon.pidfile, &self.pidfile);
        set(&mut daemon.childlogdir, &self.childlogdir);
        set(&mut daemon.minfds, &self.minfds);
        daemon.nocleanup |= self.nocleanup;
        set(&mut daemon.identifier, &self.identifier);
    }
}

static INSTALLED: OnceLock<DaemonOverrides> = OnceLock::new();

/// Records the daemon's command-line overrides for the rest of its life (first call wins).
pub fn install(overrides: DaemonOverrides) {
    let _ = INSTALLED.set(overrides);
}

/// Lays the installed overrides (if any) over a config just read.
pub fn apply_installed(daemon: &mut DaemonConfig) {
    if let Some(overrides) = INSTALLED.get() {
        overrides.apply(daemon);
    }
}

/// `-m 022`.
pub fn parse_umask(text: &str) -> Result<u32, String> {
    values::parse_octal_str(text)
}

/// `-y 50MB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    values::parse_size(text)
}

/// `-e warn`: supervisord's level names.
pub fn parse_loglevel(text: &str) -> Result<LogLevel, String> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "critical" => LogLevel::Critical,
        "error" => LogLevel::Error,
        "warn" | "warning" => LogLevel::Warn,
        "info" => LogLevel::Info,
        "debug" => LogLevel::Debug,
        "trace" => LogLevel::Trace,
        "blather" => LogLevel::Blather,
        _ => return Err(format!("'{text}' is not one of critical, error, warn, info, debug, trace, blather")),
    })
}

/// A path given on the command line: relative to the directory the daemon was started in.
pub fn parse_path(text: &str) -> Result<PathBuf, String> {
    if text == "NONE" {
        return Ok(PathBuf::from(text));
    }
    std::path::absolute(text).map_err(|e| format!("'{text}': {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_str;
    use std::path::Path;

    #[test]
    fn overrides_win_over_the_file() {
        let mut config = parse_str("[taskmasterd]\nloglevel = \"debug\"\numask = \"002\"\n", Path::new("/c/t.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let before = config.daemon.clone();
        let overrides = DaemonOverrides {
            umask: Some(parse_umask("077").unwrap()),
            loglevel: Some(parse_loglevel("WARN").unwrap()),
            logfile_maxbytes: Some(parse_size("1MB").unwrap()),
            logfile: Some(PathBuf::from("NONE")),
            pidfile: Some(parse_path("/run/x.pid").unwrap()),
            nocleanup: true,
            ..DaemonOverrides::default()
        };
        overrides.apply(&mut config.daemon);
        assert_eq!(config.daemon.umask, 0o077);
        assert_eq!(config.daemon.loglevel, LogLevel::Warn);
        assert_eq!(config.daemon.logfile_maxbytes, 1 << 20);
        assert_eq!(config.daemon.logfile, None);
        assert_eq!(config.daemon.pidfile, PathBuf::from("/run/x.pid"));
        assert!(config.daemon.nocleanup, "-k keeps the AUTO logs");
        assert_eq!(config.daemon.childlogdir, before.childlogdir, "what is not given stays");
        assert!(parse_loglevel("loud").unwrap_err().contains("is not one of"));
        assert!(parse_umask("9").is_err());
        assert!(parse_path("rel.log").unwrap().is_absolute());
    }
}
