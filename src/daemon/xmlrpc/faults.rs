//! supervisord's API constants: fault codes and their names, process state codes, supervisor
//! state codes. The numbers and names are the API (clients branch on them), taken from
//! supervisord 4.3's `xmlrpc.Faults` and `states`.

use super::value::Value;
use crate::protocol::ProcessState;

/// A fault code of supervisord's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultCode {
    UnknownMethod,
    IncorrectParameters,
    BadArguments,
    SignatureUnsupported,
    ShutdownState,
    BadName,
    BadSignal,
    NoFile,
    NotExecutable,
    Failed,
    AbnormalTermination,
    SpawnError,
    AlreadyStarted,
    NotRunning,
    Success,
    AlreadyAdded,
    StillRunning,
    CantReread,
}

impl FaultCode {
    pub const ALL: [FaultCode; 18] = [
        FaultCode::UnknownMethod,
        FaultCode::IncorrectParameters,
        FaultCode::BadArguments,
        FaultCode::SignatureUnsupported,
        FaultCode::ShutdownState,
        FaultCode::BadName,
        FaultCode::BadSignal,
        FaultCode::NoFile,
        FaultCode::NotExecutable,
        FaultCode::Failed,
        FaultCode::AbnormalTermination,
        FaultCode::SpawnError,
        FaultCode::AlreadyStarted,
        FaultCode::NotRunning,
        FaultCode::Success,
        FaultCode::AlreadyAdded,
        FaultCode::StillRunning,
        FaultCode::CantReread,
    ];

    pub fn code(self) -> i64 {
        match self {
            FaultCode::UnknownMethod => 1,
            FaultCode::IncorrectParameters => 2,
            FaultCode::BadArguments => 3,
            FaultCode::SignatureUnsupported => 4,
            FaultCode::ShutdownState => 6,
            FaultCode::BadName => 10,
            FaultCode::BadSignal => 11,
            FaultCode::NoFile => 20,
            FaultCode::NotExecutable => 21,
            FaultCode::Failed => 30,
            FaultCode::AbnormalTermination => 40,
            FaultCode::SpawnError => 50,
            FaultCode::AlreadyStarted => 60,
            FaultCode::NotRunning => 70,
            FaultCode::Success => 80,
            FaultCode::AlreadyAdded => 90,
            FaultCode::StillRunning => 91,
            FaultCode::CantReread => 92,
        }
    }

    /// The name that starts every faultString.
    pub fn name(self) -> &'static str {
        match self {
            FaultCode::UnknownMethod => "UNKNOWN_METHOD",
            FaultCode::IncorrectParameters => "INCORRECT_PARAMETERS",
            FaultCode::BadArguments => "BAD_ARGUMENTS",
            FaultCode::SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
            FaultCode::ShutdownState => "SHUTDOWN_STATE",
            FaultCode::BadName => "BAD_NAME",
            FaultCode::BadSignal => "BAD_SIGNAL",
            FaultCode::NoFile => "NO_FILE",
            FaultCode::NotExecutable => "NOT_EXECUTABLE",
            FaultCode::Failed => "FAILED",
            FaultCode::AbnormalTermination => "ABNORMAL_TERMINATION",
            FaultCode::SpawnError => "SPAWN_ERROR",
            FaultCode::AlreadyStarted => "ALREADY_STARTED",
            FaultCode::NotRunning => "NOT_RUNNING",
            FaultCode::Success => "SUCCESS",
            FaultCode::AlreadyAdded => "ALREADY_ADDED",
            FaultCode::StillRunning => "STILL_RUNNING",
            FaultCode::CantReread => "CANT_REREAD",
        }
    }

    pub fn from_code(code: i64) -> Option<FaultCode> {
        FaultCode::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// A fault as supervisord raises it: `RPCError(code)` reads `NAME`, `RPCError(code, extra)`
/// reads `NAME: extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: FaultCode,
    pub string: String,
}

impl Fault {
    pub fn new(code: FaultCode) -> Fault {
        Fault { code, string: code.name().to_string() }
    }

    pub fn with(code: FaultCode, extra: impl std::fmt::Display) -> Fault {
        Fault { code, string: format!("{}: {extra}", code.name()) }
    }

    /// The whole `methodResponse` carrying this fault.
    pub fn encode(&self) -> String {
        super::codec::encode_fault(self.code.code(), &self.string)
    }

    /// The struct form, as `system.multicall` lists a failed call.
    pub fn to_value(&self) -> Value {
        super::codec::fault_struct(self.code.code(), &self.string)
    }

    /// One entry of the status arrays that `startProcessGroup`, `stopAllProcesses`,
    /// `signalAllProcesses`, `clearAllProcessLogs`, ... return: `status` is a fault code,
    /// [`FaultCode::Success`] with description `OK` for a process that succeeded.
    pub fn status_entry(name: &str, group: &str, outcome: Result<(), &Fault>) -> Value {
        let (status, description) = match outcome {
            Ok(()) => (FaultCode::Success.code(), "OK".to_string()),
            Err(fault) => (fault.code.code(), fault.string.clone()),
        };
        Value::structure([
            ("name", Value::from(name)),
            ("group", Value::from(group)),
            ("status", Value::Int(status)),
            ("description", Value::String(description)),
        ])
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.string, self.code.code())
    }
}

impl std::error::Error for Fault {}

/// supervisord's process state codes.
pub fn process_state_code(state: ProcessState) -> i64 {
    match state {
        ProcessState::Stopped => 0,
        ProcessState::Starting => 10,
        ProcessState::Running => 20,
        ProcessState::Backoff => 30,
        ProcessState::Stopping => 40,
        ProcessState::Exited => 100,
        ProcessState::Fatal => 200,
        ProcessState::Unknown => 1000,
    }
}

/// supervisord's own states (`getState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupervisorState {
    Fatal,
    Running,
    Restarting,
    Shutdown,
}

impl SupervisorState {
    pub fn code(self) -> i64 {
        match self {
            SupervisorState::Fatal => 2,
            SupervisorState::Running => 1,
            SupervisorState::Restarting => 0,
            SupervisorState::Shutdown => -1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SupervisorState::Fatal => "FATAL",
            SupervisorState::Running => "RUNNING",
            SupervisorState::Restarting => "RESTARTING",
            SupervisorState::Shutdown => "SHUTDOWN",
        }
    }

    /// `getState`'s answer.
    pub fn to_value(self) -> Value {
        Value::structure([("statecode", Value::Int(self.code())), ("statename", Value::from(self.name()))])
    }

    /// Below RUNNING, every `supervisor.*` call but a few answers SHUTDOWN_STATE
    /// (supervisord's `_update` check).
    pub fn accepts_calls(self) -> bool {
        matches!(self, SupervisorState::Running | SupervisorState::Fatal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_supervisords() {
        let expected = [
            ("UNKNOWN_METHOD", 1),
            ("INCORRECT_PARAMETERS", 2),
            ("BAD_ARGUMENTS", 3),
            ("SIGNATURE_UNSUPPORTED", 4),
            ("SHUTDOWN_STATE", 6),
            ("BAD_NAME", 10),
            ("BAD_SIGNAL", 11),
            ("NO_FILE", 20),
            ("NOT_EXECUTABLE", 21),
            ("FAILED", 30),
            ("ABNORMAL_TERMINATION", 40),
            ("SPAWN_ERROR", 50),
            ("ALREADY_STARTED", 60),
            ("NOT_RUNNING", 70),
            ("SUCCESS", 80),
            ("ALREADY_ADDED", 90),
            ("STILL_RUNNING", 91),
            ("CANT_REREAD", 92),
        ];
        assert_eq!(FaultCode::ALL.len(), expected.len());
        for (fault, (name, code)) in FaultCode::ALL.iter().zip(expected) {
            assert_eq!((fault.name(), fault.code()), (name, code));
            assert_eq!(FaultCode::from_code(code), Some(*fault));
        }
        assert_eq!(FaultCode::from_code(5), None);
    }

    #[test]
    fn fault_strings() {
        assert_eq!(Fault::new(FaultCode::NoFile).string, "NO_FILE");
        assert_eq!(Fault::with(FaultCode::BadName, "grp:x").string, "BAD_NAME: grp:x");
        assert_eq!(
            Fault::with(FaultCode::IncorrectParameters, "No methodName").to_value(),
            Value::structure([
                ("faultCode", Value::Int(2)),
                ("faultString", Value::from("INCORRECT_PARAMETERS: No methodName"))
            ])
        );
        assert!(Fault::new(FaultCode::Failed).encode().contains("<int>30</int>"));
        assert_eq!(Fault::with(FaultCode::NotRunning, "x").to_string(), "NOT_RUNNING: x (70)");
        let failed = Fault::with(FaultCode::NotRunning, "grp:a");
        assert_eq!(
            Fault::status_entry("a", "grp", Err(&failed)),
            Value::structure([
                ("name", Value::from("a")),
                ("group", Value::from("grp")),
                ("status", Value::Int(70)),
                ("description", Value::from("NOT_RUNNING: grp:a")),
            ])
        );
        assert_eq!(Fault::status_entry("a", "a", Ok(())).get("description"), Some(&Value::from("OK")));
        assert_eq!(Fault::status_entry("a", "a", Ok(())).get("status"), Some(&Value::Int(80)));
    }

    #[test]
    fn state_codes() {
        let states = [
            (ProcessState::Stopped, 0),
            (ProcessState::Starting, 10),
            (ProcessState::Running, 20),
            (ProcessState::Backoff, 30),
            (ProcessState::Stopping, 40),
            (ProcessState::Exited, 100),
            (ProcessState::Fatal, 200),
            (ProcessState::Unknown, 1000),
        ];
        for (state, code) in states {
            assert_eq!(process_state_code(state), code, "{state}");
        }
        assert_eq!(
            SupervisorState::Running.to_value(),
            Value::structure([("statecode", Value::Int(1)), ("statename", Value::from("RUNNING"))])
        );
        assert_eq!(SupervisorState::Shutdown.code(), -1);
        assert_eq!(SupervisorState::Restarting.name(), "RESTARTING");
        assert_eq!(SupervisorState::Fatal.code(), 2);
        assert!(!SupervisorState::Shutdown.accepts_calls());
        assert!(SupervisorState::Running.accepts_calls());
    }
}
