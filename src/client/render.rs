//! Turning responses into the text supervisorctl users know. Pure: the time, the terminal's
//! colour support and the data are passed in, so every format is unit-tested.

use chrono::{Local, TimeZone};

#[cfg(test)]
use crate::protocol::Health;
use crate::protocol::{AvailInfo, ProcessInfo, ProcessResult, ProcessState};

/// The description column, by supervisord's rules (its `_interpretProcessInfo`): RUNNING
/// shows `pid 123, uptime 0:01:02`; BACKOFF and FATAL the spawn error (`Exited too quickly
/// (process log may have details)` when the process exited before startsecs); STOPPED and
/// EXITED the time it stopped (`Nov 25 01:41 PM`) once it was ever started, else
/// `Not started`; STARTING and STOPPING nothing. How it exited is left to `--json`.
/// With a health check, its verdict comes first (`(healthy) pid 123, ...`, so the line reads
/// `RUNNING (healthy)`); then the program's STATUS= text, or why its start waits for a
/// dependency.
pub fn describe(info: &ProcessInfo, now: f64) -> String {
    let base = describe_state(info, now);
    let base = match info.health {
        Some(health) if info.pid.is_some() => format!("({}) {base}", health.as_str()),
        _ => base,
    };
    match &info.status_text {
        Some(text) if base == "Not started" || base.is_empty() => text.clone(),
        Some(text) => format!("{base}; {text}"),
        None => base,
    }
}

fn describe_state(info: &ProcessInfo, now: f64) -> String {
    match info.state {
        ProcessState::Running => {
            // supervisord subtracts whole seconds.
            let uptime = info.start_time.map_or(0.0, |start| (now.floor() - start.floor()).max(0.0));
            format!("pid {}, uptime {}", info.pid.unwrap_or(0), format_uptime(uptime as u64))
        }
        ProcessState::Backoff | ProcessState::Fatal => match &info.spawn_error {
            Some(error) => error.clone(),
            None => "Exited too quickly (process log may have details)".to_string(),
        },
        ProcessState::Stopped | ProcessState::Exited => match info.start_time {
            None => "Not started".to_string(),
            Some(_) => format_local_time(info.stop_time.unwrap_or(0.0)),
        },
        _ => String::new(),
    }
}

/// The line for a `status` name that matched nothing: a `GROUP:*` names a group.
pub fn unknown_status(name: &str) -> String {
    match name.split_once(':') {
        Some((group, "" | "*")) => format!("{group}: ERROR (no such group)"),
        _ => format!("{name}: ERROR (no such process)"),
    }
}

/// `0:01:02`, or `2 days, 3:04:05`.
pub fn format_uptime(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        n => format!("{n} days, {clock}"),
    }
}

fn format_local_time(epoch: f64) -> String {
    match Local.timestamp_opt(epoch as i64, 0).single() {
        Some(t) => t.format("%b %d %I:%M %p").to_string(),
        None => String::new(),
    }
}

fn state_colour(state: ProcessState) -> &'static str {
    match state {
        ProcessState::Running => "\x1b[32m",
        ProcessState::Starting | ProcessState::Stopping | ProcessState::Backoff => "\x1b[33m",
        ProcessState::Fatal | ProcessState::Exited | ProcessState::Unknown => "\x1b[31m",
        ProcessState::Stopped => "",
    }
}

/// supervisorctl's status table: the name padded to the longest name (at least 30) plus 3,
/// the state padded to 10, then the description.
pub fn status_table(processes: &[ProcessInfo], now: f64, colour: bool) -> String {
    let width = processes.iter().map(|p| p.display_name().len()).max().unwrap_or(0).max(30) + 3;
    let mut out = String::new();
    for info in processes {
        let state = format!("{:<10}", info.state.as_str());
        let state = match state_colour(info.state) {
            code if colour && !code.is_empty() => {
                let trimmed = info.state.as_str();
                format!("{code}{trimmed}\x1b[0m{}", &state[trimmed.len()..])
            }
            _ => state,
        };
        // Not trimmed: supervisorctl pads the state even when the description is empty.
        out.push_str(&format!("{:<width$}{state}{}\n", info.display_name(), describe(info, now)));
    }
    out
}

/// `web: started`, `web: ERROR (spawn error)`.
pub fn results(results: &[ProcessResult]) -> String {
    results
        .iter()
        .map(|r| match r.error {
            None => format!("{}: {}\n", r.name, r.message),
            Some(_) => format!("{}: ERROR ({})\n", r.name, r.message),
        })
        .collect()
}

// ---- JSON output (`--json`) --------------------------------------------------------------
//
// One shape for every action: a JSON array (pretty-printed) of objects, one per process or
// program, each with its `name`. What else each object holds is documented in taskmasterctl(1),
// JSON OUTPUT, which is generated from `JSON_SHAPES` so that the text and the code agree.

/// The fields of each `--json` object, per kind of output (for the man page and the README).
pub const JSON_SHAPES: [(&str, &str); 4] = [
    (
        "status",
        "name, group, state (RUNNING, ...), pid (null without a live process), uptime (seconds, \
         RUNNING only, else null), description (the table's last column), start_time and stop_time \
         (seconds since the epoch, or null), exit_status ({\"code\": N} or {\"signal\": N} of the \
         last run; null while the process has a pid), spawn_error (or null), and, when there is one, \
         health (starting, healthy, unhealthy) and status_text (its own words, or what its start \
         waits for)",
    ),
    (
        "start, stop, restart, signal, wait, reread, update, add, remove",
        "name, ok (true or false), message (\"started\", or what failed), error (null, or \
         \"no_such_process\", \"bad_request\", \"failed\")",
    ),
    ("pid", "name, pid (null when not running; with no NAME, one object named taskmasterd)"),
    ("avail", "name, group, in_use, autostart, priority"),
];

fn pretty(value: serde_json::Value) -> String {
    serde_json::to_string_pretty(&value).expect("a JSON value serializes")
}

/// `status --json`: what the table shows, as fields.
pub fn status_json(processes: &[ProcessInfo], now: f64) -> String {
    let items = processes
        .iter()
        .map(|info| {
            let uptime = match (info.state, info.start_time) {
                (ProcessState::Running, Some(start)) => Some((now - start).max(0.0) as u64),
                _ => None,
            };
            // Every field the daemon reports (health, status_text when it has them), plus the
            // table's uptime and description.
            let mut value = serde_json::to_value(info).expect("serializable");
            if let Some(object) = value.as_object_mut() {
                object.insert("uptime".into(), serde_json::json!(uptime));
                object.insert("description".into(), serde_json::json!(describe(info, now)));
                // The previous run's status means nothing while a run is under way.
                if info.pid.is_some() {
                    object.insert("exit_status".into(), serde_json::Value::Null);
                }
            }
            value
        })
        .collect();
    pretty(serde_json::Value::Array(items))
}

/// `start --json` and every other action answered with one result per process.
pub fn results_json(results: &[ProcessResult]) -> String {
    let items = results
        .iter()
        .map(|r| serde_json::json!({"name": r.name, "ok": r.error.is_none(), "message": r.message, "error": r.error}))
        .collect();
    pretty(serde_json::Value::Array(items))
}

/// `pid --json`.
pub fn pids_json(pids: &[(String, Option<u32>)]) -> String {
    let items = pids.iter().map(|(name, pid)| serde_json::json!({"name": name, "pid": pid})).collect();
    pretty(serde_json::Value::Array(items))
}

/// `avail --json`.
pub fn avail_json(programs: &[AvailInfo]) -> String {
    pretty(serde_json::to_value(programs).expect("serializable"))
}

/// The lines of `update`, `add` and `remove`: supervisorctl writes their failures as
/// `ERROR: no such group: x`, the message saying it all.
pub fn config_results(results: &[ProcessResult]) -> String {
    results
        .iter()
        .map(|r| match r.error {
            None => format!("{}: {}\n", r.name, r.message),
            Some(_) => format!("ERROR: {}\n", r.message),
        })
        .collect()
}

/// supervisorctl's avail: `name  in use  auto  999:999` (its `%-32s %-9s %-9s %s`).
pub fn avail(programs: &[AvailInfo]) -> String {
    programs
        .iter()
        .map(|p| {
            let in_use = if p.in_use { "in use" } else { "avail" };
            let auto = if p.autostart { "auto" } else { "manual" };
            format!("{:<32} {in_use:<9} {auto:<9} {}:{}\n", p.name, p.priority, p.priority)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::ExitStatus;

    /// A process with no run history, for the client's tests.
    pub(crate) fn info(name: &str, group: &str, state: ProcessState) -> ProcessInfo {
        ProcessInfo {
            name: name.into(),
            group: group.into(),
            state,
            pid: None,
            start_time: None,
            stop_time: None,
            exit_status: None,
            spawn_error: None,
            health: None,
            status_text: None,
        }
    }

    #[test]
    fn health_and_status_text() {
        let running =
            ProcessInfo { pid: Some(42), start_time: Some(100.0), ..info("web", "web", ProcessState::Running) };
        let cases = [
            (ProcessInfo { health: Some(Health::Healthy), ..running.clone() }, "(healthy) pid 42, uptime 0:00:05"),
            (ProcessInfo { health: Some(Health::Unhealthy), ..running.clone() }, "(unhealthy) pid 42, uptime 0:00:05"),
            (
                ProcessInfo { health: Some(Health::Starting), status_text: Some("warming".into()), ..running.clone() },
                "(health: starting) pid 42, uptime 0:00:05; warming",
            ),
            (
                ProcessInfo {
                    status_text: Some("waiting for db (healthy): db is STARTING".into()),
                    ..info("web", "web", ProcessState::Stopped)
                },
                "waiting for db (healthy): db is STARTING",
            ),
        ];
        for (info, want) in cases {
            assert_eq!(describe(&info, 105.0), want);
        }
    }

    #[test]
    fn uptime_format() {
        assert_eq!(format_uptime(62), "0:01:02");
        assert_eq!(format_uptime(3 * 3600 + 4 * 60 + 5), "3:04:05");
        assert_eq!(format_uptime(86_400 + 1), "1 day, 0:00:01");
        assert_eq!(format_uptime(2 * 86_400), "2 days, 0:00:00");
    }

    #[test]
    fn descriptions_per_state() {
        let mut running = info("web", "web", ProcessState::Running);
        running.pid = Some(123);
        running.start_time = Some(1000.0);
        assert_eq!(describe(&running, 1062.0), "pid 123, uptime 0:01:02");
        assert_eq!(describe(&info("w", "w", ProcessState::Stopped), 0.0), "Not started");
        let mut fatal = info("w", "w", ProcessState::Fatal);
        fatal.spawn_error = Some("can't find command 'nope'".into());
        assert_eq!(describe(&fatal, 0.0), "can't find command 'nope'");
        assert_eq!(
            describe(&info("w", "w", ProcessState::Backoff), 0.0),
            "Exited too quickly (process log may have details)"
        );
        // An exit, expected or not, or a death by signal shows only when it happened.
        for status in [ExitStatus::Code(0), ExitStatus::Code(3), ExitStatus::Signal(9)] {
            let mut exited = info("w", "w", ProcessState::Exited);
            exited.start_time = Some(0.0);
            exited.stop_time = Some(0.0);
            exited.exit_status = Some(status);
            assert_eq!(describe(&exited, 10.0), format_local_time(0.0));
        }
        let mut stopped = info("w", "w", ProcessState::Stopped);
        stopped.start_time = Some(5.0);
        stopped.stop_time = Some(7.0);
        assert_eq!(describe(&stopped, 10.0), format_local_time(7.0));
        let mut stopping = info("w", "w", ProcessState::Stopping);
        stopping.pid = Some(3);
        assert_eq!(describe(&stopping, 10.0), "");
        // Whole seconds are subtracted, as supervisord does.
        running.start_time = Some(1000.9);
        assert_eq!(describe(&running, 1001.1), "pid 123, uptime 0:00:01");
        assert_eq!(unknown_status("g:*"), "g: ERROR (no such group)");
        assert_eq!(unknown_status("g:x"), "g:x: ERROR (no such process)");
    }

    #[test]
    fn status_table_is_aligned_like_supervisorctl() {
        let mut a = info("web", "web", ProcessState::Running);
        a.pid = Some(7);
        a.start_time = Some(0.0);
        let b = info("worker_01", "backend", ProcessState::Stopped);
        let table = status_table(&[a, b], 5.0, false);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], format!("{:<33}{:<10}pid 7, uptime 0:00:05", "web", "RUNNING"));
        assert_eq!(lines[1], format!("{:<33}{:<10}Not started", "backend:worker_01", "STOPPED"));
        let starting = status_table(&[info("s", "s", ProcessState::Starting)], 0.0, false);
        assert_eq!(starting, format!("{:<33}{:<10}\n", "s", "STARTING"));
        let coloured = status_table(&[info("x", "x", ProcessState::Fatal)], 0.0, true);
        assert!(coloured.contains("\x1b[31mFATAL\x1b[0m     "));
    }

    #[test]
    fn results_format() {
        let ok = ProcessResult { name: "web".into(), message: "started".into(), error: None };
        let bad = ProcessResult {
            name: "db".into(),
            message: "spawn error".into(),
            error: Some(crate::protocol::ErrorKind::Failed),
        };
        assert_eq!(results(&[ok, bad]), "web: started\ndb: ERROR (spawn error)\n");
    }
}
