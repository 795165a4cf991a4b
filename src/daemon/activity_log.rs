//! The daemon's activity log (supervisord's `logfile`): the logger's writer with supervisord's
//! line format, the rotating file behind it, the lines kept for `maintail -f` followers, and
//! what happens when the file cannot be written (a full disk): see [`FailureSpell`].

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
    /// The lines lost since the file stopped taking writes, while it does not.
    failing: Option<FailureSpell>,
    /// `logfile = "syslog"`.
    syslog: Option<SyslogSender>,
}

/// A time the activity log could not be written. Its lines are counted, not kept: the
/// daemon's own log must not grow a backlog in memory, and the count is what an operator needs
/// (`N log lines could not be written`), written first thing once the file takes writes again.
/// The failure itself is said once, on stderr (the one place left to say it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FailureSpell {
    lines: u64,
    since: String,
    error: String,
    /// A failed write left part of a line in the file: start the notice on a fresh line.
    torn: bool,
}

fn timestamp(now: &mut DeferredNow) -> String {
    now.now().format("%Y-%m-%d %H:%M:%S,%3f").to_string()
}

impl ActivityLog {
    pub fn new(file: Option<RotatingFile>) -> Self {
        ActivityLog { file, followed: None, failing: None, syslog: None }
    }

    /// Appends one formatted line (with its newline) to the file, counting it as lost when the
    /// file does not take it, and, once the file takes writes again, saying first how many were.
    fn append(&mut self, line: &[u8], now: &mut DeferredNow) {
        let Some(file) = self.file.as_mut() else { return };
        let mut bytes = Vec::with_capacity(line.len() + 160);
        if let Some(spell) = &self.failing {
            if spell.torn {
                bytes.push(b'\n');
            }
            let notice = format!(
                "{} WARN {} log lines could not be written (from {}: {})\n",
                timestamp(now),
                spell.lines,
                spell.since,
                spell.error
            );
            bytes.extend_from_slice(notice.as_bytes());
        }
        let notice_len = bytes.len();
        bytes.extend_from_slice(line);
        let error = match file.write_all(&bytes) {
            Ok(()) => {
                self.failing = None;
                return;
            }
            Err(e) => e,
        };
        let written = file.take_partial_write().min(bytes.len());
        let torn = written > 0 && bytes[written - 1] != b'\n';
        match &mut self.failing {
            // The notice made it to the file: a new spell starts with this line.
            Some(_) if notice_len > 0 && written >= notice_len => {
                self.failing = Some(FailureSpell { lines: 1, since: timestamp(now), error: error.to_string(), torn });
            }
            Some(spell) => {
                spell.lines += 1;
                spell.torn |= torn;
            }
            None => {
                let path = file.path().display().to_string();
                eprintln!(
                    "{} ERRO can't write the log file {path} ({error}); counting the lines lost until it can",
                    timestamp(now)
                );
                self.failing = Some(FailureSpell { lines: 1, since: timestamp(now), error: error.to_string(), torn });
            }
        }
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

    /// Empties the log file (supervisord's `clearLog`).
    pub fn clear(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(file) => file.clear(),
            None => Ok(()),
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
        // Never an error to the logger: it would print one line per failed write. The
        // failure is reported once, and the count of lost lines once writes work again.
        log.append(&line, now);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lost_on_a_failing_disk_are_counted_and_reported_once_it_works_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone/taskmasterd.log");
        let mut log = ActivityLog::new(Some(RotatingFile::new(path.clone(), 0, 0)));
        let mut now = DeferredNow::new();
        for i in 0..3 {
            log.append(format!("lost {i}\n").as_bytes(), &mut now);
        }
        assert_eq!(log.failing.as_ref().map(|s| s.lines), Some(3));
        std::fs::create_dir(dir.path().join("gone")).unwrap();
        log.append(b"back\n", &mut now);
        log.append(b"again\n", &mut now);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].contains(" WARN 3 log lines could not be written (from "), "{text}");
        assert!(lines[0].contains("No such file or directory"), "{text}");
        assert_eq!(&lines[1..], ["back", "again"]);
    }
}
