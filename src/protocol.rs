//! The messages daemon and client exchange over the unix socket, shared by both sides.
//!
//! Framing: one JSON object per line, at most [`MAX_LINE`] bytes. The client sends a
//! [`RequestEnvelope`] (a [`Request`] stamped with [`PROTOCOL_VERSION`]); the daemon answers with
//! one [`Response`] line, or several for streaming requests. A request the daemon cannot read is
//! answered with [`Response::Error`] and the connection stays usable, except for an over-long
//! line, after which the daemon closes it (the rest of the line cannot be trusted).
//!
//! These are wire types only: no clap, no I/O. The command line has value enums of its own
//! (`cli::ChannelArg`, `cli::StateArg`) and maps them onto these, so the protocol does not
//! change when a flag's spelling does.

use serde::{Deserialize, Serialize};

pub const PROTOCOL_VERSION: u32 = 1;

/// The longest line either side accepts, newline included.
pub const MAX_LINE: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestEnvelope {
    pub version: u32,
    #[serde(flatten)]
    pub request: Request,
}

impl RequestEnvelope {
    pub fn new(request: Request) -> Self {
        RequestEnvelope { version: PROTOCOL_VERSION, request }
    }
}

/// What a client asks. `names` take the forms NAME, GROUP:NAME, GROUP:*, all, or a glob.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    Status {
        names: Vec<String>,
    },
    Start {
        names: Vec<String>,
        wait: bool,
        /// Start only these, not what they depend on first (and without waiting for it).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        no_deps: bool,
    },
    Stop {
        names: Vec<String>,
        wait: bool,
    },
    Restart {
        names: Vec<String>,
        wait: bool,
    },
    Signal {
        signal: String,
        names: Vec<String>,
    },
    Pid {
        names: Vec<String>,
    },
    Avail,
    Version,
    Shutdown,
    Wait {
        names: Vec<String>,
        state: ProcessState,
        timeout_ms: Option<u64>,
    },
    /// Read the config file again and report what would change, changing nothing.
    Reread,
    /// Apply the config file's changes to the named groups (all with no name).
    Update {
        names: Vec<String>,
    },
    /// Activate groups present in the config file but not active.
    Add {
        names: Vec<String>,
    },
    /// Drop stopped groups from the active configuration.
    Remove {
        names: Vec<String>,
    },
    /// Stop everything, load the config file again, start again.
    Reload,
    /// The last `bytes` of a process's log; with `follow`, then its output as it comes.
    Tail {
        name: String,
        channel: Channel,
        bytes: u64,
        follow: bool,
    },
    /// The same for the daemon's own log.
    Maintail {
        bytes: u64,
        follow: bool,
    },
    /// Empty the processes' log files.
    Clear {
        names: Vec<String>,
    },
    /// Close and reopen every log file.
    Reopen,
    /// Attach: the process's output to the client, the client's input to the process's stdin.
    Fg {
        name: String,
    },
    /// Send text to a running process's stdin (supervisord's `sendProcessStdin`).
    SendStdin {
        name: String,
        data: String,
    },
    /// Empty the daemon's own log file (supervisord's `clearLog`).
    ClearMainLog,
    /// Follow events: after a [`Response::Stream`], one line per event (text, or JSON with
    /// `json`) about the named processes or groups (all with none), of the given types
    /// (supervisord's names; all with none).
    Events {
        names: Vec<String>,
        types: Vec<String>,
        json: bool,
    },
    /// Send a REMOTE_COMMUNICATION event (supervisord's `sendRemoteCommEvent`).
    SendRemoteCommEvent {
        #[serde(rename = "event_type")]
        kind: String,
        data: String,
    },
}

/// supervisord's process states (also the values of `wait --state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProcessState {
    Stopped,
    Starting,
    Running,
    Backoff,
    Stopping,
    Exited,
    Fatal,
    Unknown,
}

impl ProcessState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessState::Stopped => "STOPPED",
            ProcessState::Starting => "STARTING",
            ProcessState::Running => "RUNNING",
            ProcessState::Backoff => "BACKOFF",
            ProcessState::Stopping => "STOPPING",
            ProcessState::Exited => "EXITED",
            ProcessState::Fatal => "FATAL",
            ProcessState::Unknown => "UNKNOWN",
        }
    }

    /// Whether a process in this state has a live pid or is about to (supervisord's
    /// RUNNING_STATES plus STOPPING).
    pub fn is_running(self) -> bool {
        matches!(self, ProcessState::Starting | ProcessState::Running | ProcessState::Backoff | ProcessState::Stopping)
    }
}

impl std::fmt::Display for ProcessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which output channel of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Stdout,
    Stderr,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Stdout => "stdout",
            Channel::Stderr => "stderr",
        }
    }
}

/// How a process last ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitStatus {
    Code(i32),
    Signal(i32),
}

/// One process as `status` shows it. Times are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessInfo {
    pub name: String,
    pub group: String,
    pub state: ProcessState,
    pub pid: Option<u32>,
    /// When the current or last run started.
    pub start_time: Option<f64>,
    /// When the last run ended.
    pub stop_time: Option<f64>,
    pub exit_status: Option<ExitStatus>,
    /// Why the last spawn failed, if it did.
    pub spawn_error: Option<String>,
    /// The health check's verdict on the current run, when the program has a check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
    /// The program's own words (sd_notify `STATUS=`), or why its start waits on a dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_text: Option<String>,
}

/// A health check's verdict on a process (docker's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// No verdict yet since the spawn.
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Starting => "health: starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

impl ProcessInfo {
    /// `group:name`, or `name` when the group is the program's own.
    pub fn display_name(&self) -> String {
        crate::config::qualified_name(&self.group, &self.name)
    }
}

/// The outcome of an action on one process (or on one name that matched nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub name: String,
    /// `started`, `stopped`, ... on success; the error's text (`spawn error`) otherwise.
    pub message: String,
    pub error: Option<ErrorKind>,
}

/// Why an action failed, with supervisord's fault classes where they differ in what a client
/// does with them (supervisorctl's exit code depends on the class and on the action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A name matched no process (supervisord's BAD_NAME).
    NoSuchProcess,
    /// `GROUP:*` named no group (BAD_NAME on a group; the result's name is the group's).
    NoSuchGroup,
    /// The request could not be read or has bad arguments.
    BadRequest,
    /// Anything else that failed (FAILED).
    Failed,
    /// `start` of a process that runs (ALREADY_STARTED).
    AlreadyStarted,
    /// `stop` or `signal` of a process that does not run (NOT_RUNNING).
    NotRunning,
    /// The command does not exist (NO_FILE).
    NoFile,
    /// The command is not executable (NOT_EXECUTABLE).
    NotExecutable,
    /// The process could not be spawned or exited before startsecs (SPAWN_ERROR).
    SpawnError,
    /// The process left STARTING other than by a spawn failure (ABNORMAL_TERMINATION).
    AbnormalTermination,
    /// An unknown signal name (BAD_SIGNAL).
    BadSignal,
    /// `add` of a group that is active (ALREADY_ADDED).
    AlreadyAdded,
}

/// One line of `avail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailInfo {
    pub name: String,
    pub group: String,
    pub in_use: bool,
    pub autostart: bool,
    pub priority: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// `unknown`: requested names that matched no process.
    Status {
        now: f64,
        processes: Vec<ProcessInfo>,
        unknown: Vec<String>,
    },
    /// One result per process acted on (start, stop, restart, signal, wait).
    Results {
        results: Vec<ProcessResult>,
    },
    Pids {
        pids: Vec<(String, Option<u32>)>,
        unknown: Vec<String>,
    },
    DaemonPid {
        pid: u32,
    },
    Avail {
        programs: Vec<AvailInfo>,
    },
    Version {
        version: String,
    },
    /// A plain acknowledgement with a message to print.
    Done {
        message: String,
    },
    Error {
        kind: ErrorKind,
        message: String,
    },
    /// After this line the connection carries raw bytes (tail, maintail, fg) until either side
    /// closes it.
    Stream,
    /// After this line the connection carries frames (`tail -f`), so that how the stream ends
    /// is told apart from the output: `D<len>\n` then `len` bytes of output, any number of
    /// times, then one `E<json>\n` with a [`StreamEnd`].
    Frames,
}

/// The last frame of a [`Response::Frames`] stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamEnd {
    /// Output was lost (the client exits non-zero); else the stream simply ended.
    pub error: bool,
    pub message: String,
}

/// The header of a data frame of `len` bytes.
pub fn data_frame_header(len: usize) -> Vec<u8> {
    format!("D{len}\n").into_bytes()
}

/// The end frame.
pub fn end_frame(end: &StreamEnd) -> Vec<u8> {
    let mut frame = b"E".to_vec();
    frame.extend(encode_line(end));
    frame
}

/// Encodes one message as a line.
pub fn encode_line<T: Serialize>(message: &T) -> Vec<u8> {
    let mut line = serde_json::to_vec(message).expect("protocol messages always serialize");
    line.push(b'\n');
    line
}

/// Splits the first complete line off `buffer`. `Err` when no newline came within
/// [`MAX_LINE`] bytes.
pub fn take_line(buffer: &mut Vec<u8>) -> Result<Option<Vec<u8>>, LineTooLong> {
    match buffer.iter().position(|&b| b == b'\n') {
        Some(pos) if pos < MAX_LINE => {
            let mut line: Vec<u8> = buffer.drain(..=pos).collect();
            line.pop();
            Ok(Some(line))
        }
        Some(_) => Err(LineTooLong),
        None if buffer.len() >= MAX_LINE => Err(LineTooLong),
        None => Ok(None),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong;

/// Decodes a request line, answering what is wrong with it.
pub fn decode_request(line: &[u8]) -> Result<Request, String> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("the request is not valid JSON: {e}"))?;
    let version = value.get("version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(PROTOCOL_VERSION)) {
        return Err(format!(
            "protocol version mismatch: the daemon speaks version {PROTOCOL_VERSION}, the request carries {}",
            version.map_or("none".to_string(), |v| v.to_string())
        ));
    }
    serde_json::from_value::<RequestEnvelope>(value)
        .map(|e| e.request)
        .map_err(|e| format!("unknown or malformed request: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let requests = [
            Request::Status { names: vec!["web".into()] },
            Request::Start { names: vec!["all".into()], wait: true, no_deps: false },
            Request::Signal { signal: "HUP".into(), names: vec!["g:*".into()] },
            Request::Wait { names: vec!["x".into()], state: ProcessState::Running, timeout_ms: Some(5) },
            Request::Shutdown,
        ];
        for request in requests {
            let line = encode_line(&RequestEnvelope::new(request.clone()));
            assert_eq!(line.last(), Some(&b'\n'));
            assert_eq!(decode_request(&line[..line.len() - 1]).unwrap(), request);
        }
    }

    #[test]
    fn responses_round_trip() {
        let response = Response::Results {
            results: vec![ProcessResult {
                name: "w".into(),
                message: "spawn error".into(),
                error: Some(ErrorKind::Failed),
            }],
        };
        let line = encode_line(&response);
        let back: Response = serde_json::from_slice(&line).unwrap();
        assert_eq!(back, response);
    }

    #[test]
    fn bad_requests_are_explained() {
        assert!(decode_request(b"\x00\xffgarbage").unwrap_err().contains("not valid JSON"));
        assert!(decode_request(br#"{"type":"status","names":[]}"#).unwrap_err().contains("version mismatch"));
        assert!(decode_request(br#"{"version":1,"type":"frobnicate"}"#).unwrap_err().contains("unknown"));
    }

    #[test]
    fn lines_are_framed_and_bounded() {
        let mut buffer = b"one\ntwo".to_vec();
        assert_eq!(take_line(&mut buffer), Ok(Some(b"one".to_vec())));
        assert_eq!(take_line(&mut buffer), Ok(None));
        let mut huge = vec![b'x'; MAX_LINE];
        assert_eq!(take_line(&mut huge), Err(LineTooLong));
    }
}
