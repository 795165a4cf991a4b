//! The JSON API, `/api/v1/...`, transport-free: which endpoint a request names, and the JSON
//! its answers and errors are made of. Every endpoint that acts becomes a typed
//! `protocol::Request` for the request layer, so it answers as `taskmasterctl` and XML-RPC do;
//! the serving itself is in the parent module.
//!
//! Reads are `GET`, anything that changes state is `POST` (the parent module checks that a
//! POST comes from the same origin). An error is `{"error": {"code": CODE, "message": TEXT}}`
//! with one of the stable [`Code`]s and the matching HTTP status. The endpoints are listed in
//! the README and the `taskmasterd(8)` man page (`HTTP API`); `docs/openapi.yaml` describes
//! them for tools.

use serde::Serialize;
use serde_json::{Value, json};

use crate::daemon::http::{Status, percent_decode};
use crate::protocol::{Channel, ErrorKind, ExitStatus, ProcessInfo, ProcessResult, Response};

/// The most bytes one log read returns.
pub const MAX_LOG_READ: u64 = 1 << 20;
/// What a log read returns when it does not say.
pub const DEFAULT_LOG_READ: u64 = 64 * 1024;

/// One endpoint, with its arguments decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /api/v1/daemon`: identity, version, pid, uptime.
    Daemon,
    /// `GET /api/v1/processes`.
    Processes,
    /// `GET /api/v1/processes/NAME`.
    Process { name: String },
    /// `POST /api/v1/processes/NAME/ACTION` (NAME may be `GROUP:*` or `all`).
    Act { name: String, act: Act },
    /// `GET /api/v1/processes/NAME/log/CHANNEL?offset=N&length=N`.
    Log { name: String, channel: Channel, query: LogQuery },
    /// `GET /api/v1/processes/NAME/log/CHANNEL/stream`: the log's end, then what comes.
    LogStream { name: String, channel: Channel },
    /// `GET /api/v1/daemon/log?offset=N&length=N`.
    DaemonLog { query: LogQuery },
    /// `GET /api/v1/daemon/log/stream`.
    DaemonLogStream,
    /// `POST /api/v1/reread`.
    Reread,
    /// `POST /api/v1/update` (`{"names": [...]}` or `?name=` to limit it).
    Update { names: Vec<String> },
    /// `GET /api/v1/events`: server-sent events.
    Events,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Start {
        wait: bool,
    },
    Stop {
        wait: bool,
    },
    Restart {
        wait: bool,
    },
    /// The signal may also come in the body (`{"signal": "HUP"}`).
    Signal {
        signal: Option<String>,
    },
    Clear,
}

/// Which bytes of a log a read wants: from `offset`, or the last `length` without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogQuery {
    pub offset: Option<u64>,
    pub length: u64,
}

/// The stable error codes of the API: the HTTP side's own, and the request layer's kinds (the
/// `ErrorKind` of `protocol`, supervisord's fault classes) under their snake_case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    BadRequest,
    Unauthorized,
    CrossOrigin,
    NotFound,
    MethodNotAllowed,
    NoSuchProcess,
    NoSuchGroup,
    Failed,
    AlreadyStarted,
    NotRunning,
    NoFile,
    NotExecutable,
    SpawnError,
    AbnormalTermination,
    BadSignal,
    AlreadyAdded,
}

impl Code {
    pub fn status(self) -> Status {
        match self {
            Code::BadRequest | Code::BadSignal => Status::BAD_REQUEST,
            Code::Unauthorized => Status::UNAUTHORIZED,
            Code::CrossOrigin => Status::FORBIDDEN,
            Code::NotFound | Code::NoSuchProcess | Code::NoSuchGroup => Status::NOT_FOUND,
            Code::MethodNotAllowed => Status::METHOD_NOT_ALLOWED,
            Code::Failed
            | Code::AlreadyStarted
            | Code::NotRunning
            | Code::NoFile
            | Code::NotExecutable
            | Code::SpawnError
            | Code::AbnormalTermination
            | Code::AlreadyAdded => Status::CONFLICT,
        }
    }

    fn of(kind: ErrorKind) -> Code {
        match kind {
            ErrorKind::NoSuchProcess => Code::NoSuchProcess,
            ErrorKind::NoSuchGroup => Code::NoSuchGroup,
            ErrorKind::BadRequest => Code::BadRequest,
            ErrorKind::Failed => Code::Failed,
            ErrorKind::AlreadyStarted => Code::AlreadyStarted,
            ErrorKind::NotRunning => Code::NotRunning,
            ErrorKind::NoFile => Code::NoFile,
            ErrorKind::NotExecutable => Code::NotExecutable,
            ErrorKind::SpawnError => Code::SpawnError,
            ErrorKind::AbnormalTermination => Code::AbnormalTermination,
            ErrorKind::BadSignal => Code::BadSignal,
            ErrorKind::AlreadyAdded => Code::AlreadyAdded,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    pub fn body(&self) -> Vec<u8> {
        json_bytes(&json!({ "error": { "code": self.code, "message": self.message } }))
    }
}

pub fn json_bytes(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}

/// The `key=value` pairs of a query string, decoded.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " ")))
        })
        .collect()
}

fn flag(pairs: &[(String, String)], key: &str) -> Result<bool, ApiError> {
    match pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str()) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(other) => Err(ApiError::new(Code::BadRequest, format!("{key} must be true or false, not '{other}'"))),
    }
}

fn number(pairs: &[(String, String)], key: &str) -> Result<Option<u64>, ApiError> {
    match pairs.iter().rev().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, v)) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ApiError::new(Code::BadRequest, format!("{key} must be a byte count, not '{v}'"))),
    }
}

fn log_query(pairs: &[(String, String)]) -> Result<LogQuery, ApiError> {
    let length = number(pairs, "length")?.unwrap_or(DEFAULT_LOG_READ).min(MAX_LOG_READ);
    Ok(LogQuery { offset: number(pairs, "offset")?, length })
}

fn channel(name: &str) -> Result<Channel, ApiError> {
    match name {
        "stdout" => Ok(Channel::Stdout),
        "stderr" => Ok(Channel::Stderr),
        other => Err(ApiError::new(Code::NotFound, format!("no channel '{other}': stdout or stderr"))),
    }
}

/// Which endpoint `METHOD /api/...` names. Pure.
pub fn route(method: &str, path: &str, query: &str) -> Result<Endpoint, ApiError> {
    let pairs = query_pairs(query);
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Err(ApiError::new(Code::NotFound, format!("no endpoint {path}: the API is under /api/v1/")));
    };
    let parts: Vec<String> = rest.split('/').map(percent_decode).collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let (want, endpoint) = match parts.as_slice() {
        ["daemon"] => ("GET", Endpoint::Daemon),
        ["daemon", "log"] => ("GET", Endpoint::DaemonLog { query: log_query(&pairs)? }),
        ["daemon", "log", "stream"] => ("GET", Endpoint::DaemonLogStream),
        ["processes"] | ["processes", ""] => ("GET", Endpoint::Processes),
        ["processes", name] if !name.is_empty() => ("GET", Endpoint::Process { name: name.to_string() }),
        ["processes", name, action] if !name.is_empty() => {
            let wait = flag(&pairs, "wait")?;
            let act = match *action {
                "start" => Act::Start { wait },
                "stop" => Act::Stop { wait },
                "restart" => Act::Restart { wait },
                "signal" => {
                    Act::Signal { signal: pairs.iter().rev().find(|(k, _)| k == "signal").map(|(_, v)| v.clone()) }
                }
                "clear" => Act::Clear,
                other => return Err(ApiError::new(Code::NotFound, format!("no action '{other}'"))),
            };
            ("POST", Endpoint::Act { name: name.to_string(), act })
        }
        ["processes", name, "log", ch] if !name.is_empty() => {
            ("GET", Endpoint::Log { name: name.to_string(), channel: channel(ch)?, query: log_query(&pairs)? })
        }
        ["processes", name, "log", ch, "stream"] if !name.is_empty() => {
            ("GET", Endpoint::LogStream { name: name.to_string(), channel: channel(ch)? })
        }
        ["reread"] => ("POST", Endpoint::Reread),
        ["update"] => {
            let names = pairs.iter().filter(|(k, _)| k == "name").map(|(_, v)| v.clone()).collect();
            ("POST", Endpoint::Update { names })
        }
        ["events"] => ("GET", Endpoint::Events),
        _ => return Err(ApiError::new(Code::NotFound, format!("no endpoint {path}"))),
    };
    if method != want {
        return Err(ApiError::new(Code::MethodNotAllowed, format!("{path} takes {want}, not {method}")));
    }
    Ok(endpoint)
}

/// Fills in what a POST's JSON body says (`{"signal": "HUP"}`, `{"names": [...]}`,
/// `{"wait": true}`); an empty body changes nothing.
pub fn apply_body(endpoint: Endpoint, body: &[u8]) -> Result<Endpoint, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(endpoint);
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(Code::BadRequest, format!("the body is not JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::new(Code::BadRequest, "the body must be a JSON object"));
    };
    let wait = |current: bool| match fields.get("wait") {
        None => Ok(current),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::new(Code::BadRequest, "wait must be true or false")),
    };
    Ok(match endpoint {
        Endpoint::Act { name, act } => {
            let act = match act {
                Act::Start { wait: w } => Act::Start { wait: wait(w)? },
                Act::Stop { wait: w } => Act::Stop { wait: wait(w)? },
                Act::Restart { wait: w } => Act::Restart { wait: wait(w)? },
                Act::Signal { signal } => match fields.get("signal") {
                    None => Act::Signal { signal },
                    Some(Value::String(s)) => Act::Signal { signal: Some(s.clone()) },
                    Some(Value::Number(n)) => Act::Signal { signal: Some(n.to_string()) },
                    Some(_) => return Err(ApiError::new(Code::BadRequest, "signal must be a name or a number")),
                },
                Act::Clear => Act::Clear,
            };
            Endpoint::Act { name, act }
        }
        Endpoint::Update { mut names } => {
            match fields.get("names") {
                None => {}
                Some(Value::Array(items)) => {
                    for item in items {
                        let Value::String(name) = item else {
                            return Err(ApiError::new(Code::BadRequest, "names must be strings"));
                        };
                        names.push(name.clone());
                    }
                }
                Some(_) => return Err(ApiError::new(Code::BadRequest, "names must be a list of names")),
            }
            Endpoint::Update { names }
        }
        other => other,
    })
}

/// A process as the API, the page and its events show it. `name` is what actions take
/// (`GROUP:NAME`, or `NAME` when the group is the program's own).
pub fn process_json(info: &ProcessInfo, now: f64) -> Value {
    let running = info.state == crate::protocol::ProcessState::Running;
    let uptime = info.start_time.filter(|_| running).map(|start| (now - start).max(0.0).floor());
    let exit_status = info.exit_status.map(|status| match status {
        ExitStatus::Code(code) => json!({ "code": code }),
        ExitStatus::Signal(signal) => json!({ "signal": signal }),
    });
    json!({
        "name": info.display_name(),
        "group": info.group,
        "state": info.state.as_str(),
        "pid": info.pid,
        "start_time": info.start_time,
        "stop_time": info.stop_time,
        "uptime": uptime,
        "description": crate::client::render::describe(info, now),
        "exit_status": exit_status,
        "spawn_error": info.spawn_error,
        "health": info.health,
        "status_text": info.status_text,
    })
}

fn result_json(result: &ProcessResult) -> Value {
    json!({ "name": result.name, "message": result.message, "error": result.error.map(Code::of) })
}

/// The request layer's answer to an action, update or reread, as the API's status and body.
pub fn response_json(response: &Response) -> (Status, Value) {
    match response {
        Response::Results { results } => {
            let ok = results.iter().all(|r| r.error.is_none());
            (Status::OK, json!({ "ok": ok, "results": results.iter().map(result_json).collect::<Vec<_>>() }))
        }
        Response::Done { message } => (Status::OK, json!({ "ok": true, "message": message, "results": [] })),
        Response::Error { kind, message } => {
            let error = ApiError::new(Code::of(*kind), message.clone());
            (error.code.status(), json!({ "error": { "code": error.code, "message": error.message } }))
        }
        other => (
            Status::INTERNAL_SERVER_ERROR,
            json!({ "error": { "code": Code::Failed, "message": format!("unexpected answer {other:?}") } }),
        ),
    }
}

/// `reread`'s answer as a list of changes.
pub fn reread_json(response: &Response) -> (Status, Value) {
    match response {
        Response::Results { results } => {
            let changes: Vec<Value> = results.iter().map(|r| json!({ "name": r.name, "change": r.message })).collect();
            (Status::OK, json!({ "ok": true, "changes": changes }))
        }
        Response::Done { message } => (Status::OK, json!({ "ok": true, "message": message, "changes": [] })),
        other => response_json(other),
    }
}

/// A server-sent event: its type, and one line of JSON.
pub fn sse_event(kind: &str, data: &Value) -> Vec<u8> {
    format!("event: {kind}\ndata: {data}\n\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ProcessState;

    #[test]
    fn endpoints_are_routed_with_their_arguments() {
        let ok = |method: &str, target: &str| {
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            route(method, path, query).unwrap()
        };
        assert_eq!(ok("GET", "/api/v1/processes"), Endpoint::Processes);
        assert_eq!(ok("GET", "/api/v1/processes/grp%3Aweb"), Endpoint::Process { name: "grp:web".into() });
        assert_eq!(
            ok("POST", "/api/v1/processes/grp%3A*/stop?wait=true"),
            Endpoint::Act { name: "grp:*".into(), act: Act::Stop { wait: true } }
        );
        assert_eq!(
            ok("POST", "/api/v1/processes/all/signal?signal=HUP"),
            Endpoint::Act { name: "all".into(), act: Act::Signal { signal: Some("HUP".into()) } }
        );
        assert_eq!(
            ok("GET", "/api/v1/processes/web/log/stderr?offset=10&length=5"),
            Endpoint::Log {
                name: "web".into(),
                channel: Channel::Stderr,
                query: LogQuery { offset: Some(10), length: 5 }
            }
        );
        assert_eq!(
            ok("GET", "/api/v1/processes/web/log/stdout?length=999999999"),
            Endpoint::Log {
                name: "web".into(),
                channel: Channel::Stdout,
                query: LogQuery { offset: None, length: MAX_LOG_READ }
            }
        );
        assert_eq!(
            ok("GET", "/api/v1/processes/web/log/stdout/stream"),
            Endpoint::LogStream { name: "web".into(), channel: Channel::Stdout }
        );
        assert_eq!(
            ok("POST", "/api/v1/update?name=a&name=b"),
            Endpoint::Update { names: vec!["a".into(), "b".into()] }
        );
        assert_eq!(ok("GET", "/api/v1/events"), Endpoint::Events);
        assert_eq!(
            ok("GET", "/api/v1/daemon/log"),
            Endpoint::DaemonLog { query: LogQuery { offset: None, length: DEFAULT_LOG_READ } }
        );
    }

    /// docs/openapi.yaml names every endpoint the router serves, with its method, and no other.
    #[test]
    fn the_openapi_file_matches_the_router() {
        let spec = include_str!("../../../docs/openapi.yaml");
        let paths: Vec<&str> =
            spec.lines().filter_map(|l| l.strip_prefix("  /").and_then(|p| p.strip_suffix(':'))).collect();
        assert_eq!(paths.len(), 15, "{paths:?}");
        for path in paths {
            let concrete = path.replace("{name}", "web").replace("{channel}", "stdout");
            let block = spec.split(&format!("\n  /{path}:\n")).nth(1).unwrap();
            let block = format!("\n{}", block.split("\n  /").next().unwrap());
            let method = if block.contains("\n    post:") { "POST" } else { "GET" };
            let routed = route(method, &format!("/api/v1/{concrete}"), "");
            assert!(routed.is_ok(), "{method} /{path}: {routed:?}");
            let other = if method == "GET" { "POST" } else { "GET" };
            assert_eq!(route(other, &format!("/api/v1/{concrete}"), "").unwrap_err().code, Code::MethodNotAllowed);
        }
        for code in [
            "bad_request",
            "unauthorized",
            "cross_origin",
            "not_found",
            "no_such_process",
            "method_not_allowed",
            "failed",
        ] {
            assert!(spec.contains(code), "{code}");
        }
    }

    #[test]
    fn wrong_methods_and_paths_have_stable_codes() {
        let code = |method: &str, path: &str| route(method, path, "").unwrap_err().code;
        assert_eq!(code("GET", "/api/v1/processes/web/stop"), Code::MethodNotAllowed);
        assert_eq!(code("POST", "/api/v1/processes"), Code::MethodNotAllowed);
        assert_eq!(code("GET", "/api/v1/nothing"), Code::NotFound);
        assert_eq!(code("GET", "/api/v2/processes"), Code::NotFound);
        assert_eq!(code("POST", "/api/v1/processes/web/explode"), Code::NotFound);
        assert_eq!(code("GET", "/api/v1/processes/web/log/stdin"), Code::NotFound);
        assert_eq!(route("GET", "/api/v1/daemon/log", "offset=x").unwrap_err().code, Code::BadRequest);
        assert_eq!(route("POST", "/api/v1/processes/a/stop", "wait=maybe").unwrap_err().code, Code::BadRequest);
        let body = String::from_utf8(ApiError::new(Code::CrossOrigin, "no").body()).unwrap();
        assert_eq!(body, "{\"error\":{\"code\":\"cross_origin\",\"message\":\"no\"}}\n");
        assert_eq!(Code::CrossOrigin.status(), Status::FORBIDDEN);
    }

    #[test]
    fn bodies_fill_in_arguments() {
        let signal = Endpoint::Act { name: "a".into(), act: Act::Signal { signal: None } };
        assert_eq!(
            apply_body(signal.clone(), br#"{"signal":"USR1"}"#).unwrap(),
            Endpoint::Act { name: "a".into(), act: Act::Signal { signal: Some("USR1".into()) } }
        );
        assert_eq!(apply_body(signal.clone(), b"  ").unwrap(), signal);
        assert_eq!(apply_body(signal.clone(), b"[1]").unwrap_err().code, Code::BadRequest);
        assert_eq!(apply_body(signal, b"{").unwrap_err().code, Code::BadRequest);
        let update = Endpoint::Update { names: vec![] };
        assert_eq!(apply_body(update, br#"{"names":["x"]}"#).unwrap(), Endpoint::Update { names: vec!["x".into()] });
        let stop = Endpoint::Act { name: "a".into(), act: Act::Stop { wait: false } };
        assert_eq!(
            apply_body(stop, br#"{"wait":true}"#).unwrap(),
            Endpoint::Act { name: "a".into(), act: Act::Stop { wait: true } }
        );
    }

    /// The request layer's kinds keep their protocol names in the API.
    #[test]
    fn request_layer_kinds_keep_their_names() {
        use ErrorKind::*;
        let kinds = [
            NoSuchProcess,
            NoSuchGroup,
            BadRequest,
            Failed,
            AlreadyStarted,
            NotRunning,
            NoFile,
            NotExecutable,
            SpawnError,
            AbnormalTermination,
            BadSignal,
            AlreadyAdded,
        ];
        for kind in kinds {
            assert_eq!(serde_json::to_value(Code::of(kind)).unwrap(), serde_json::to_value(kind).unwrap());
        }
    }

    #[test]
    fn answers_map_to_statuses() {
        let (status, body) = response_json(&Response::Error { kind: ErrorKind::NoSuchProcess, message: "x".into() });
        assert_eq!(status, Status::NOT_FOUND);
        assert_eq!(body["error"]["code"], "no_such_process");
        let results = Response::Results {
            results: vec![
                ProcessResult { name: "a".into(), message: "stopped".into(), error: None },
                ProcessResult { name: "b".into(), message: "not running".into(), error: Some(ErrorKind::Failed) },
            ],
        };
        let (status, body) = response_json(&results);
        assert_eq!(status, Status::OK);
        assert_eq!(body["ok"], false);
        assert_eq!(body["results"][1]["error"], "failed");
        assert_eq!(body["results"][0]["error"], Value::Null);
    }

    #[test]
    fn a_process_shows_its_uptime_only_while_running() {
        let mut info = ProcessInfo {
            name: "web_0".into(),
            group: "grp".into(),
            state: ProcessState::Running,
            pid: Some(42),
            start_time: Some(100.0),
            stop_time: None,
            exit_status: None,
            spawn_error: None,
            health: Some(crate::protocol::Health::Unhealthy),
            status_text: None,
        };
        let v = process_json(&info, 165.5);
        assert_eq!(v["health"], "unhealthy");
        assert_eq!(v["name"], "grp:web_0");
        assert_eq!(v["uptime"], 65.0);
        assert_eq!(v["description"], "(unhealthy) pid 42, uptime 0:01:05");
        info.state = ProcessState::Exited;
        info.pid = None;
        info.exit_status = Some(ExitStatus::Code(3));
        let v = process_json(&info, 165.5);
        assert_eq!(v["uptime"], Value::Null);
        assert_eq!(v["exit_status"]["code"], 3);
        assert_eq!(
            String::from_utf8(sse_event("process", &json!({"a": 1}))).unwrap(),
            "event: process\ndata: {\"a\":1}\n\n"
        );
    }
}
