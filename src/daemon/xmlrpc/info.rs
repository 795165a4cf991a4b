//! The shapes of supervisord's answers about processes and logs, as pure functions of a
//! snapshot and the time: `getProcessInfo`'s struct with its `description`, the offset
//! arithmetic of `readProcessStdoutLog`/`readLog` and `tailProcessStdoutLog`, and how a
//! `group:name` spec splits.

use chrono::TimeZone;

use super::faults::{Fault, FaultCode, process_state_code};
use super::value::Value;
use crate::protocol::{ExitStatus, ProcessState};

/// What `getProcessInfo` needs to know about one process. Times are Unix seconds; a process
/// never started has no `start`, one never stopped no `stop` (supervisord reports both as 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSnapshot {
    pub name: String,
    pub group: String,
    pub state: ProcessState,
    pub pid: Option<u32>,
    pub start: Option<f64>,
    pub stop: Option<f64>,
    /// How the last run ended, as supervisord keeps it: None after an exit before `startsecs`
    /// (supervisord clears it then, so a FATAL process reports 0) and before any exit.
    pub exit_status: Option<ExitStatus>,
    /// Why the last start failed (`Exited too quickly (process log may have details)`, `can't
    /// find command ...`); supervisord clears it on the next successful spawn.
    pub spawn_error: Option<String>,
    pub stdout_logfile: Option<String>,
    pub stderr_logfile: Option<String>,
}

/// `getProcessInfo`'s struct, members in supervisord's order. `tz` is the daemon's local time
/// zone (the `description` of a stopped process is a local time, as supervisord writes it).
pub fn process_info<Tz: TimeZone>(p: &ProcessSnapshot, now: f64, tz: &Tz) -> Value
where
    Tz::Offset: std::fmt::Display,
{
    let start = capped(p.start.unwrap_or(0.0));
    let stop = capped(p.stop.unwrap_or(0.0));
    let now = capped(now);
    let spawnerr = p.spawn_error.clone().unwrap_or_default();
    // supervisord keeps the exit code, or -1 for a death by signal; `None` reads as 0.
    let exitstatus = match p.exit_status {
        Some(ExitStatus::Code(code)) => i64::from(code),
        Some(ExitStatus::Signal(_)) => -1,
        None => 0,
    };
    let stdout_logfile = p.stdout_logfile.clone().unwrap_or_default();
    let stderr_logfile = p.stderr_logfile.clone().unwrap_or_default();
    let pid = p.pid.filter(|_| p.state.is_running()).unwrap_or(0);
    let description = describe(p.state, &p.name, pid, start, stop, now, &spawnerr, tz);
    Value::structure([
        ("name", Value::from(p.name.as_str())),
        ("group", Value::from(p.group.as_str())),
        ("start", Value::Int(start)),
        ("stop", Value::Int(stop)),
        ("now", Value::Int(now)),
        ("state", Value::Int(process_state_code(p.state))),
        ("statename", Value::from(p.state.as_str())),
        ("spawnerr", Value::String(spawnerr)),
        ("exitstatus", Value::Int(exitstatus)),
        ("logfile", Value::String(stdout_logfile.clone())),
        ("stdout_logfile", Value::String(stdout_logfile)),
        ("stderr_logfile", Value::String(stderr_logfile)),
        ("pid", Value::Int(pid.into())),
        ("description", Value::String(description)),
    ])
}

/// supervisord's `_interpretProcessInfo`: the `description` column of `status`.
/// - RUNNING: `pid 123, uptime 0:00:05` (`1 day, 2:03:04` past a day; never negative);
/// - BACKOFF, FATAL: the spawn error, or `unknown error (try "tail NAME")`;
/// - STOPPED, EXITED: the stop time as `Nov 29 04:05 PM` in local time, or `Not started`;
/// - anything else: empty.
#[allow(clippy::too_many_arguments)]
pub fn describe<Tz: TimeZone>(
    state: ProcessState,
    name: &str,
    pid: u32,
    start: i64,
    stop: i64,
    now: i64,
    spawnerr: &str,
    tz: &Tz,
) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match state {
        ProcessState::Running => format!("pid {pid}, uptime {}", uptime((now - start).max(0))),
        ProcessState::Fatal | ProcessState::Backoff if spawnerr.is_empty() => {
            format!("unknown error (try \"tail {name}\")")
        }
        ProcessState::Fatal | ProcessState::Backoff => spawnerr.to_string(),
        ProcessState::Stopped | ProcessState::Exited if start != 0 => match tz.timestamp_opt(stop, 0).single() {
            Some(t) => t.format("%b %d %I:%M %p").to_string(),
            None => String::new(),
        },
        ProcessState::Stopped | ProcessState::Exited => "Not started".to_string(),
        ProcessState::Starting | ProcessState::Stopping | ProcessState::Unknown => String::new(),
    }
}

/// Python's `str(timedelta)` for whole seconds: `0:00:05`, `1 day, 0:00:00`, `3 days, 4:05:06`;
/// the same text as the ctl's status table and the web page (one formatter for all three).
pub fn uptime(seconds: i64) -> String {
    crate::client::render::format_uptime(seconds.max(0) as u64)
}

/// supervisord's `capped_int`: seconds, truncated, clamped to XML-RPC's 32-bit int.
pub fn capped(seconds: f64) -> i64 {
    (seconds as i64).clamp(i32::MIN.into(), i32::MAX.into())
}

/// The byte range `readLog`/`readProcessStdoutLog(offset, length)` returns from a file of
/// `size` bytes (supervisord's `readFile`):
/// - offset >= 0, length > 0: `length` bytes from `offset`;
/// - offset >= 0, length 0: from `offset` to the end;
/// - offset < 0, length 0: the last `-offset` bytes;
/// - a negative length, or a negative offset with a length: BAD_ARGUMENTS.
///
/// Ranges past the end are cut to the file, so they may be empty.
pub fn read_range(size: u64, offset: i64, length: i64) -> Result<std::ops::Range<u64>, Fault> {
    if offset < 0 {
        if length != 0 {
            return Err(Fault::new(FaultCode::BadArguments));
        }
        let start = size.saturating_sub(offset.unsigned_abs());
        return Ok(start..size);
    }
    if length < 0 {
        return Err(Fault::new(FaultCode::BadArguments));
    }
    let start = (offset as u64).min(size);
    let end = if length == 0 { size } else { (offset as u64).saturating_add(length as u64).min(size) };
    Ok(start..end)
}

/// What `tailProcessStdoutLog(offset, length)` returns for a file of `size` bytes
/// (supervisord's `tailFile`): the byte range to send, the next offset (always `size`), and
/// whether bytes were skipped (`overflow`: the log grew past `offset + length`).
pub fn tail_range(size: u64, offset: i64, length: i64) -> (std::ops::Range<u64>, i64, bool) {
    let size_i = i64::try_from(size).unwrap_or(i64::MAX);
    let mut offset = offset;
    let mut length = length;
    let mut overflow = false;
    if size_i > offset.saturating_add(length) {
        overflow = true;
        offset = size_i - 1;
    }
    if offset.saturating_add(length) > size_i {
        if offset > size_i - 1 {
            length = 0;
        }
        offset = size_i.saturating_sub(length);
    }
    let offset = offset.max(0);
    let length = length.max(0);
    let start = offset as u64;
    let end = if length == 0 { start } else { start.saturating_add(length as u64).min(size) };
    (start..end, size_i, overflow)
}

/// `group:name` -> (group, Some(name)); `group:` and `group:*` -> (group, None), the whole
/// group; a bare `name` -> (name, Some(name)), the process of the program's own group.
pub fn split_namespec(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once(':') {
        Some((group, "" | "*")) => (group, None),
        Some((group, name)) => (group, Some(name)),
        None => (spec, Some(spec)),
    }
}

/// The reverse: a process's display name, `name` alone when the group is its program's own.
pub fn make_namespec(group: &str, name: &str) -> String {
    if group == name { name.to_string() } else { format!("{group}:{name}") }
}

/// A log file setting as `getAllConfigInfo` shows it: a path, `auto`, or `none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSetting {
    Path(String),
    Auto,
    None,
}

impl LogSetting {
    fn to_value(&self) -> Value {
        match self {
            LogSetting::Path(p) => Value::from(p.as_str()),
            LogSetting::Auto => Value::from("auto"),
            LogSetting::None => Value::from("none"),
        }
    }
}

/// The settings of one process, for `getAllConfigInfo` (supervisord writes `none` for unset
/// values and `auto` for automatic ones: XML-RPC has no null).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigInfo {
    pub name: String,
    pub group: String,
    /// Whether the group is active (not merely in the file).
    pub inuse: bool,
    pub autostart: bool,
    pub directory: Option<String>,
    pub uid: Option<u32>,
    pub command: String,
    pub exitcodes: Vec<i32>,
    pub group_prio: i64,
    pub process_prio: i64,
    pub killasgroup: bool,
    pub redirect_stderr: bool,
    pub startretries: i64,
    pub startsecs: i64,
    pub stopsignal: i32,
    pub stopwaitsecs: i64,
    pub serverurl: Option<String>,
    pub stdout: ChannelConfig,
    pub stderr: ChannelConfig,
}

/// One channel's log settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelConfig {
    pub logfile: LogSetting,
    pub logfile_backups: i64,
    pub logfile_maxbytes: i64,
    pub capture_maxbytes: i64,
    pub events_enabled: bool,
    pub syslog: bool,
}

impl ConfigInfo {
    /// The struct, members in supervisord's order.
    pub fn to_value(&self) -> Value {
        let none_or = |v: &Option<String>| v.as_deref().map_or(Value::from("none"), Value::from);
        let mut members: Vec<(String, Value)> = vec![
            ("autostart".into(), Value::Bool(self.autostart)),
            ("directory".into(), none_or(&self.directory)),
            ("uid".into(), self.uid.map_or(Value::from("none"), Value::from)),
            ("command".into(), Value::from(self.command.as_str())),
            ("exitcodes".into(), Value::Array(self.exitcodes.iter().map(|c| Value::from(*c)).collect())),
            ("group".into(), Value::from(self.group.as_str())),
            ("group_prio".into(), Value::Int(self.group_prio)),
            ("inuse".into(), Value::Bool(self.inuse)),
            ("killasgroup".into(), Value::Bool(self.killasgroup)),
            ("name".into(), Value::from(self.name.as_str())),
            ("process_prio".into(), Value::Int(self.process_prio)),
            ("redirect_stderr".into(), Value::Bool(self.redirect_stderr)),
            ("startretries".into(), Value::Int(self.startretries)),
            ("startsecs".into(), Value::Int(self.startsecs)),
        ];
        let channel = |members: &mut Vec<(String, Value)>, prefix: &str, c: &ChannelConfig| {
            members.push((format!("{prefix}_capture_maxbytes"), Value::Int(c.capture_maxbytes)));
            members.push((format!("{prefix}_events_enabled"), Value::Bool(c.events_enabled)));
            members.push((format!("{prefix}_logfile"), c.logfile.to_value()));
            members.push((format!("{prefix}_logfile_backups"), Value::Int(c.logfile_backups)));
            members.push((format!("{prefix}_logfile_maxbytes"), Value::Int(c.logfile_maxbytes)));
            members.push((format!("{prefix}_syslog"), Value::Bool(c.syslog)));
        };
        channel(&mut members, "stdout", &self.stdout);
        members.push(("stopsignal".into(), Value::from(self.stopsignal)));
        members.push(("stopwaitsecs".into(), Value::Int(self.stopwaitsecs)));
        channel(&mut members, "stderr", &self.stderr);
        members.push(("serverurl".into(), none_or(&self.serverurl)));
        Value::Struct(members)
    }
}

/// `getAllConfigInfo`'s array: sorted by process name (only: supervisord's sort key), stable.
pub fn config_info_list(mut infos: Vec<ConfigInfo>) -> Value {
    infos.sort_by(|a, b| a.name.cmp(&b.name));
    Value::Array(infos.iter().map(ConfigInfo::to_value).collect())
}

/// `reloadConfig`'s answer: one array holding the added, changed and removed group names.
pub fn reload_result(added: &[String], changed: &[String], removed: &[String]) -> Value {
    let names = |list: &[String]| Value::Array(list.iter().map(|n| Value::from(n.as_str())).collect());
    Value::Array(vec![Value::Array(vec![names(added), names(changed), names(removed)])])
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, Utc};

    use super::*;

    fn snapshot(state: ProcessState) -> ProcessSnapshot {
        ProcessSnapshot {
            name: "web".into(),
            group: "site".into(),
            state,
            pid: None,
            start: None,
            stop: None,
            exit_status: None,
            spawn_error: None,
            stdout_logfile: Some("/var/log/web.out".into()),
            stderr_logfile: None,
        }
    }

    #[test]
    fn a_running_process() {
        let p = ProcessSnapshot { pid: Some(4242), start: Some(1_000.9), ..snapshot(ProcessState::Running) };
        let info = process_info(&p, 1_005.2, &Utc);
        let keys: Vec<&str> = match &info {
            Value::Struct(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => unreachable!(),
        };
        assert_eq!(
            keys,
            [
                "name",
                "group",
                "start",
                "stop",
                "now",
                "state",
                "statename",
                "spawnerr",
                "exitstatus",
                "logfile",
                "stdout_logfile",
                "stderr_logfile",
                "pid",
                "description"
            ]
        );
        assert_eq!(info.get("name"), Some(&Value::from("web")));
        assert_eq!(info.get("group"), Some(&Value::from("site")));
        assert_eq!(info.get("start"), Some(&Value::Int(1000)));
        assert_eq!(info.get("stop"), Some(&Value::Int(0)));
        assert_eq!(info.get("now"), Some(&Value::Int(1005)));
        assert_eq!(info.get("state"), Some(&Value::Int(20)));
        assert_eq!(info.get("statename"), Some(&Value::from("RUNNING")));
        assert_eq!(info.get("pid"), Some(&Value::Int(4242)));
        assert_eq!(info.get("logfile"), Some(&Value::from("/var/log/web.out")));
        assert_eq!(info.get("stderr_logfile"), Some(&Value::from("")));
        assert_eq!(info.get("description"), Some(&Value::from("pid 4242, uptime 0:00:05")));
    }

    #[test]
    fn descriptions_follow_supervisord() {
        let utc = Utc;
        // 2026-11-29 16:05:00 UTC
        let stop = 1_795_968_300;
        let cases: Vec<(ProcessState, u32, i64, i64, i64, &str, &str)> = vec![
            (ProcessState::Running, 7, 100, 0, 105, "", "pid 7, uptime 0:00:05"),
            (ProcessState::Running, 7, 100, 0, 100 + 86_400 + 3_723, "", "pid 7, uptime 1 day, 1:02:03"),
            (ProcessState::Running, 7, 100, 0, 100 + 3 * 86_400, "", "pid 7, uptime 3 days, 0:00:00"),
            (ProcessState::Running, 7, 200, 0, 100, "", "pid 7, uptime 0:00:00"),
            (
                ProcessState::Fatal,
                0,
                100,
                101,
                105,
                "Exited too quickly (process log may have details)",
                "Exited too quickly (process log may have details)",
            ),
            (ProcessState::Backoff, 0, 100, 101, 105, "", "unknown error (try \"tail web\")"),
            (ProcessState::Fatal, 0, 0, 0, 105, "can't find command 'x'", "can't find command 'x'"),
            (ProcessState::Stopped, 0, 0, 0, 105, "", "Not started"),
            (ProcessState::Exited, 0, 0, 0, 105, "", "Not started"),
            (ProcessState::Stopped, 0, 100, stop, stop + 5, "", "Nov 29 04:05 PM"),
            (ProcessState::Exited, 0, 100, stop - 16 * 3600, stop, "", "Nov 29 12:05 AM"),
            (ProcessState::Starting, 7, 100, 0, 105, "", ""),
            (ProcessState::Stopping, 7, 100, 0, 105, "", ""),
            (ProcessState::Unknown, 0, 100, 0, 105, "", ""),
        ];
        for (state, pid, start, stop, now, spawnerr, expected) in cases {
            assert_eq!(describe(state, "web", pid, start, stop, now, spawnerr, &utc), expected, "{state}");
        }
        // Stop times are local: the daemon's zone decides the clock shown.
        let paris = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(describe(ProcessState::Stopped, "web", 0, 1, stop, stop, "", &paris), "Nov 29 05:05 PM");
    }

    #[test]
    fn exit_status_pid_and_caps() {
        let p = ProcessSnapshot {
            pid: Some(99),
            start: Some(10.0),
            stop: Some(20.0),
            exit_status: Some(ExitStatus::Signal(9)),
            ..snapshot(ProcessState::Exited)
        };
        let info = process_info(&p, 30.0, &Utc);
        assert_eq!(info.get("exitstatus"), Some(&Value::Int(-1)));
        // A pid left in a stopped snapshot is not reported: supervisord's pid is 0 when not running.
        assert_eq!(info.get("pid"), Some(&Value::Int(0)));
        let p = ProcessSnapshot { exit_status: Some(ExitStatus::Code(3)), ..snapshot(ProcessState::Exited) };
        assert_eq!(process_info(&p, 30.0, &Utc).get("exitstatus"), Some(&Value::Int(3)));
        assert_eq!(capped(3e10), i64::from(i32::MAX));
        assert_eq!(capped(-3e10), i64::from(i32::MIN));
        assert_eq!(capped(12.99), 12);
        assert_eq!(
            process_info(&snapshot(ProcessState::Stopped), 1.0, &Utc).get("description"),
            Some(&Value::from("Not started"))
        );
    }

    #[test]
    fn uptime_is_pythons_timedelta() {
        assert_eq!(uptime(0), "0:00:00");
        assert_eq!(uptime(59), "0:00:59");
        assert_eq!(uptime(3600 * 23 + 59 * 60 + 59), "23:59:59");
        assert_eq!(uptime(86_400), "1 day, 0:00:00");
        assert_eq!(uptime(2 * 86_400 + 1), "2 days, 0:00:01");
    }

    #[test]
    fn read_ranges_are_supervisords() {
        // The probe's echoer log: "line one <&> \n", 14 bytes; results checked against supervisord.
        let size = 14;
        let cases: Vec<(i64, i64, Result<std::ops::Range<u64>, FaultCode>)> = vec![
            (0, 0, Ok(0..14)),
            (0, 4, Ok(0..4)),
            (5, 3, Ok(5..8)),
            (-4, 0, Ok(10..14)),
            (-100, 0, Ok(0..14)),
            (-4, 2, Err(FaultCode::BadArguments)),
            (0, -1, Err(FaultCode::BadArguments)),
            (1000, 0, Ok(14..14)),
            (10, 100, Ok(10..14)),
            (i64::MAX, i64::MAX, Ok(14..14)),
            (i64::MIN, 0, Ok(0..14)),
        ];
        for (offset, length, expected) in cases {
            assert_eq!(read_range(size, offset, length).map_err(|f| f.code), expected, "({offset}, {length})");
        }
    }

    #[test]
    fn tail_ranges_are_supervisords() {
        // (offset, length) -> (range, next offset, overflow), from the probe's transcript.
        let size = 14;
        let cases: Vec<(i64, i64, std::ops::Range<u64>, bool)> = vec![
            (0, 5, 9..14, true),
            (0, 100, 0..14, false),
            (100, 10, 14..14, false),
            (3, 4, 10..14, true),
            (14, 10, 14..14, false),
            (10, 4, 10..14, false),
            (0, 0, 13..13, true),
            (-5, 3, 11..14, true),
            (0, -3, 13..13, true),
        ];
        for (offset, length, range, overflow) in cases {
            assert_eq!(tail_range(size, offset, length), (range, 14, overflow), "({offset}, {length})");
        }
        assert_eq!(tail_range(0, 0, 100), (0..0, 0, false));
        assert_eq!(tail_range(0, 5, 100), (0..0, 0, false));
        let _ = tail_range(u64::MAX, i64::MAX, i64::MAX);
        let _ = tail_range(10, i64::MIN, i64::MIN);
    }

    #[test]
    fn namespecs() {
        assert_eq!(split_namespec("web"), ("web", Some("web")));
        assert_eq!(split_namespec("site:web"), ("site", Some("web")));
        assert_eq!(split_namespec("site:"), ("site", None));
        assert_eq!(split_namespec("site:*"), ("site", None));
        assert_eq!(split_namespec("a:b:c"), ("a", Some("b:c")));
        assert_eq!(make_namespec("web", "web"), "web");
        assert_eq!(make_namespec("site", "web"), "site:web");
    }
    #[test]
    fn config_info_is_supervisords_struct() {
        let channel = |logfile| ChannelConfig {
            logfile,
            logfile_backups: 10,
            logfile_maxbytes: 52_428_800,
            capture_maxbytes: 0,
            events_enabled: false,
            syslog: false,
        };
        let info = ConfigInfo {
            name: "cat".into(),
            group: "cat".into(),
            inuse: true,
            autostart: true,
            directory: None,
            uid: None,
            command: "cat".into(),
            exitcodes: vec![0],
            group_prio: 999,
            process_prio: 999,
            killasgroup: false,
            redirect_stderr: false,
            startretries: 3,
            startsecs: 0,
            stopsignal: 15,
            stopwaitsecs: 10,
            serverurl: None,
            stdout: channel(LogSetting::Path("/l/cat.out".into())),
            stderr: channel(LogSetting::Auto),
        };
        let value = info.to_value();
        let Value::Struct(members) = &value else { unreachable!() };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        // supervisord's dict literal order (rpcinterface.getAllConfigInfo).
        assert_eq!(
            keys,
            [
                "autostart",
                "directory",
                "uid",
                "command",
                "exitcodes",
                "group",
                "group_prio",
                "inuse",
                "killasgroup",
                "name",
                "process_prio",
                "redirect_stderr",
                "startretries",
                "startsecs",
                "stdout_capture_maxbytes",
                "stdout_events_enabled",
                "stdout_logfile",
                "stdout_logfile_backups",
                "stdout_logfile_maxbytes",
                "stdout_syslog",
                "stopsignal",
                "stopwaitsecs",
                "stderr_capture_maxbytes",
                "stderr_events_enabled",
                "stderr_logfile",
                "stderr_logfile_backups",
                "stderr_logfile_maxbytes",
                "stderr_syslog",
                "serverurl"
            ]
        );
        assert_eq!(value.get("directory"), Some(&Value::from("none")));
        assert_eq!(value.get("uid"), Some(&Value::from("none")));
        assert_eq!(value.get("stderr_logfile"), Some(&Value::from("auto")));
        assert_eq!(value.get("stdout_logfile"), Some(&Value::from("/l/cat.out")));
        assert_eq!(value.get("exitcodes"), Some(&Value::Array(vec![Value::Int(0)])));
        assert_eq!(value.get("stopsignal"), Some(&Value::Int(15)));
        let other = ConfigInfo { name: "a".into(), uid: Some(0), ..info.clone() };
        let Value::Array(list) = config_info_list(vec![info, other]) else { unreachable!() };
        assert_eq!(list[0].get("name"), Some(&Value::from("a")));
        assert_eq!(list[0].get("uid"), Some(&Value::Int(0)));
    }

    #[test]
    fn reload_result_shape() {
        let added = vec!["new".to_string()];
        assert_eq!(
            reload_result(&added, &[], &[]),
            Value::Array(vec![Value::Array(vec![
                Value::Array(vec![Value::from("new")]),
                Value::Array(vec![]),
                Value::Array(vec![])
            ])])
        );
    }
}
