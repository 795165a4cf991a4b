//! supervisord's API surface: the method table of the `supervisor` and `system` namespaces
//! (names, signatures, help), and the decoding of a [`MethodCall`] into a typed [`ApiCall`]
//! with supervisord's fault behaviour for unknown methods and bad arguments.
//!
//! The wiring is `daemon::http_front::rpc`: it matches on [`ApiCall`] and carries each one out
//! through the request layer, the same code a JSON-lines request reaches. Before anything else
//! it answers SHUTDOWN_STATE when the daemon is shutting down or restarting and
//! [`ApiCall::checks_shutdown`] holds (supervisord's `_update`). The calls that need no daemon
//! state are answered here by [`answer_static`].
//!
//! Fault behaviour, checked against supervisord 4.3 by `tests/reference/xmlrpc_probe.py`:
//! - a name that is not `namespace.method` with a known namespace and a published method, or
//!   one starting with `_`: UNKNOWN_METHOD;
//! - too few or too many parameters: INCORRECT_PARAMETERS, no detail;
//! - `sendProcessStdin` chars that are not a string: `INCORRECT_PARAMETERS: <value>`.
//!
//! Where supervisord crashes on a wrongly typed argument (a number as a process name is an
//! HTTP 500 there), we answer INCORRECT_PARAMETERS. Integers (`offset`, `length`) accept what
//! Python's `int()` accepts of XML-RPC values (ints, booleans, doubles truncated, numeric
//! strings); `wait` takes Python's truthiness; a signal may be a name or a number.

use super::codec::MethodCall;
use super::faults::{Fault, FaultCode};
use super::value::{Value, python_float_repr};
use crate::daemon::http::Channel;

/// supervisord's API version, what `getAPIVersion` (and its old alias `getVersion`) return.
pub const API_VERSION: &str = "3.0";

/// One published method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodSpec {
    pub name: &'static str,
    /// `[return type, parameter types...]`, as `system.methodSignature` returns it.
    pub signature: &'static [&'static str],
    /// How many leading parameters are required (the rest have defaults: `wait=True`).
    pub required: usize,
    /// What `system.methodHelp` returns: a description, then `@param`/`@return` lines in the
    /// form supervisord's docstrings use (clients parse those tags for signatures).
    pub help: &'static str,
}

impl MethodSpec {
    pub fn max_params(&self) -> usize {
        self.signature.len() - 1
    }
}

macro_rules! method {
    ($name:literal, [$($t:literal),+], $required:literal, $help:literal) => {
        MethodSpec { name: $name, signature: &[$($t),+], required: $required, help: $help }
    };
}

/// Every published method, sorted by name as `system.listMethods` returns them. Old aliases
/// (`getVersion`, `readMainLog`, `readProcessLog`, `tailProcessLog`, `clearProcessLog`) are
/// published too, as supervisord does.
pub const METHODS: &[MethodSpec] = &[
    method!(
        "supervisor.addProcessGroup",
        ["boolean", "string"],
        1,
        "Activate a process group that the configuration file defines but that is not active.\n\n@param string name the group to add\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.clearAllProcessLogs",
        ["array"],
        0,
        "Empty the stdout and stderr logs of every process.\n\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.clearLog",
        ["boolean"],
        0,
        "Empty the daemon's own log.\n\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.clearProcessLog",
        ["boolean", "string"],
        1,
        "Old name of clearProcessLogs.\n\n@param string name the process (or group:name)\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.clearProcessLogs",
        ["boolean", "string"],
        1,
        "Empty and reopen the stdout and stderr logs of one process.\n\n@param string name the process (or group:name)\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.getAPIVersion",
        ["string"],
        0,
        "The version of this API.\n\n@return string version the API version"
    ),
    method!(
        "supervisor.getAllConfigInfo",
        ["array"],
        0,
        "The configuration of every process the configuration file defines, active or not.\n\n@return array result one struct per process"
    ),
    method!(
        "supervisor.getAllProcessInfo",
        ["array"],
        0,
        "The state of every process.\n\n@return array result one process info struct per process"
    ),
    method!(
        "supervisor.getIdentification",
        ["string"],
        0,
        "The identifier of this daemon, from its configuration.\n\n@return string identifier the identifier"
    ),
    method!("supervisor.getPID", ["int"], 0, "The process id of the daemon.\n\n@return int PID the daemon's pid"),
    method!(
        "supervisor.getProcessInfo",
        ["struct", "string"],
        1,
        "The state of one process.\n\n@param string name the process (or group:name)\n@return struct result the process info struct"
    ),
    method!(
        "supervisor.getState",
        ["struct"],
        0,
        "The daemon's state.\n\n@return struct result statecode (int) and statename (string)"
    ),
    method!(
        "supervisor.getSupervisorVersion",
        ["string"],
        0,
        "The version of the daemon.\n\n@return string version the daemon's version"
    ),
    method!(
        "supervisor.getVersion",
        ["string"],
        0,
        "Old name of getAPIVersion.\n\n@return string version the API version"
    ),
    method!(
        "supervisor.readLog",
        ["string", "int", "int"],
        2,
        "Read the daemon's own log: length bytes from offset; length 0 reads to the end; a negative offset with length 0 reads that many bytes from the end.\n\n@param int offset where to start\n@param int length how many bytes\n@return string result the bytes read"
    ),
    method!(
        "supervisor.readMainLog",
        ["string", "int", "int"],
        2,
        "Old name of readLog.\n\n@param int offset where to start\n@param int length how many bytes\n@return string result the bytes read"
    ),
    method!(
        "supervisor.readProcessLog",
        ["string", "string", "int", "int"],
        3,
        "Old name of readProcessStdoutLog.\n\n@param string name the process (or group:name)\n@param int offset where to start\n@param int length how many bytes\n@return string result the bytes read"
    ),
    method!(
        "supervisor.readProcessStderrLog",
        ["string", "string", "int", "int"],
        3,
        "Read a process's stderr log, with the offset and length rules of readLog.\n\n@param string name the process (or group:name)\n@param int offset where to start\n@param int length how many bytes\n@return string result the bytes read"
    ),
    method!(
        "supervisor.readProcessStdoutLog",
        ["string", "string", "int", "int"],
        3,
        "Read a process's stdout log, with the offset and length rules of readLog.\n\n@param string name the process (or group:name)\n@param int offset where to start\n@param int length how many bytes\n@return string result the bytes read"
    ),
    method!(
        "supervisor.reloadConfig",
        ["array"],
        0,
        "Read the configuration file again and report which groups it adds, changes and removes, changing nothing.\n\n@return array result [[added, changed, removed]]"
    ),
    method!(
        "supervisor.removeProcessGroup",
        ["boolean", "string"],
        1,
        "Deactivate a process group whose processes are all stopped.\n\n@param string name the group to remove\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.restart",
        ["boolean"],
        0,
        "Stop every process, read the configuration again and start again.\n\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.sendProcessStdin",
        ["boolean", "string", "string"],
        2,
        "Write characters to a running process's standard input (UTF-8).\n\n@param string name the process (or group:name)\n@param string chars the characters to write\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.sendRemoteCommEvent",
        ["boolean", "string", "string"],
        2,
        "Emit a REMOTE_COMMUNICATION event to the event listeners that subscribe to it.\n\n@param string type the event's type header\n@param string data the event's body\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.shutdown",
        ["boolean"],
        0,
        "Stop every process and exit.\n\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.signalAllProcesses",
        ["array", "string"],
        1,
        "Send a signal to every running process.\n\n@param string signal a name (HUP, SIGHUP) or a number\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.signalProcess",
        ["boolean", "string", "string"],
        2,
        "Send a signal to one process (or to a group with group:*).\n\n@param string name the process (or group:name)\n@param string signal a name (HUP, SIGHUP) or a number\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.signalProcessGroup",
        ["array", "string", "string"],
        2,
        "Send a signal to every running process of a group.\n\n@param string name the group\n@param string signal a name (HUP, SIGHUP) or a number\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.startAllProcesses",
        ["array", "boolean"],
        0,
        "Start every process that is not running.\n\n@param boolean wait answer once each has settled (default true)\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.startProcess",
        ["boolean", "string", "boolean"],
        1,
        "Start one process (or a group with group:*).\n\n@param string name the process (or group:name)\n@param boolean wait answer once it is RUNNING or has failed (default true)\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.startProcessGroup",
        ["array", "string", "boolean"],
        1,
        "Start every process of a group that is not running.\n\n@param string name the group\n@param boolean wait answer once each has settled (default true)\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.stopAllProcesses",
        ["array", "boolean"],
        0,
        "Stop every running process.\n\n@param boolean wait answer once each has stopped (default true)\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.stopProcess",
        ["boolean", "string", "boolean"],
        1,
        "Stop one process (or a group with group:*).\n\n@param string name the process (or group:name)\n@param boolean wait answer once it has stopped (default true)\n@return boolean result true, or a fault"
    ),
    method!(
        "supervisor.stopProcessGroup",
        ["array", "string", "boolean"],
        1,
        "Stop every running process of a group.\n\n@param string name the group\n@param boolean wait answer once each has stopped (default true)\n@return array result one status struct per process"
    ),
    method!(
        "supervisor.tailProcessLog",
        ["array", "string", "int", "int"],
        3,
        "Old name of tailProcessStdoutLog.\n\n@param string name the process (or group:name)\n@param int offset where the last read ended\n@param int length the most bytes to return\n@return array result [string bytes, int offset, bool overflow]"
    ),
    method!(
        "supervisor.tailProcessStderrLog",
        ["array", "string", "int", "int"],
        3,
        "Follow a process's stderr log as tailProcessStdoutLog does.\n\n@param string name the process (or group:name)\n@param int offset where the last read ended\n@param int length the most bytes to return\n@return array result [string bytes, int offset, bool overflow]"
    ),
    method!(
        "supervisor.tailProcessStdoutLog",
        ["array", "string", "int", "int"],
        3,
        "Follow a process's stdout log: up to length bytes from offset; when the log has grown past offset + length, the last length bytes and overflow set. The returned offset is the log's size, where the next call starts.\n\n@param string name the process (or group:name)\n@param int offset where the last read ended\n@param int length the most bytes to return\n@return array result [string bytes, int offset, bool overflow]"
    ),
    method!(
        "system.listMethods",
        ["array"],
        0,
        "The names of every method of this API.\n\n@return array result the method names (strings)"
    ),
    method!(
        "system.methodHelp",
        ["string", "string"],
        1,
        "The documentation of a method.\n\n@param string name the method's name\n@return string result its documentation"
    ),
    method!(
        "system.methodSignature",
        ["array", "string"],
        1,
        "The types of a method: [return type, parameter types...].\n\n@param string name the method's name\n@return array result the types"
    ),
    method!(
        "system.multicall",
        ["array", "array"],
        1,
        "Make several calls in one request. Each call is a struct {methodName: string, params: array}; each result is the call's value, or a fault struct {faultCode: int, faultString: string}.\n\n@param array calls the calls\n@return array result one result per call"
    ),
];

/// The method of that name, if published.
pub fn method_spec(name: &str) -> Option<&'static MethodSpec> {
    METHODS.binary_search_by(|m| m.name.cmp(name)).ok().map(|i| &METHODS[i])
}

/// A decoded, well-typed call: what the request layer has to do. Process names are as sent
/// (`name`, `group:name`, `group:*`); split them with [`super::info::split_namespec`].
#[derive(Debug, Clone, PartialEq)]
pub enum ApiCall {
    // Status and control of the daemon.
    GetApiVersion,
    GetSupervisorVersion,
    GetIdentification,
    GetState,
    GetPid,
    ReadLog {
        offset: i64,
        length: i64,
    },
    ClearLog,
    Shutdown,
    Restart,
    // Configuration.
    ReloadConfig,
    AddProcessGroup {
        name: String,
    },
    RemoveProcessGroup {
        name: String,
    },
    // Processes.
    GetProcessInfo {
        name: String,
    },
    GetAllProcessInfo,
    GetAllConfigInfo,
    StartProcess {
        name: String,
        wait: bool,
    },
    StartProcessGroup {
        name: String,
        wait: bool,
    },
    StartAllProcesses {
        wait: bool,
    },
    StopProcess {
        name: String,
        wait: bool,
    },
    StopProcessGroup {
        name: String,
        wait: bool,
    },
    StopAllProcesses {
        wait: bool,
    },
    /// `signal` as sent (a name like `HUP`/`SIGHUP` or a number as text): supervisord answers
    /// BAD_SIGNAL for what `datatypes.signal_number` refuses.
    SignalProcess {
        name: String,
        signal: String,
    },
    SignalProcessGroup {
        name: String,
        signal: String,
    },
    SignalAllProcesses {
        signal: String,
    },
    SendProcessStdin {
        name: String,
        chars: String,
    },
    SendRemoteCommEvent {
        kind: String,
        data: String,
    },
    // Logs.
    ReadProcessLog {
        name: String,
        channel: Channel,
        offset: i64,
        length: i64,
    },
    TailProcessLog {
        name: String,
        channel: Channel,
        offset: i64,
        length: i64,
    },
    ClearProcessLogs {
        name: String,
    },
    ClearAllProcessLogs,
    // Introspection.
    ListMethods,
    MethodHelp {
        name: String,
    },
    MethodSignature {
        name: String,
    },
    /// Each inner call decoded, or the fault that takes its place in the result array.
    /// Results are plain values (not wrapped in one-item arrays, whatever the help says:
    /// supervisord returns them bare).
    Multicall {
        calls: Vec<Result<ApiCall, Fault>>,
    },
}

impl ApiCall {
    /// Whether supervisord checks its state first (its `_update`) and answers SHUTDOWN_STATE
    /// while shutting down or restarting: every `supervisor.*` method but
    /// `sendRemoteCommEvent`. (`signalAllProcesses` checks after signalling, a supervisord
    /// quirk not worth copying.)
    pub fn checks_shutdown(&self) -> bool {
        !matches!(
            self,
            ApiCall::SendRemoteCommEvent { .. }
                | ApiCall::ListMethods
                | ApiCall::MethodHelp { .. }
                | ApiCall::MethodSignature { .. }
                | ApiCall::Multicall { .. }
        )
    }
}

/// Decodes a call: the method must be published, the parameter count right, each parameter
/// of a usable type.
pub fn decode(call: &MethodCall) -> Result<ApiCall, Fault> {
    decode_parts(&call.method, &call.params, false)
}

fn decode_parts(method: &str, params: &[Value], inside_multicall: bool) -> Result<ApiCall, Fault> {
    let Some(spec) = method_spec(method) else {
        return Err(Fault::new(FaultCode::UnknownMethod));
    };
    if params.len() < spec.required || params.len() > spec.max_params() {
        return Err(Fault::new(FaultCode::IncorrectParameters));
    }
    let p = Params(params);
    let wait = |i: usize| params.get(i).is_none_or(Value::truthy);
    use Channel::{Stderr, Stdout};
    Ok(match spec.name {
        "supervisor.addProcessGroup" => ApiCall::AddProcessGroup { name: p.string(0)? },
        "supervisor.clearAllProcessLogs" => ApiCall::ClearAllProcessLogs,
        "supervisor.clearLog" => ApiCall::ClearLog,
        "supervisor.clearProcessLog" | "supervisor.clearProcessLogs" => {
            ApiCall::ClearProcessLogs { name: p.string(0)? }
        }
        "supervisor.getAPIVersion" | "supervisor.getVersion" => ApiCall::GetApiVersion,
        "supervisor.getAllConfigInfo" => ApiCall::GetAllConfigInfo,
        "supervisor.getAllProcessInfo" => ApiCall::GetAllProcessInfo,
        "supervisor.getIdentification" => ApiCall::GetIdentification,
        "supervisor.getPID" => ApiCall::GetPid,
        "supervisor.getProcessInfo" => ApiCall::GetProcessInfo { name: p.string(0)? },
        "supervisor.getState" => ApiCall::GetState,
        "supervisor.getSupervisorVersion" => ApiCall::GetSupervisorVersion,
        "supervisor.readLog" | "supervisor.readMainLog" => ApiCall::ReadLog { offset: p.int(0)?, length: p.int(1)? },
        "supervisor.readProcessLog" | "supervisor.readProcessStdoutLog" => {
            ApiCall::ReadProcessLog { name: p.string(0)?, channel: Stdout, offset: p.int(1)?, length: p.int(2)? }
        }
        "supervisor.readProcessStderrLog" => {
            ApiCall::ReadProcessLog { name: p.string(0)?, channel: Stderr, offset: p.int(1)?, length: p.int(2)? }
        }
        "supervisor.reloadConfig" => ApiCall::ReloadConfig,
        "supervisor.removeProcessGroup" => ApiCall::RemoveProcessGroup { name: p.string(0)? },
        "supervisor.restart" => ApiCall::Restart,
        "supervisor.sendProcessStdin" => {
            let chars = match &params[1] {
                Value::String(s) => s.clone(),
                other => return Err(Fault::with(FaultCode::IncorrectParameters, python_str(other))),
            };
            ApiCall::SendProcessStdin { name: p.string(0)?, chars }
        }
        "supervisor.sendRemoteCommEvent" => {
            ApiCall::SendRemoteCommEvent { kind: python_str(&params[0]), data: python_str(&params[1]) }
        }
        "supervisor.shutdown" => ApiCall::Shutdown,
        "supervisor.signalAllProcesses" => ApiCall::SignalAllProcesses { signal: p.signal(0)? },
        "supervisor.signalProcess" => ApiCall::SignalProcess { name: p.string(0)?, signal: p.signal(1)? },
        "supervisor.signalProcessGroup" => ApiCall::SignalProcessGroup { name: p.string(0)?, signal: p.signal(1)? },
        "supervisor.startAllProcesses" => ApiCall::StartAllProcesses { wait: wait(0) },
        "supervisor.startProcess" => ApiCall::StartProcess { name: p.string(0)?, wait: wait(1) },
        "supervisor.startProcessGroup" => ApiCall::StartProcessGroup { name: p.string(0)?, wait: wait(1) },
        "supervisor.stopAllProcesses" => ApiCall::StopAllProcesses { wait: wait(0) },
        "supervisor.stopProcess" => ApiCall::StopProcess { name: p.string(0)?, wait: wait(1) },
        "supervisor.stopProcessGroup" => ApiCall::StopProcessGroup { name: p.string(0)?, wait: wait(1) },
        "supervisor.tailProcessLog" | "supervisor.tailProcessStdoutLog" => {
            ApiCall::TailProcessLog { name: p.string(0)?, channel: Stdout, offset: p.int(1)?, length: p.int(2)? }
        }
        "supervisor.tailProcessStderrLog" => {
            ApiCall::TailProcessLog { name: p.string(0)?, channel: Stderr, offset: p.int(1)?, length: p.int(2)? }
        }
        "system.listMethods" => ApiCall::ListMethods,
        // A name that is not a string matches no method: SIGNATURE_UNSUPPORTED, as in supervisord.
        "system.methodHelp" => ApiCall::MethodHelp { name: python_str(&params[0]) },
        "system.methodSignature" => ApiCall::MethodSignature { name: python_str(&params[0]) },
        "system.multicall" => {
            if inside_multicall {
                return Err(Fault::with(FaultCode::IncorrectParameters, "Recursive system.multicall forbidden"));
            }
            let Value::Array(calls) = &params[0] else {
                return Err(Fault::new(FaultCode::IncorrectParameters));
            };
            ApiCall::Multicall { calls: calls.iter().map(decode_multicall_entry).collect() }
        }
        other => unreachable!("{other} is in METHODS but not decoded"),
    })
}

fn decode_multicall_entry(entry: &Value) -> Result<ApiCall, Fault> {
    if !matches!(entry, Value::Struct(_)) {
        return Err(Fault::new(FaultCode::IncorrectParameters));
    }
    let name = match entry.get("methodName") {
        Some(Value::String(name)) => name,
        Some(_) => return Err(Fault::new(FaultCode::UnknownMethod)),
        None => return Err(Fault::with(FaultCode::IncorrectParameters, "No methodName")),
    };
    let params: &[Value] = match entry.get("params") {
        None => &[],
        Some(Value::Array(params)) => params,
        Some(_) => return Err(Fault::new(FaultCode::IncorrectParameters)),
    };
    // supervisord checks recursion before it looks the method up.
    if name == "system.multicall" {
        return Err(Fault::with(FaultCode::IncorrectParameters, "Recursive system.multicall forbidden"));
    }
    decode_parts(name, params, true)
}

/// The answers that need no daemon state: API version and introspection. None for the rest.
pub fn answer_static(call: &ApiCall) -> Option<Result<Value, Fault>> {
    Some(match call {
        ApiCall::GetApiVersion => Ok(Value::from(API_VERSION)),
        ApiCall::ListMethods => Ok(Value::Array(METHODS.iter().map(|m| Value::from(m.name)).collect())),
        ApiCall::MethodHelp { name } => match method_spec(name) {
            Some(spec) => Ok(Value::from(spec.help)),
            None => Err(Fault::new(FaultCode::SignatureUnsupported)),
        },
        ApiCall::MethodSignature { name } => match method_spec(name) {
            Some(spec) => Ok(Value::Array(spec.signature.iter().map(|t| Value::from(*t)).collect())),
            None => Err(Fault::new(FaultCode::SignatureUnsupported)),
        },
        _ => return None,
    })
}

/// `system.multicall`'s answer from each call's outcome, in order: a value, or a fault struct.
pub fn multicall_result(outcomes: Vec<Result<Value, Fault>>) -> Value {
    Value::Array(outcomes.into_iter().map(|o| o.unwrap_or_else(|f| f.to_value())).collect())
}

/// Typed access to positional parameters (the count is already checked).
struct Params<'a>(&'a [Value]);

impl Params<'_> {
    fn string(&self, i: usize) -> Result<String, Fault> {
        match &self.0[i] {
            Value::String(s) => Ok(s.clone()),
            _ => Err(Fault::new(FaultCode::IncorrectParameters)),
        }
    }

    /// What Python's `int()` makes of an XML-RPC value.
    fn int(&self, i: usize) -> Result<i64, Fault> {
        match &self.0[i] {
            Value::Int(n) => Ok(*n),
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Double(d) if d.is_finite() && d.abs() < 9.2e18 => Ok(d.trunc() as i64),
            Value::String(s) => s.trim().parse().map_err(|_| Fault::new(FaultCode::IncorrectParameters)),
            _ => Err(Fault::new(FaultCode::IncorrectParameters)),
        }
    }

    /// A signal as text: names stay as sent, numbers become decimal text.
    fn signal(&self, i: usize) -> Result<String, Fault> {
        match &self.0[i] {
            Value::String(s) => Ok(s.clone()),
            Value::Int(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(i64::from(*b).to_string()),
            other => Err(Fault::with(FaultCode::BadSignal, python_str(other))),
        }
    }
}

/// A signal as `signalProcess` takes it (`HUP`, `SIGHUP`, `hup`, `1`), supervisord's
/// `signal_number`; anything else is `BAD_SIGNAL: <as sent>`. The request layer calls it only
/// once the name is resolved (a bad name is BAD_NAME first), and per process for a group, where
/// each process's entry carries the fault.
pub fn parse_signal(text: &str) -> Result<crate::config::Signal, Fault> {
    crate::config::Signal::parse(text).map_err(|_| Fault::with(FaultCode::BadSignal, text))
}

/// How Python's `str()` shows a decoded value, for the detail of a fault string.
pub fn python_str(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) | Value::DateTime(s) => s.clone(),
        Value::Double(d) => python_float_repr(*d),
        Value::Base64(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Nil => "None".into(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Struct(members) => {
            let members: Vec<String> = members.iter().map(|(k, v)| format!("'{k}': {}", python_repr(v))).collect();
            format!("{{{}}}", members.join(", "))
        }
    }
}

fn python_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        other => python_str(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, params: Vec<Value>) -> Result<ApiCall, Fault> {
        decode(&MethodCall { method: method.into(), params })
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    #[test]
    fn the_table_is_sorted_and_complete() {
        let names: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        // supervisord 4.3's system.listMethods, from the reference probe.
        assert_eq!(names.len(), 41);
        for m in METHODS {
            assert!(m.required <= m.max_params(), "{}", m.name);
            assert!(m.help.contains("@return"), "{}", m.name);
            // The help's tags agree with the signature, so a client reading them gets ours.
            let params: Vec<&str> = m
                .help
                .lines()
                .filter_map(|l| l.strip_prefix("@param "))
                .map(|l| l.split_whitespace().next().unwrap())
                .collect();
            assert_eq!(params, m.signature[1..], "{}", m.name);
            let ret = m.help.lines().find_map(|l| l.strip_prefix("@return ")).unwrap();
            assert_eq!(ret.split_whitespace().next(), Some(m.signature[0]), "{}", m.name);
            // Every published method decodes with its full parameter list of the right types.
            let params: Vec<Value> = m.signature[1..]
                .iter()
                .map(|t| match *t {
                    "string" => s("x"),
                    "int" => Value::Int(0),
                    "boolean" => Value::Bool(true),
                    "array" => Value::Array(vec![]),
                    other => panic!("{other}"),
                })
                .collect();
            assert!(call(m.name, params).is_ok(), "{}", m.name);
        }
    }

    #[test]
    fn signatures_are_supervisords() {
        // From supervisord 4.3's system.methodSignature, via the reference probe.
        let expected: &[(&str, &[&str])] = &[
            ("supervisor.getAPIVersion", &["string"]),
            ("supervisor.getPID", &["int"]),
            ("supervisor.getProcessInfo", &["struct", "string"]),
            ("supervisor.readLog", &["string", "int", "int"]),
            ("supervisor.readProcessStdoutLog", &["string", "string", "int", "int"]),
            ("supervisor.reloadConfig", &["array"]),
            ("supervisor.sendProcessStdin", &["boolean", "string", "string"]),
            ("supervisor.signalAllProcesses", &["array", "string"]),
            ("supervisor.signalProcessGroup", &["array", "string", "string"]),
            ("supervisor.startAllProcesses", &["array", "boolean"]),
            ("supervisor.startProcess", &["boolean", "string", "boolean"]),
            ("supervisor.tailProcessStderrLog", &["array", "string", "int", "int"]),
            ("system.methodHelp", &["string", "string"]),
            ("system.multicall", &["array", "array"]),
        ];
        for (name, signature) in expected {
            let answer = answer_static(&ApiCall::MethodSignature { name: (*name).into() });
            let expected = Value::Array(signature.iter().map(|t| s(t)).collect());
            assert_eq!(answer, Some(Ok(expected)), "{name}");
        }
        assert_eq!(
            answer_static(&ApiCall::MethodSignature { name: "supervisor.nosuch".into() }),
            Some(Err(Fault::new(FaultCode::SignatureUnsupported)))
        );
        assert_eq!(
            answer_static(&ApiCall::MethodHelp { name: "x".into() }),
            Some(Err(Fault::new(FaultCode::SignatureUnsupported)))
        );
        assert!(matches!(
            answer_static(&ApiCall::MethodHelp { name: "system.multicall".into() }),
            Some(Ok(Value::String(_)))
        ));
        assert_eq!(answer_static(&ApiCall::GetApiVersion), Some(Ok(s("3.0"))));
        assert_eq!(answer_static(&ApiCall::GetState), None);
        let Some(Ok(Value::Array(listed))) = answer_static(&ApiCall::ListMethods) else { panic!() };
        assert_eq!(listed.len(), METHODS.len());
        assert_eq!(listed[0], s("supervisor.addProcessGroup"));
        assert_eq!(listed[40], s("system.multicall"));
    }

    #[test]
    fn decoding_table() {
        use FaultCode::*;
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        let cases: Vec<(&str, Vec<Value>, Result<ApiCall, Fault>)> = vec![
            ("supervisor.getState", vec![], Ok(ApiCall::GetState)),
            ("supervisor.getVersion", vec![], Ok(ApiCall::GetApiVersion)),
            ("supervisor.getState", vec![s("extra")], Err(Fault::new(IncorrectParameters))),
            ("supervisor.nosuch", vec![], Err(Fault::new(UnknownMethod))),
            ("nosuch", vec![], Err(Fault::new(UnknownMethod))),
            ("a.b.c", vec![], Err(Fault::new(UnknownMethod))),
            ("supervisor._update", vec![s("x")], Err(Fault::new(UnknownMethod))),
            ("nosuch.getState", vec![], Err(Fault::new(UnknownMethod))),
            ("supervisor.getProcessInfo", vec![s("grp:a")], Ok(ApiCall::GetProcessInfo { name: "grp:a".into() })),
            ("supervisor.getProcessInfo", vec![], Err(Fault::new(IncorrectParameters))),
            ("supervisor.getProcessInfo", vec![Value::Int(123)], Err(Fault::new(IncorrectParameters))),
            ("supervisor.startProcess", vec![s("a")], Ok(ApiCall::StartProcess { name: "a".into(), wait: true })),
            (
                "supervisor.startProcess",
                vec![s("a"), f.clone()],
                Ok(ApiCall::StartProcess { name: "a".into(), wait: false }),
            ),
            (
                "supervisor.startProcess",
                vec![s("a"), Value::Int(0)],
                Ok(ApiCall::StartProcess { name: "a".into(), wait: false }),
            ),
            (
                "supervisor.startProcess",
                vec![s("a"), s("")],
                Ok(ApiCall::StartProcess { name: "a".into(), wait: false }),
            ),
            ("supervisor.stopProcess", vec![s("a"), t.clone(), s("x")], Err(Fault::new(IncorrectParameters))),
            ("supervisor.stopAllProcesses", vec![], Ok(ApiCall::StopAllProcesses { wait: true })),
            ("supervisor.startAllProcesses", vec![f.clone()], Ok(ApiCall::StartAllProcesses { wait: false })),
            (
                "supervisor.startProcessGroup",
                vec![s("g")],
                Ok(ApiCall::StartProcessGroup { name: "g".into(), wait: true }),
            ),
            (
                "supervisor.stopProcessGroup",
                vec![s("g"), f.clone()],
                Ok(ApiCall::StopProcessGroup { name: "g".into(), wait: false }),
            ),
            (
                "supervisor.signalProcess",
                vec![s("a"), s("HUP")],
                Ok(ApiCall::SignalProcess { name: "a".into(), signal: "HUP".into() }),
            ),
            (
                "supervisor.signalProcess",
                vec![s("a"), Value::Int(18)],
                Ok(ApiCall::SignalProcess { name: "a".into(), signal: "18".into() }),
            ),
            ("supervisor.signalProcess", vec![s("a"), Value::Array(vec![])], Err(Fault::with(BadSignal, "[]"))),
            (
                "supervisor.signalProcessGroup",
                vec![s("g"), s("TERM")],
                Ok(ApiCall::SignalProcessGroup { name: "g".into(), signal: "TERM".into() }),
            ),
            (
                "supervisor.signalAllProcesses",
                vec![s("CONT")],
                Ok(ApiCall::SignalAllProcesses { signal: "CONT".into() }),
            ),
            (
                "supervisor.sendProcessStdin",
                vec![s("cat"), s("hi\n")],
                Ok(ApiCall::SendProcessStdin { name: "cat".into(), chars: "hi\n".into() }),
            ),
            ("supervisor.sendProcessStdin", vec![s("cat"), Value::Int(5)], Err(Fault::with(IncorrectParameters, "5"))),
            (
                "supervisor.sendProcessStdin",
                vec![Value::Int(1), Value::Int(5)],
                Err(Fault::with(IncorrectParameters, "5")),
            ),
            (
                "supervisor.sendRemoteCommEvent",
                vec![s("t"), Value::Int(1)],
                Ok(ApiCall::SendRemoteCommEvent { kind: "t".into(), data: "1".into() }),
            ),
            (
                "supervisor.readLog",
                vec![Value::Int(-10), Value::Int(0)],
                Ok(ApiCall::ReadLog { offset: -10, length: 0 }),
            ),
            (
                "supervisor.readMainLog",
                vec![s(" 5 "), Value::Double(2.9)],
                Ok(ApiCall::ReadLog { offset: 5, length: 2 }),
            ),
            ("supervisor.readLog", vec![s("x"), Value::Int(0)], Err(Fault::new(IncorrectParameters))),
            ("supervisor.readLog", vec![Value::Double(f64::NAN), Value::Int(0)], Err(Fault::new(IncorrectParameters))),
            ("supervisor.readLog", vec![Value::Int(0)], Err(Fault::new(IncorrectParameters))),
            (
                "supervisor.readProcessLog",
                vec![s("e"), Value::Int(0), t.clone()],
                Ok(ApiCall::ReadProcessLog { name: "e".into(), channel: Channel::Stdout, offset: 0, length: 1 }),
            ),
            (
                "supervisor.readProcessStderrLog",
                vec![s("e"), Value::Int(0), Value::Int(0)],
                Ok(ApiCall::ReadProcessLog { name: "e".into(), channel: Channel::Stderr, offset: 0, length: 0 }),
            ),
            (
                "supervisor.tailProcessLog",
                vec![s("e"), Value::Int(0), Value::Int(5)],
                Ok(ApiCall::TailProcessLog { name: "e".into(), channel: Channel::Stdout, offset: 0, length: 5 }),
            ),
            (
                "supervisor.tailProcessStderrLog",
                vec![s("e"), Value::Int(1), Value::Int(5)],
                Ok(ApiCall::TailProcessLog { name: "e".into(), channel: Channel::Stderr, offset: 1, length: 5 }),
            ),
            ("supervisor.clearProcessLog", vec![s("e")], Ok(ApiCall::ClearProcessLogs { name: "e".into() })),
            ("supervisor.clearAllProcessLogs", vec![], Ok(ApiCall::ClearAllProcessLogs)),
            ("supervisor.addProcessGroup", vec![s("g")], Ok(ApiCall::AddProcessGroup { name: "g".into() })),
            ("supervisor.removeProcessGroup", vec![s("g")], Ok(ApiCall::RemoveProcessGroup { name: "g".into() })),
            ("system.methodHelp", vec![Value::Int(1)], Ok(ApiCall::MethodHelp { name: "1".into() })),
            ("system.methodSignature", vec![], Err(Fault::new(IncorrectParameters))),
            ("system.listMethods", vec![s("extra")], Err(Fault::new(IncorrectParameters))),
            ("system.multicall", vec![s("x")], Err(Fault::new(IncorrectParameters))),
        ];
        for (method, params, expected) in cases {
            assert_eq!(call(method, params.clone()), expected, "{method}{params:?}");
        }
    }

    #[test]
    fn multicall_decodes_each_call_and_keeps_faults_in_place() {
        let entry = |name: Option<&str>, params: Option<Vec<Value>>| {
            let mut members = Vec::new();
            if let Some(name) = name {
                members.push(("methodName", s(name)));
            }
            if let Some(params) = params {
                members.push(("params", Value::Array(params)));
            }
            Value::structure(members)
        };
        let calls = Value::Array(vec![
            entry(Some("supervisor.getAPIVersion"), Some(vec![])),
            entry(Some("supervisor.getProcessInfo"), Some(vec![s("nosuch")])),
            entry(Some("system.multicall"), Some(vec![Value::Array(vec![])])),
            entry(None, Some(vec![])),
            entry(Some("supervisor.nosuch"), None),
            entry(Some("supervisor.getState"), None),
            entry(Some("supervisor.getProcessInfo"), Some(vec![])),
            s("not a struct"),
            Value::structure([("methodName", s("supervisor.getState")), ("params", s("x"))]),
            Value::structure([("methodName", Value::Int(3))]),
        ]);
        let decoded = call("system.multicall", vec![calls]).unwrap();
        use FaultCode::*;
        assert_eq!(
            decoded,
            ApiCall::Multicall {
                calls: vec![
                    Ok(ApiCall::GetApiVersion),
                    Ok(ApiCall::GetProcessInfo { name: "nosuch".into() }),
                    Err(Fault::with(IncorrectParameters, "Recursive system.multicall forbidden")),
                    Err(Fault::with(IncorrectParameters, "No methodName")),
                    Err(Fault::new(UnknownMethod)),
                    Ok(ApiCall::GetState),
                    Err(Fault::new(IncorrectParameters)),
                    Err(Fault::new(IncorrectParameters)),
                    Err(Fault::new(IncorrectParameters)),
                    Err(Fault::new(UnknownMethod)),
                ]
            }
        );
        // The answer: values bare, faults as structs, in order (supervisord's shape).
        let answer = multicall_result(vec![
            Ok(s("3.0")),
            Err(Fault::with(BadName, "nosuch")),
            Ok(Value::structure([("statecode", Value::Int(1)), ("statename", s("RUNNING"))])),
        ]);
        assert_eq!(
            answer,
            Value::Array(vec![
                s("3.0"),
                Value::structure([("faultCode", Value::Int(10)), ("faultString", s("BAD_NAME: nosuch"))]),
                Value::structure([("statecode", Value::Int(1)), ("statename", s("RUNNING"))]),
            ])
        );
    }

    #[test]
    fn shutdown_checks() {
        assert!(ApiCall::GetState.checks_shutdown());
        assert!(ApiCall::StartProcess { name: "a".into(), wait: true }.checks_shutdown());
        assert!(!ApiCall::SendRemoteCommEvent { kind: "a".into(), data: "b".into() }.checks_shutdown());
        assert!(!ApiCall::ListMethods.checks_shutdown());
        assert!(!ApiCall::Multicall { calls: vec![] }.checks_shutdown());
    }

    #[test]
    fn signals_as_supervisord_reads_them() {
        for text in ["HUP", "SIGHUP", "hup", " 1 ", "1"] {
            assert_eq!(parse_signal(text).map(|s| s.number()), Ok(1), "{text}");
        }
        assert_eq!(parse_signal("NOSIG"), Err(Fault::with(FaultCode::BadSignal, "NOSIG")));
        assert_eq!(parse_signal("999"), Err(Fault::with(FaultCode::BadSignal, "999")));
    }

    #[test]
    fn python_str_of_values() {
        assert_eq!(python_str(&Value::Int(5)), "5");
        assert_eq!(python_str(&Value::Bool(true)), "True");
        assert_eq!(python_str(&Value::Double(1.0)), "1.0");
        assert_eq!(python_str(&Value::Nil), "None");
        assert_eq!(python_str(&Value::Array(vec![s("a"), Value::Int(1)])), "['a', 1]");
        assert_eq!(python_str(&Value::structure([("k", s("v"))])), "{'k': 'v'}");
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(11);
        let samples =
            [s("x"), Value::Int(-1), Value::Bool(true), Value::Nil, Value::Double(1e300), Value::Array(vec![s("a")])];
        for _ in 0..5_000 {
            let method = METHODS[rng.usize(..METHODS.len())].name;
            let params: Vec<Value> =
                (0..rng.usize(0..5)).map(|_| samples[rng.usize(..samples.len())].clone()).collect();
            let multicall_entry =
                Value::structure([("methodName", s(method)), ("params", Value::Array(params.clone()))]);
            let _ = call(method, params);
            let _ = call("system.multicall", vec![Value::Array(vec![multicall_entry])]);
        }
    }
}
