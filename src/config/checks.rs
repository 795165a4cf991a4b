//! The model and the readers of the keys that go beyond supervisord: `healthcheck`,
//! `readiness`, `watchdog` and `depends_on`, plus the check of the dependency graph (unknown
//! names, self-dependencies and cycles, each reported where it is written).
//!
//! A program without these keys gets [`HealthConfig::default`], which means exactly what a
//! supervisord config means: no check, ready when RUNNING, started in priority order.
//!
//! The readers take the raw TOML values and return the model or the problems, each with the
//! byte offset of the value at fault and the sub-key it concerns, so `validate` can stamp them
//! with file, line and column like every other error.

use std::collections::BTreeMap;
use std::time::Duration;

use toml::Spanned;
use toml::de::DeValue;

use super::value_readers::type_name;

/// Everything a process has of health checks, readiness and dependencies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HealthConfig {
    pub check: Option<HealthCheck>,
    pub readiness: Readiness,
    /// With `readiness = "notify"`: the longest silence between two `WATCHDOG=1` before the
    /// process is restarted.
    pub watchdog: Option<Duration>,
    /// The programs this one needs, in the order written.
    pub depends_on: Vec<Dependency>,
}

impl HealthConfig {
    /// Whether the process gets a `NOTIFY_SOCKET` (the child must be started with it, so a
    /// change of this needs a restart).
    pub fn uses_notify_socket(&self) -> bool {
        self.readiness == Readiness::Notify
    }
}

/// When a RUNNING process counts as ready (what `ready` dependencies wait for).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Readiness {
    /// Ready when RUNNING, as supervisord has it.
    #[default]
    Running,
    /// The program sends `READY=1` on its `NOTIFY_SOCKET` (sd_notify); until then it stays
    /// STARTING, for at most startsecs.
    Notify,
    /// The health check has passed once.
    HealthCheck,
    /// A line of its output contains this text.
    LogLine(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    pub probe: Probe,
    pub interval: Duration,
    pub timeout: Duration,
    /// Consecutive failures that make the process unhealthy.
    pub retries: u32,
    /// From the spawn, failures are not counted for this long (a success still counts).
    pub start_period: Duration,
    pub on_unhealthy: OnUnhealthy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// A command; exit status 0 is healthy.
    Exec { command: Vec<String> },
    /// A TCP connection to an IP address is accepted.
    Tcp { host: std::net::IpAddr, port: u16 },
    /// `GET path` answers with a status in `status` (inclusive).
    Http { host: std::net::IpAddr, host_header: String, port: u16, path: String, status: (u16, u16) },
}

impl Probe {
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::Exec { .. } => "exec",
            Probe::Tcp { .. } => "tcp",
            Probe::Http { .. } => "http",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnUnhealthy {
    Restart,
    /// Report only.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// A program name.
    pub program: String,
    pub condition: Condition,
}

/// What a dependency must have reached, in every one of its processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// RUNNING.
    Started,
    /// RUNNING and ready (see [`Readiness`]).
    Ready,
    /// RUNNING and its health check passing.
    Healthy,
    /// Exited with one of its exitcodes (a one-shot job such as a migration).
    Completed,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Started => "started",
            Condition::Ready => "ready",
            Condition::Healthy => "healthy",
            Condition::Completed => "completed",
        }
    }

    fn parse(s: &str) -> Result<Condition, String> {
        match s {
            "started" | "service_started" => Ok(Condition::Started),
            "ready" => Ok(Condition::Ready),
            "healthy" | "service_healthy" => Ok(Condition::Healthy),
            "completed" | "service_completed_successfully" => Ok(Condition::Completed),
            other => Err(format!("unknown condition '{other}' (started, ready, healthy or completed)")),
        }
    }
}

/// A problem in one of these keys: where, which sub-key (empty for the key itself), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub sub_key: String,
    pub message: String,
}

fn problem(offset: usize, sub_key: &str, message: impl Into<String>) -> Problem {
    Problem { offset, sub_key: sub_key.to_string(), message: message.into() }
}

/// Seconds as a TOML integer or float, at least `min`.
fn seconds(value: &DeValue<'_>, min: f64) -> Result<Duration, String> {
    let n = match value {
        DeValue::Integer(i) => {
            i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| format!("{} is out of range", i.as_str()))? as f64
        }
        DeValue::Float(f) => f.as_str().parse::<f64>().map_err(|_| format!("{} is not a number", f.as_str()))?,
        other => return Err(format!("expected a number of seconds, found {}", type_name(other))),
    };
    if !(min..=86_400.0 * 365.0).contains(&n) {
        return Err(format!("{n} is out of range ({min} to 31536000 seconds)"));
    }
    Ok(Duration::from_secs_f64(n))
}

fn host_ip(host: &str) -> Result<std::net::IpAddr, String> {
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::IpAddr::from([127, 0, 0, 1]));
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    bare.parse().map_err(|_| {
        format!("'{host}' is not an IP address (names are not resolved, so that no check waits on DNS; use localhost or an address)")
    })
}

/// `http://HOST[:PORT][/PATH]`, HOST an IP address or localhost.
fn parse_url(url: &str) -> Result<(std::net::IpAddr, String, u16, String), String> {
    let rest =
        url.strip_prefix("http://").ok_or_else(|| format!("'{url}' is not an http:// URL (https is not supported)"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    if path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(format!("the path of '{url}' holds spaces or control characters"));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => {
            (h, p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| format!("'{p}' is not a port"))?)
        }
        _ => (authority, 80),
    };
    Ok((host_ip(host)?, authority.to_string(), port, path))
}

fn status_range(value: &DeValue<'_>) -> Result<(u16, u16), String> {
    let parse = |s: &str| s.trim().parse::<u16>().ok().filter(|n| (100..=599).contains(n));
    let range = match value {
        DeValue::Integer(i) => {
            let n = parse(i.as_str()).ok_or_else(|| format!("{} is not an HTTP status", i.as_str()))?;
            (n, n)
        }
        DeValue::String(s) => match s.split_once('-') {
            Some((a, b)) => (
                parse(a).ok_or_else(|| format!("'{a}' is not an HTTP status"))?,
                parse(b).ok_or_else(|| format!("'{b}' is not an HTTP status"))?,
            ),
            None => {
                let n = parse(s).ok_or_else(|| format!("'{s}' is not an HTTP status"))?;
                (n, n)
            }
        },
        other => return Err(format!("expected a status or a range such as \"200-399\", found {}", type_name(other))),
    };
    if range.0 > range.1 {
        return Err(format!("{}-{} is an empty range", range.0, range.1));
    }
    Ok(range)
}

const CHECK_KEYS: &[&str] = &[
    "type",
    "command",
    "host",
    "port",
    "url",
    "status",
    "interval",
    "timeout",
    "retries",
    "start_period",
    "on_unhealthy",
];

/// `[program.NAME.healthcheck]`.
pub fn read_healthcheck(value: &Spanned<DeValue<'_>>) -> Result<HealthCheck, Vec<Problem>> {
    let at = value.span().start;
    let Some(table) = value.get_ref().as_table() else {
        return Err(vec![problem(at, "", format!("expected a table, found {}", type_name(value.get_ref())))]);
    };
    let mut problems = Vec::new();
    let entries: BTreeMap<String, &Spanned<DeValue<'_>>> =
        table.iter().map(|(k, v)| (k.get_ref().to_string(), v)).collect();
    for (key, _) in table.iter() {
        if !CHECK_KEYS.contains(&key.get_ref().as_ref()) {
            let hint = super::keys::did_you_mean(key.get_ref(), CHECK_KEYS.iter().copied())
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            problems.push(problem(key.span().start, key.get_ref(), format!("unknown key{hint}")));
        }
    }
    let get = |key: &str| -> Option<(usize, &DeValue<'_>)> { entries.get(key).map(|v| (v.span().start, v.get_ref())) };
    let string = |key: &str, problems: &mut Vec<Problem>, v: Option<(usize, &DeValue<'_>)>| -> Option<String> {
        let (offset, v) = v?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                problems.push(problem(offset, key, format!("expected a string, found {}", type_name(v))));
                None
            }
        }
    };
    let duration =
        |key: &str, default: f64, min: f64, problems: &mut Vec<Problem>, v: Option<(usize, &DeValue<'_>)>| match v {
            None => Duration::from_secs_f64(default),
            Some((offset, v)) => seconds(v, min).unwrap_or_else(|m| {
                problems.push(problem(offset, key, m));
                Duration::from_secs_f64(default)
            }),
        };
    let interval = duration("interval", 10.0, 0.01, &mut problems, get("interval"));
    let timeout = duration("timeout", 5.0, 0.01, &mut problems, get("timeout"));
    let start_period = duration("start_period", 0.0, 0.0, &mut problems, get("start_period"));
    let retries = match get("retries") {
        None => 3,
        Some((offset, v)) => match v.as_integer().and_then(|i| i.as_str().parse::<u32>().ok()) {
            Some(n) if (1..=1000).contains(&n) => n,
            _ => {
                problems.push(problem(offset, "retries", "expected an integer from 1 to 1000"));
                3
            }
        },
    };
    let on_unhealthy = match string("on_unhealthy", &mut problems, get("on_unhealthy")).as_deref() {
        None | Some("restart") => OnUnhealthy::Restart,
        Some("none") => OnUnhealthy::None,
        Some(other) => {
            let offset = get("on_unhealthy").map_or(at, |(o, _)| o);
            problems.push(problem(offset, "on_unhealthy", format!("'{other}' is neither restart nor none")));
            OnUnhealthy::Restart
        }
    };
    let kind_value = get("type");
    let kind = string("type", &mut problems, kind_value);
    let kind_at = kind_value.map_or(at, |(o, _)| o);
    let probe = match kind.as_deref() {
        None if kind_value.is_none() => {
            problems.push(problem(at, "type", "is required (exec, tcp or http)"));
            None
        }
        None => None,
        Some("exec") => match get("command") {
            None => {
                problems.push(problem(at, "command", "is required for an exec check"));
                None
            }
            Some((offset, v)) => {
                let argv = match v {
                    DeValue::String(s) => shlex::split(s).ok_or_else(|| format!("unbalanced quotes in '{s}'")),
                    DeValue::Array(items) => items
                        .iter()
                        .map(|i| i.get_ref().as_str().map(str::to_string).ok_or_else(|| "expected strings".to_string()))
                        .collect(),
                    other => Err(format!("expected a command line, found {}", type_name(other))),
                };
                match argv {
                    Ok(argv) if !argv.is_empty() => Some(Probe::Exec { command: argv }),
                    Ok(_) => {
                        problems.push(problem(offset, "command", "is empty"));
                        None
                    }
                    Err(m) => {
                        problems.push(problem(offset, "command", m));
                        None
                    }
                }
            }
        },
        Some("tcp") => {
            let host_value = get("host");
            let host = match string("host", &mut problems, host_value) {
                None => Some(std::net::IpAddr::from([127, 0, 0, 1])),
                Some(h) => {
                    host_ip(&h).map_err(|m| problems.push(problem(host_value.map_or(at, |(o, _)| o), "host", m))).ok()
                }
            };
            let port = match get("port") {
                None => {
                    problems.push(problem(at, "port", "is required for a tcp check"));
                    None
                }
                Some((offset, v)) => match v.as_integer().and_then(|i| i.as_str().parse::<u16>().ok()) {
                    Some(p) if p > 0 => Some(p),
                    _ => {
                        problems.push(problem(offset, "port", "expected a port from 1 to 65535"));
                        None
                    }
                },
            };
            host.zip(port).map(|(host, port)| Probe::Tcp { host, port })
        }
        Some("http") => {
            let url_value = get("url");
            let status = match get("status") {
                None => (200, 399),
                Some((offset, v)) => status_range(v).unwrap_or_else(|m| {
                    problems.push(problem(offset, "status", m));
                    (200, 399)
                }),
            };
            match string("url", &mut problems, url_value) {
                None => {
                    if url_value.is_none() {
                        problems.push(problem(at, "url", "is required for an http check"));
                    }
                    None
                }
                Some(url) => match parse_url(&url) {
                    Ok((host, host_header, port, path)) => Some(Probe::Http { host, host_header, port, path, status }),
                    Err(m) => {
                        problems.push(problem(url_value.map_or(at, |(o, _)| o), "url", m));
                        None
                    }
                },
            }
        }
        Some(other) => {
            problems.push(problem(kind_at, "type", format!("unknown check type '{other}' (exec, tcp or http)")));
            None
        }
    };
    // Keys that belong to another type are mistakes worth saying.
    if let Some(kind) = kind.as_deref() {
        let foreign: &[&str] = match kind {
            "exec" => &["host", "port", "url", "status"],
            "tcp" => &["command", "url", "status"],
            "http" => &["command", "host", "port"],
            _ => &[],
        };
        for key in foreign {
            if let Some((offset, _)) = get(key) {
                problems.push(problem(offset, key, format!("does not apply to {kind} checks")));
            }
        }
    }
    match probe {
        Some(probe) if problems.is_empty() => {
            Ok(HealthCheck { probe, interval, timeout, retries, start_period, on_unhealthy })
        }
        _ => Err(problems),
    }
}

/// `readiness = "none" | "notify" | "healthcheck" | { log_line = "..." }`.
pub fn read_readiness(value: &Spanned<DeValue<'_>>) -> Result<Readiness, Problem> {
    let at = value.span().start;
    match value.get_ref() {
        DeValue::String(s) => match s.as_ref() {
            "none" | "running" => Ok(Readiness::Running),
            "notify" => Ok(Readiness::Notify),
            "healthcheck" => Ok(Readiness::HealthCheck),
            other => Err(problem(
                at,
                "",
                format!("unknown readiness '{other}' (none, notify, healthcheck, or {{ log_line = \"...\" }})"),
            )),
        },
        DeValue::Table(table) => {
            let mut line = None;
            for (key, v) in table.iter() {
                if key.get_ref() != "log_line" {
                    return Err(problem(
                        key.span().start,
                        key.get_ref(),
                        "unknown key; the table form is { log_line = \"...\" }",
                    ));
                }
                match v.get_ref().as_str() {
                    Some(s) if !s.is_empty() && s.len() <= 1024 && !s.contains('\n') => line = Some(s.to_string()),
                    _ => {
                        return Err(problem(
                            v.span().start,
                            "log_line",
                            "expected a non-empty one-line string of at most 1024 bytes",
                        ));
                    }
                }
            }
            line.map(Readiness::LogLine).ok_or_else(|| problem(at, "log_line", "is required in the table form"))
        }
        other => Err(problem(at, "", format!("expected a string or a table, found {}", type_name(other)))),
    }
}

/// A dependency as written: with where the program's name stands, for the graph's errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenDependency {
    pub offset: usize,
    pub dependency: Dependency,
}

/// `depends_on = ["db"]` (each `started`), `{ db = "healthy" }`, or compose's long form
/// `{ db = { condition = "service_healthy" } }`.
pub fn read_depends_on(value: &Spanned<DeValue<'_>>) -> Result<Vec<WrittenDependency>, Vec<Problem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut push = |offset: usize, program: &str, condition: Condition, problems: &mut Vec<Problem>| {
        if out.iter().any(|d: &WrittenDependency| d.dependency.program == program) {
            problems.push(problem(offset, "", format!("'{program}' is listed twice")));
        } else {
            out.push(WrittenDependency { offset, dependency: Dependency { program: program.to_string(), condition } });
        }
    };
    match value.get_ref() {
        DeValue::Array(items) => {
            for item in items {
                match item.get_ref().as_str() {
                    Some(name) => push(item.span().start, name, Condition::Started, &mut problems),
                    None => problems.push(problem(item.span().start, "", "expected a program name")),
                }
            }
        }
        DeValue::Table(table) => {
            for (name, v) in table.iter() {
                let offset = name.span().start;
                let condition = match v.get_ref() {
                    DeValue::String(s) => Condition::parse(s),
                    DeValue::Table(long) => match long.get("condition").map(|c| c.get_ref()) {
                        Some(DeValue::String(s)) => Condition::parse(s),
                        _ => Err("expected { condition = \"...\" }".to_string()),
                    },
                    other => Err(format!("expected a condition, found {}", type_name(other))),
                };
                match condition {
                    Ok(c) => push(offset, name.get_ref(), c, &mut problems),
                    Err(m) => problems.push(problem(v.span().start, name.get_ref(), m)),
                }
            }
        }
        other => problems.push(problem(
            value.span().start,
            "",
            format!("expected a list of programs or a table of conditions, found {}", type_name(other)),
        )),
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// One program's place in the dependency graph, for [`graph_problems`].
pub struct GraphNode<'a> {
    pub program: &'a str,
    pub depends_on: &'a [WrittenDependency],
    /// Whether it has a health check (a `healthy` condition needs one).
    pub has_check: bool,
}

/// A graph problem: the program whose `depends_on` is at fault, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphProblem {
    pub program: String,
    pub offset: usize,
    pub message: String,
}

/// Unknown names, self-dependencies, `healthy` on a program without a check, and cycles (each
/// cycle reported at every edge, so every place to fix it is named).
pub fn graph_problems(nodes: &[GraphNode<'_>]) -> Vec<GraphProblem> {
    let mut problems = Vec::new();
    let index: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.program, i)).collect();
    for node in nodes {
        for dep in node.depends_on {
            let name = dep.dependency.program.as_str();
            let report =
                |message: String| GraphProblem { program: node.program.to_string(), offset: dep.offset, message };
            if name == node.program {
                problems.push(report(format!("'{name}' cannot depend on itself")));
            } else if let Some(&target) = index.get(name) {
                if dep.dependency.condition == Condition::Healthy && !nodes[target].has_check {
                    problems.push(report(format!("'{name}' has no healthcheck, so it can never be healthy")));
                }
            } else {
                let hint = super::keys::did_you_mean(name, nodes.iter().map(|n| n.program))
                    .map(|s| format!("; did you mean '{s}'?"))
                    .unwrap_or_default();
                problems.push(report(format!("no program named '{name}'{hint}")));
            }
        }
    }
    for cycle in cycles(nodes, &index) {
        let path: Vec<&str> = cycle.iter().map(|&i| nodes[i].program).chain([nodes[cycle[0]].program]).collect();
        let path = path.join(" -> ");
        for (k, &from) in cycle.iter().enumerate() {
            let to = nodes[cycle[(k + 1) % cycle.len()]].program;
            let Some(dep) = nodes[from].depends_on.iter().find(|d| d.dependency.program == to) else { continue };
            problems.push(GraphProblem {
                program: nodes[from].program.to_string(),
                offset: dep.offset,
                message: format!("dependency cycle: {path}"),
            });
        }
    }
    problems
}

/// The elementary cycles found by a depth-first search, each once (self-loops excluded: they
/// are reported on their own).
fn cycles(nodes: &[GraphNode<'_>], index: &BTreeMap<&str, usize>) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        at: usize,
        nodes: &[GraphNode<'_>],
        index: &BTreeMap<&str, usize>,
        marks: &mut [Mark],
        path: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) {
        marks[at] = Mark::OnPath;
        path.push(at);
        for dep in nodes[at].depends_on {
            let Some(&next) = index.get(dep.dependency.program.as_str()) else { continue };
            if next == at {
                continue;
            }
            match marks[next] {
                Mark::New => visit(next, nodes, index, marks, path, found),
                Mark::OnPath => {
                    let start = path.iter().position(|&n| n == next).expect("on the path");
                    found.push(path[start..].to_vec());
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[at] = Mark::Done;
    }
    let mut marks = vec![Mark::New; nodes.len()];
    let mut found = Vec::new();
    for start in 0..nodes.len() {
        if marks[start] == Mark::New {
            visit(start, nodes, index, &mut marks, &mut Vec::new(), &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Spanned<DeValue<'static>> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        DeValue::parse(text).unwrap()
    }

    #[test]
    fn http_check_with_defaults() {
        let check = read_healthcheck(&value("{ type = \"http\", url = \"http://127.0.0.1:8080/health\" }")).unwrap();
        assert_eq!(
            check.probe,
            Probe::Http {
                host: "127.0.0.1".parse().unwrap(),
                host_header: "127.0.0.1:8080".into(),
                port: 8080,
                path: "/health".into(),
                status: (200, 399)
            }
        );
        assert_eq!(check.interval, Duration::from_secs(10));
        assert_eq!(check.retries, 3);
        assert_eq!(check.on_unhealthy, OnUnhealthy::Restart);
    }

    #[test]
    fn check_problems_name_their_sub_key() {
        let cases: &[(&str, &str, &str)] = &[
            ("{ type = \"tcp\" }", "port", "is required"),
            ("{ type = \"http\", url = \"https://x/\" }", "url", "https is not supported"),
            ("{ type = \"http\", url = \"http://example.com/\" }", "url", "not an IP address"),
            ("{ type = \"exec\", command = \"true\", intervall = 2 }", "intervall", "did you mean 'interval'"),
            ("{ type = \"tcp\", port = 1, interval = \"5\" }", "interval", "expected a number"),
            ("{ type = \"tcp\", port = 1, retries = 0 }", "retries", "1 to 1000"),
            ("{ type = \"tcp\", port = 1, url = \"http://1.2.3.4/\" }", "url", "does not apply"),
            ("{ type = \"udp\" }", "type", "unknown check type"),
            ("{ type = \"http\", url = \"http://[::1]:80/\", status = \"300-200\" }", "status", "empty range"),
        ];
        for (text, key, needle) in cases {
            let problems = read_healthcheck(&value(text)).unwrap_err();
            assert!(problems.iter().any(|p| p.sub_key == *key && p.message.contains(needle)), "{text}: {problems:?}");
        }
    }

    #[test]
    fn readiness_forms() {
        assert_eq!(read_readiness(&value("\"notify\"")).unwrap(), Readiness::Notify);
        assert_eq!(read_readiness(&value("\"none\"")).unwrap(), Readiness::Running);
        assert_eq!(
            read_readiness(&value("{ log_line = \"listening\" }")).unwrap(),
            Readiness::LogLine("listening".into())
        );
        assert!(read_readiness(&value("\"eventually\"")).is_err());
        assert!(read_readiness(&value("{ pattern = \"x\" }")).is_err());
    }

    #[test]
    fn depends_on_forms() {
        let names = |deps: Vec<WrittenDependency>| {
            deps.into_iter().map(|d| (d.dependency.program, d.dependency.condition)).collect::<Vec<_>>()
        };
        assert_eq!(names(read_depends_on(&value("[\"db\"]")).unwrap()), [("db".to_string(), Condition::Started)]);
        assert_eq!(
            names(
                read_depends_on(&value(
                    "{ db = \"healthy\", migrate = { condition = \"service_completed_successfully\" } }"
                ))
                .unwrap()
            ),
            [("db".to_string(), Condition::Healthy), ("migrate".to_string(), Condition::Completed)]
        );
        assert!(read_depends_on(&value("{ db = \"alive\" }")).is_err());
        assert!(read_depends_on(&value("[\"db\", \"db\"]")).is_err());
    }

    fn dep(program: &str, offset: usize, condition: Condition) -> WrittenDependency {
        WrittenDependency { offset, dependency: Dependency { program: program.into(), condition } }
    }

    #[test]
    fn graph_problems_table() {
        let started = Condition::Started;
        // (nodes as (name, deps, has_check), expected (program, offset, message part))
        type Case = (Vec<(&'static str, Vec<WrittenDependency>, bool)>, Vec<(&'static str, usize, &'static str)>);
        let cases: Vec<Case> = vec![
            (vec![("web", vec![dep("db", 1, started)], false), ("db", vec![], false)], vec![]),
            (vec![("web", vec![dep("web", 1, started)], false)], vec![("web", 1, "itself")]),
            (
                vec![("web", vec![dep("dbb", 7, started)], false), ("db", vec![], false)],
                vec![("web", 7, "did you mean 'db'")],
            ),
            (
                vec![("web", vec![dep("db", 3, Condition::Healthy)], false), ("db", vec![], false)],
                vec![("web", 3, "no healthcheck")],
            ),
            (
                vec![("a", vec![dep("b", 10, started)], false), ("b", vec![dep("a", 20, started)], false)],
                vec![("a", 10, "cycle: a -> b -> a"), ("b", 20, "cycle: a -> b -> a")],
            ),
            (
                vec![
                    ("a", vec![dep("b", 1, started)], false),
                    ("b", vec![dep("c", 2, started)], false),
                    ("c", vec![dep("a", 3, started)], false),
                    ("d", vec![dep("a", 4, started)], false),
                ],
                vec![("a", 1, "a -> b -> c -> a"), ("b", 2, "a -> b -> c -> a"), ("c", 3, "a -> b -> c -> a")],
            ),
            // A diamond is no cycle.
            (
                vec![
                    ("top", vec![dep("l", 1, started), dep("r", 2, started)], false),
                    ("l", vec![dep("base", 3, started)], false),
                    ("r", vec![dep("base", 4, started)], false),
                    ("base", vec![], false),
                ],
                vec![],
            ),
        ];
        for (nodes, expected) in cases {
            let graph: Vec<GraphNode<'_>> =
                nodes.iter().map(|(p, d, c)| GraphNode { program: p, depends_on: d, has_check: *c }).collect();
            let problems = graph_problems(&graph);
            assert_eq!(problems.len(), expected.len(), "{problems:?}");
            for ((program, offset, part), problem) in expected.iter().zip(&problems) {
                assert_eq!((problem.program.as_str(), problem.offset), (*program, *offset), "{problem:?}");
                assert!(problem.message.contains(part), "{problem:?}");
            }
        }
    }
}
