//! `/metrics`: the daemon and its processes in Prometheus' text format (version 0.0.4).
//!
//! [`render`] is a pure function of a [`Snapshot`], taken when the page is scraped: the
//! process table for states, pids and exit statuses, `stats` for the counters the daemon keeps
//! (spawns, bytes logged, wake-ups, failed log writes), and `/proc/self` for the daemon's own
//! memory and descriptors. Names follow Prometheus' conventions: the `taskmaster_` prefix, base
//! units in the name (`_seconds`, `_bytes`), `_total` on counters, and an enum as one 0/1 series
//! per value (`taskmaster_process_state{state="RUNNING"}`), so that a query never misses a
//! series when a process changes state.

use std::fmt::Write;

use crate::daemon::stats::ProcessCounters;
use crate::protocol::{ExitStatus, Health, ProcessState};

/// The states a process can be in, each a series of `taskmaster_process_state`.
const STATES: [ProcessState; 8] = [
    ProcessState::Stopped,
    ProcessState::Starting,
    ProcessState::Running,
    ProcessState::Backoff,
    ProcessState::Stopping,
    ProcessState::Exited,
    ProcessState::Fatal,
    ProcessState::Unknown,
];

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// One process at scrape time.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSample {
    /// `GROUP:NAME`, or `NAME` when the group is the program's own.
    pub name: String,
    pub group: String,
    pub state: ProcessState,
    /// Start of the current or last run, Unix seconds.
    pub start_time: Option<f64>,
    pub exit_status: Option<ExitStatus>,
    /// The health check's verdict on the current run, for a program with a check.
    pub health: Option<Health>,
    pub counters: ProcessCounters,
}

/// The daemon at scrape time.
#[derive(Debug, Clone, PartialEq)]
pub struct DaemonSample {
    pub version: String,
    pub identification: String,
    pub start_time: f64,
    pub now: f64,
    /// None where the platform does not say.
    pub resident_memory_bytes: Option<u64>,
    pub open_fds: Option<u64>,
    pub json_clients: usize,
    pub http_clients: usize,
    pub wakeups: u64,
    pub log_write_failures: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub daemon: DaemonSample,
    pub processes: Vec<ProcessSample>,
}

/// A label value, escaped as the text format wants (`\\`, `\"`, `\n`).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A float as the text format writes it (integers without a fraction).
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// The exposition of a snapshot.
pub fn render(s: &Snapshot) -> String {
    let d = &s.daemon;
    let mut out = String::with_capacity(512 + s.processes.len() * 1400);
    family(&mut out, "taskmaster_build_info", "gauge", "The daemon's version and identification; always 1.");
    let _ = writeln!(
        out,
        "taskmaster_build_info{{version=\"{}\",identification=\"{}\"}} 1",
        escape(&d.version),
        escape(&d.identification)
    );
    family(&mut out, "taskmaster_daemon_start_time_seconds", "gauge", "When the daemon started, in Unix seconds.");
    let _ = writeln!(out, "taskmaster_daemon_start_time_seconds {}", number(d.start_time.floor()));
    family(&mut out, "taskmaster_daemon_uptime_seconds", "gauge", "How long the daemon has been running.");
    let _ = writeln!(out, "taskmaster_daemon_uptime_seconds {}", number((d.now - d.start_time).max(0.0).floor()));
    if let Some(rss) = d.resident_memory_bytes {
        family(&mut out, "taskmaster_daemon_resident_memory_bytes", "gauge", "The daemon's resident memory.");
        let _ = writeln!(out, "taskmaster_daemon_resident_memory_bytes {rss}");
    }
    if let Some(fds) = d.open_fds {
        family(&mut out, "taskmaster_daemon_open_fds", "gauge", "File descriptors the daemon has open.");
        let _ = writeln!(out, "taskmaster_daemon_open_fds {fds}");
    }
    family(&mut out, "taskmaster_daemon_clients", "gauge", "Client connections open, by protocol.");
    let _ = writeln!(out, "taskmaster_daemon_clients{{protocol=\"json_lines\"}} {}", d.json_clients);
    let _ = writeln!(out, "taskmaster_daemon_clients{{protocol=\"http\"}} {}", d.http_clients);
    family(
        &mut out,
        "taskmaster_daemon_wakeups_total",
        "counter",
        "Returns of the event loop's wait: an idle daemon adds none.",
    );
    let _ = writeln!(out, "taskmaster_daemon_wakeups_total {}", d.wakeups);
    family(
        &mut out,
        "taskmaster_daemon_log_write_failures_total",
        "counter",
        "Writes to a process log file that failed (the output is kept and retried).",
    );
    let _ = writeln!(out, "taskmaster_daemon_log_write_failures_total {}", d.log_write_failures);

    let labels: Vec<String> =
        s.processes.iter().map(|p| format!("process=\"{}\",group=\"{}\"", escape(&p.name), escape(&p.group))).collect();
    family(&mut out, "taskmaster_process_state", "gauge", "1 for the state each process is in, 0 for the others.");
    for (p, l) in s.processes.iter().zip(&labels) {
        for state in STATES {
            let on = u8::from(p.state == state);
            let _ = writeln!(out, "taskmaster_process_state{{{l},state=\"{}\"}} {on}", state.as_str());
        }
    }
    family(&mut out, "taskmaster_process_up", "gauge", "1 when the process is RUNNING.");
    for (p, l) in s.processes.iter().zip(&labels) {
        let _ = writeln!(out, "taskmaster_process_up{{{l}}} {}", u8::from(p.state == ProcessState::Running));
    }
    family(
        &mut out,
        "taskmaster_process_spawns_total",
        "counter",
        "Times the process was spawned (starts and restarts).",
    );
    for (p, l) in s.processes.iter().zip(&labels) {
        let _ = writeln!(out, "taskmaster_process_spawns_total{{{l}}} {}", p.counters.spawns);
    }
    family(
        &mut out,
        "taskmaster_process_start_time_seconds",
        "gauge",
        "Start of the current or last run, Unix seconds.",
    );
    for (p, l) in s.processes.iter().zip(&labels) {
        if let Some(start) = p.start_time {
            let _ = writeln!(out, "taskmaster_process_start_time_seconds{{{l}}} {}", number(start.floor()));
        }
    }
    family(&mut out, "taskmaster_process_uptime_seconds", "gauge", "How long a RUNNING process has run; 0 otherwise.");
    for (p, l) in s.processes.iter().zip(&labels) {
        let uptime = match (p.state, p.start_time) {
            (ProcessState::Running, Some(start)) => (d.now - start).max(0.0).floor(),
            _ => 0.0,
        };
        let _ = writeln!(out, "taskmaster_process_uptime_seconds{{{l}}} {}", number(uptime));
    }
    family(&mut out, "taskmaster_process_exit_code", "gauge", "The exit code of the last run that exited.");
    for (p, l) in s.processes.iter().zip(&labels) {
        if let Some(ExitStatus::Code(code)) = p.exit_status {
            let _ = writeln!(out, "taskmaster_process_exit_code{{{l}}} {code}");
        }
    }
    family(&mut out, "taskmaster_process_exit_signal", "gauge", "The signal that ended the last run, if one did.");
    for (p, l) in s.processes.iter().zip(&labels) {
        if let Some(ExitStatus::Signal(signal)) = p.exit_status {
            let _ = writeln!(out, "taskmaster_process_exit_signal{{{l}}} {signal}");
        }
    }
    family(
        &mut out,
        "taskmaster_process_healthy",
        "gauge",
        "1 when the health check passes, 0 when it fails (only processes with a check and a verdict).",
    );
    for (p, l) in s.processes.iter().zip(&labels) {
        let verdict = match p.health {
            Some(Health::Healthy) => 1,
            Some(Health::Unhealthy) => 0,
            Some(Health::Starting) | None => continue,
        };
        let _ = writeln!(out, "taskmaster_process_healthy{{{l}}} {verdict}");
    }
    family(&mut out, "taskmaster_process_log_bytes_total", "counter", "Bytes the process wrote, by channel.");
    for (p, l) in s.processes.iter().zip(&labels) {
        let _ =
            writeln!(out, "taskmaster_process_log_bytes_total{{{l},channel=\"stdout\"}} {}", p.counters.stdout_bytes);
        let _ =
            writeln!(out, "taskmaster_process_log_bytes_total{{{l},channel=\"stderr\"}} {}", p.counters.stderr_bytes);
    }
    out
}

/// The daemon's resident memory, in bytes.
#[cfg(target_os = "linux")]
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE).ok().flatten()?;
    Some(pages * page as u64)
}

#[cfg(not(target_os = "linux"))]
pub fn resident_memory_bytes() -> Option<u64> {
    None
}

/// How many descriptors the daemon has open (the directory listing's own not counted).
pub fn open_fds() -> Option<u64> {
    let dir = if cfg!(target_os = "linux") { "/proc/self/fd" } else { "/dev/fd" };
    let count = std::fs::read_dir(dir).ok()?.count() as u64;
    Some(count.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            daemon: DaemonSample {
                version: "0.1.0".into(),
                identification: "sup\"er\\visor".into(),
                start_time: 1000.5,
                now: 1100.0,
                resident_memory_bytes: Some(4096),
                open_fds: Some(12),
                json_clients: 1,
                http_clients: 2,
                wakeups: 77,
                log_write_failures: 0,
            },
            processes: vec![
                ProcessSample {
                    name: "web".into(),
                    group: "web".into(),
                    state: ProcessState::Running,
                    start_time: Some(1050.0),
                    exit_status: Some(ExitStatus::Code(2)),
                    health: Some(Health::Unhealthy),
                    counters: ProcessCounters { spawns: 3, stdout_bytes: 10, stderr_bytes: 0 },
                },
                ProcessSample {
                    name: "g:w\n1".into(),
                    group: "g".into(),
                    state: ProcessState::Fatal,
                    start_time: None,
                    exit_status: Some(ExitStatus::Signal(9)),
                    health: None,
                    counters: ProcessCounters::default(),
                },
            ],
        }
    }

    #[test]
    fn the_exposition_has_every_family_and_escapes_labels() {
        let text = render(&snapshot());
        for line in [
            "taskmaster_build_info{version=\"0.1.0\",identification=\"sup\\\"er\\\\visor\"} 1",
            "taskmaster_daemon_uptime_seconds 99",
            "taskmaster_daemon_wakeups_total 77",
            "taskmaster_daemon_clients{protocol=\"http\"} 2",
            "taskmaster_process_state{process=\"web\",group=\"web\",state=\"RUNNING\"} 1",
            "taskmaster_process_state{process=\"web\",group=\"web\",state=\"STOPPED\"} 0",
            "taskmaster_process_state{process=\"g:w\\n1\",group=\"g\",state=\"FATAL\"} 1",
            "taskmaster_process_up{process=\"web\",group=\"web\"} 1",
            "taskmaster_process_spawns_total{process=\"web\",group=\"web\"} 3",
            "taskmaster_process_uptime_seconds{process=\"web\",group=\"web\"} 50",
            "taskmaster_process_uptime_seconds{process=\"g:w\\n1\",group=\"g\"} 0",
            "taskmaster_process_exit_code{process=\"web\",group=\"web\"} 2",
            "taskmaster_process_exit_signal{process=\"g:w\\n1\",group=\"g\"} 9",
            "taskmaster_process_log_bytes_total{process=\"web\",group=\"web\",channel=\"stdout\"} 10",
            "taskmaster_process_healthy{process=\"web\",group=\"web\"} 0",
            "# TYPE taskmaster_process_spawns_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("taskmaster_process_start_time_seconds{process=\"g:w"), "{text}");
        assert!(!text.contains("taskmaster_process_healthy{process=\"g:w"), "{text}");
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn the_daemon_can_measure_itself() {
        if cfg!(target_os = "linux") {
            assert!(resident_memory_bytes().unwrap() > 0);
        }
        assert!(open_fds().unwrap() >= 3);
    }
}
