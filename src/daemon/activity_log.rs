//! The daemon's activity log (supervisord's `logfile`): the logger's writer with supervisord's
//! line format, the rotating file behind it, and the lines kept for `maintail -f` followers.

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use flexi_logger::{DeferredNow, Duplicate, LogSpecification, Logger, LoggerHandle, writers::LogWriter};
use log::Record;

use super::log_files::RotatingFile;
use super::syslog::SyslogSender;
use crate::config::DaemonConfig;

/// supervisord's level names, so operators' greps keep working.
fn level_name(level: log::Level) -> &'static str {
    match level {
        log::Level::Error => "ERRO",
        log::Level::Warn => "WARN",
        log::Level::Info => "INFO",
        log::Level::Debug => "DEBG",
        log::Level::Trace => "TRAC",
    }
}

/// `2026-11-25 13:41:39,123 INFO spawned: 'web' with pid 123`
fn format_line(w: &mut dyn Write, now: &mut DeferredNow, record: &Record) -> std::io::Result<()> {
    write!(w, "{} {} {}", now.now().format("%Y-%m-%d %H:%M:%S,%3f"), level_name(record.level()), record.args())
}

/// The activity log as the logger writes it and the event loop sees it: the file (None for
/// NONE), and while someone follows it (`maintail -f`), the lines written since the loop's last
/// pass. The log is written from the loop's own thread, so the loop hands those lines on before
/// it next sleeps; no wake-up is needed.
pub struct ActivityLog {
    file: Option<RotatingFile>,
    followed: Option<Vec<u8>>,
    /// `logfile = "syslog"`.
    syslog: Option<SyslogSender>,
}

impl ActivityLog {
    pub fn new(file: Option<RotatingFile>) -> Self {
        ActivityLog { file, followed: None, syslog: None }
    }

    /// Takes the destination `config` asks for: a rotating file, syslog, or nothing (NONE).
    pub fn configure(&mut self, config: &DaemonConfig) {
        self.file = log_file(config);
        self.syslog = config.syslog.then(SyslogSender::new);
    }

    pub fn reopen(&mut self) {
        if let Some(file) = &mut self.file {
            file.reopen();
        }
    }

    pub fn set_following(&mut self, following: bool) {
        match (following, &self.followed) {
            (true, None) => self.followed = Some(Vec::new()),
            (false, Some(_)) => self.followed = None,
            _ => {}
        }
    }

    pub fn take_followed(&mut self) -> Vec<u8> {
        self.followed.as_mut().map(std::mem::take).unwrap_or_default()
    }
}

/// The rotating file `config` asks for (None for NONE): built here only, for start-up and reload.
pub fn log_file(config: &DaemonConfig) -> Option<RotatingFile> {
    config.logfile.as_ref().map(|p| RotatingFile::new(p.clone(), config.logfile_maxbytes, config.logfile_backups))
}

/// The activity log, shared by the logger and the event loop.
pub type ActivityFile = Arc<Mutex<ActivityLog>>;

struct ActivityWriter {
    file: ActivityFile,
}

impl LogWriter for ActivityWriter {
    fn write(&self, now: &mut DeferredNow, record: &Record) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(128);
        format_line(&mut line, now, record)?;
        line.push(b'\n');
        let mut log = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(syslog) = &mut log.syslog {
            let message = record.args().to_string();
            // Nowhere else to say it: the log is the thing failing.
            let _ = syslog.send(record.level().into(), "taskmasterd", Some(std::process::id()), message.as_bytes());
        }
        if let Some(followed) = &mut log.followed
            && followed.len() < (1 << 20)
        {
            followed.extend_from_slice(&line);
        }
        match log.file.as_mut() {
            Some(file) => file.write_all(&line),
            None => Ok(()),
        }
    }

    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn max_log_level(&self) -> log::LevelFilter {
        // The level spec filters; the writer takes whatever passes, so a reload can lower it.
        log::LevelFilter::Trace
    }
}

/// Starts the activity log: the logfile (rotating), and stderr too when `to_stderr`.
pub fn start_logging(config: &DaemonConfig, to_stderr: bool) -> anyhow::Result<(LoggerHandle, ActivityFile)> {
    let level = config.loglevel.as_log_filter();
    let mut log = ActivityLog::new(None);
    log.configure(config);
    let file: ActivityFile = Arc::new(Mutex::new(log));
    if let Some(path) = &config.logfile {
        // Fail at start-up, loudly, rather than log into the void.
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("can't open the log file {}", path.display()))?;
    }
    let spec = LogSpecification::builder().default(level).build();
    let writer = ActivityWriter { file: Arc::clone(&file) };
    let handle = Logger::with(spec)
        .log_to_writer(Box::new(writer))
        .format_for_stderr(format_line)
        .duplicate_to_stderr(if to_stderr { Duplicate::All } else { Duplicate::None })
        .start()
        .context("can't start the activity log")?;
    Ok((handle, file))
}
