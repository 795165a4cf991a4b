//! What each XML-RPC call does: a decoded [`ApiCall`] carried out against the supervisor, with
//! supervisord 4.3's answers, fault codes and fault strings.
//!
//! Everything that acts goes through the request layer the JSON-lines side uses
//! ([`Supervisor::handle`] with a typed [`Request`]): `startProcess` is `Request::Start`,
//! `stopProcessGroup` is `Request::Stop` on the group's processes, `signalProcess` is
//! `Request::Signal`, `clearProcessLogs` is `Request::Clear`, `addProcessGroup` is
//! `Request::Add`, `shutdown` and `restart` are `Request::Shutdown` and `Request::Reload`.
//! This file only adds what supervisord's API defines on top: its name rules
//! (`name` means the process `name` of group `name`; `group:*` a whole group; no globs), the
//! checks it makes before acting (BAD_NAME, NO_FILE, ALREADY_STARTED, NOT_RUNNING,
//! BAD_SIGNAL), the shapes of its answers, and its calls that only read (process info, log
//! ranges, config info) from the same process table.
//!
//! A call with `wait` answers when its processes settle: the request layer answers it later
//! ([`Handled::Later`]), and the connection holds a [`Run`] until then; nothing blocks.
//! `system.multicall` runs its calls in order, as supervisord's does: a call that waits holds
//! back the calls after it until it has its answer (supervisord's multicall returns
//! NOT_DONE_YET and resumes with the next call once the deferred one is done), so
//! `[startProcess(x), stopProcess(x)]` starts x, waits for RUNNING, then stops it.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::SystemTime;

use crate::config::{self, Config, LogDestination, ProcessConfig, diff};
use crate::daemon::http::Channel as HttpChannel;
use crate::daemon::peer::Peer;
use crate::daemon::requests::{ClientId, Handled};
use crate::daemon::supervisor::{Mode, Process, ProcessId, Supervisor, epoch_seconds};
use crate::daemon::xmlrpc::faults::{Fault, FaultCode, SupervisorState};
use crate::daemon::xmlrpc::info::{self, ChannelConfig, ConfigInfo, LogSetting, ProcessSnapshot};
use crate::daemon::xmlrpc::methods::{self, ApiCall};
use crate::daemon::xmlrpc::value::Value;
use crate::protocol::{ErrorKind, ProcessResult, ProcessState, Request, Response};

/// What `getSupervisorVersion` answers: the supervisord release whose API and behaviour
/// taskmasterd reproduces. Clients compare it with thresholds (supervisorctl prints it for
/// `version`; Ansible's and Salt's modules and dashboards check it is 3.x or later), so a
/// drop-in answers in supervisord's numbering; taskmasterd's own version is in the HTTP
/// `Server` header and in `taskmasterctl version`.
pub const SUPERVISOR_VERSION: &str = "4.3.0";

/// What `getProcessInfo` says of a start that ended before `startsecs`.
const EXITED_TOO_QUICKLY: &str = "Exited too quickly (process log may have details)";

/// The largest log range one call reads into memory.
const MAX_READ: u64 = 16 << 20;

/// Who makes a call: its connection, and who is at the other end (for the request log).
pub struct Caller {
    pub id: ClientId,
    pub peer: Peer,
}

/// The outcome of one call: the answer, or a pending run that the request layer's later
/// answer resumes.
pub enum Outcome {
    Answer(Result<Value, Fault>),
    Wait(Run),
}

/// A call waiting for the request layer's answer.
pub enum Run {
    Single(Convert),
    /// A multicall: the call that waits, the calls after it, the answers so far.
    Multi {
        convert: Convert,
        rest: VecDeque<Result<ApiCall, Fault>>,
        done: Vec<Result<Value, Fault>>,
    },
}

/// How a request layer answer becomes the call's answer.
pub enum Convert {
    /// One process: `true`, or the fault of its one result.
    One { spec: String },
    /// Several processes: a status struct per process, in this order.
    Entries(Vec<Target>),
}

/// One process as a status entry names it.
#[derive(Clone)]
pub struct Target {
    qualified: String,
    name: String,
    group: String,
}

enum Step {
    Done(Result<Value, Fault>),
    Later(Convert),
}

/// supervisord's RUNNING_STATES: where `start` says ALREADY_STARTED and `stop` acts.
fn running(state: ProcessState) -> bool {
    matches!(state, ProcessState::Starting | ProcessState::Running | ProcessState::Backoff)
}

fn bad_name(spec: &str) -> Fault {
    Fault::with(FaultCode::BadName, spec)
}

/// The fault a request layer result carries, as supervisord names it.
fn fault_of(result: &ProcessResult, spec: &str) -> Fault {
    match (result.error, result.message.as_str()) {
        (Some(ErrorKind::NoSuchProcess), _) => bad_name(spec),
        (_, "already started") => Fault::with(FaultCode::AlreadyStarted, spec),
        (_, "not running") => Fault::with(FaultCode::NotRunning, spec),
        (_, "spawn error") => Fault::with(FaultCode::SpawnError, spec),
        (_, "abnormal termination") => Fault::with(FaultCode::AbnormalTermination, spec),
        (_, message) => Fault::with(FaultCode::Failed, format!("{spec}: {message}")),
    }
}

fn response_fault(response: &Response) -> Option<Fault> {
    match response {
        Response::Error { message, .. } => Some(Fault::with(FaultCode::Failed, message)),
        _ => None,
    }
}

/// The request layer's answer as the call's answer.
fn convert(convert: Convert, response: Response) -> Result<Value, Fault> {
    if let Some(fault) = response_fault(&response) {
        return Err(fault);
    }
    let results = match response {
        Response::Results { results } => results,
        _ => Vec::new(),
    };
    match convert {
        Convert::One { spec } => match results.iter().find(|r| r.error.is_some()) {
            Some(result) => Err(fault_of(result, &spec)),
            None => Ok(Value::Bool(true)),
        },
        Convert::Entries(targets) => Ok(Value::Array(
            targets
                .iter()
                .map(|t| {
                    let failure = results.iter().find(|r| r.name == t.qualified && r.error.is_some());
                    let fault = failure.map(|r| fault_of(r, &t.qualified));
                    Fault::status_entry(&t.name, &t.group, fault.as_ref().map_or(Ok(()), Err))
                })
                .collect(),
        )),
    }
}

impl Supervisor {
    /// Starts a call (see the module doc).
    pub(super) fn rpc_begin(&mut self, client: &Caller, call: ApiCall) -> Outcome {
        match call {
            ApiCall::Multicall { calls } => self.rpc_multi(client, calls.into(), Vec::new()),
            call => match self.rpc_call(client, call) {
                Step::Done(result) => Outcome::Answer(result),
                Step::Later(convert) => Outcome::Wait(Run::Single(convert)),
            },
        }
    }

    /// Continues a call with the request layer's later answer.
    pub(super) fn rpc_resume(&mut self, client: &Caller, run: Run, response: Response) -> Outcome {
        match run {
            Run::Single(c) => Outcome::Answer(convert(c, response)),
            Run::Multi { convert: c, rest, mut done } => {
                done.push(convert(c, response));
                self.rpc_multi(client, rest, done)
            }
        }
    }

    fn rpc_multi(
        &mut self,
        client: &Caller,
        mut rest: VecDeque<Result<ApiCall, Fault>>,
        mut done: Vec<Result<Value, Fault>>,
    ) -> Outcome {
        while let Some(call) = rest.pop_front() {
            match call {
                Err(fault) => done.push(Err(fault)),
                Ok(call) => match self.rpc_call(client, call) {
                    Step::Done(result) => done.push(result),
                    Step::Later(convert) => return Outcome::Wait(Run::Multi { convert, rest, done }),
                },
            }
        }
        Outcome::Answer(Ok(methods::multicall_result(done)))
    }

    fn supervisor_state(&self) -> SupervisorState {
        match self.mode {
            Mode::Serving => SupervisorState::Running,
            Mode::Reloading { .. } => SupervisorState::Restarting,
            Mode::ShuttingDown => SupervisorState::Shutdown,
        }
    }

    fn rpc_call(&mut self, client: &Caller, call: ApiCall) -> Step {
        // The state first: supervisord's getAPIVersion, too, answers SHUTDOWN_STATE once it is
        // shutting down.
        if call.checks_shutdown() && !self.supervisor_state().accepts_calls() {
            return Step::Done(Err(Fault::new(FaultCode::ShutdownState)));
        }
        if let Some(answer) = methods::answer_static(&call) {
            return Step::Done(answer);
        }
        let done = |result: Result<Value, Fault>| Step::Done(result);
        match call {
            ApiCall::GetSupervisorVersion => done(Ok(Value::from(SUPERVISOR_VERSION))),
            ApiCall::GetIdentification => done(Ok(Value::from(self.config.daemon.identifier.as_str()))),
            ApiCall::GetState => done(Ok(self.supervisor_state().to_value())),
            ApiCall::GetPid => done(Ok(Value::from(std::process::id()))),
            ApiCall::ReadLog { offset, length } => done(self.read_main_log(offset, length)),
            ApiCall::ClearLog => done(self.rpc_clear_main_log(client)),
            ApiCall::Shutdown => {
                self.handle(client.id, &client.peer, Request::Shutdown);
                done(Ok(Value::Bool(true)))
            }
            ApiCall::Restart => done(self.rpc_restart(client)),
            ApiCall::ReloadConfig => done(self.reload_config()),
            ApiCall::AddProcessGroup { name } => done(self.add_group(client, &name)),
            ApiCall::RemoveProcessGroup { name } => done(self.remove_group(client, &name)),
            ApiCall::GetProcessInfo { name } => done(self.one_process(&name).map(|id| self.process_info(id))),
            ApiCall::GetAllProcessInfo => {
                let ids = self.sorted(self.processes.keys().copied().collect(), |p| (p.config.group.clone(), 0));
                done(Ok(Value::Array(ids.into_iter().map(|id| self.process_info(id)).collect())))
            }
            ApiCall::GetAllConfigInfo => done(Ok(self.all_config_info())),
            ApiCall::StartProcess { name, wait } => match self.lookup(&name) {
                Err(fault) => done(Err(fault)),
                Ok(Lookup::Group(ids)) => self.start_many(client, ids, wait),
                Ok(Lookup::Process(id)) => self.start_one(client, id, &name, wait),
            },
            ApiCall::StartProcessGroup { name, wait } => match self.group(&name) {
                Err(fault) => done(Err(fault)),
                Ok(ids) => self.start_many(client, ids, wait),
            },
            ApiCall::StartAllProcesses { wait } => {
                let ids = self.processes.keys().copied().collect();
                self.start_many(client, ids, wait)
            }
            ApiCall::StopProcess { name, wait } => match self.lookup(&name) {
                Err(fault) => done(Err(fault)),
                Ok(Lookup::Group(ids)) => self.stop_many(client, ids, wait),
                Ok(Lookup::Process(id)) => {
                    if !running(self.processes[&id].public_state()) {
                        return done(Err(Fault::with(FaultCode::NotRunning, &name)));
                    }
                    let names = vec![self.display_name(id)];
                    self.act(client, Request::Stop { names, wait }, Convert::One { spec: name })
                }
            },
            ApiCall::StopProcessGroup { name, wait } => match self.group(&name) {
                Err(fault) => done(Err(fault)),
                Ok(ids) => self.stop_many(client, ids, wait),
            },
            ApiCall::StopAllProcesses { wait } => {
                let ids = self.processes.keys().copied().collect();
                self.stop_many(client, ids, wait)
            }
            ApiCall::SignalProcess { name, signal } => match self.lookup(&name) {
                Err(fault) => done(Err(fault)),
                Ok(Lookup::Group(ids)) => done(Ok(self.signal_many(client, ids, &signal))),
                Ok(Lookup::Process(id)) => done(self.signal_one(client, id, &name, &signal)),
            },
            ApiCall::SignalProcessGroup { name, signal } => match self.group(&name) {
                Err(fault) => done(Err(fault)),
                Ok(ids) => done(Ok(self.signal_many(client, ids, &signal))),
            },
            ApiCall::SignalAllProcesses { signal } => {
                let ids = self.processes.keys().copied().collect();
                done(Ok(self.signal_many(client, ids, &signal)))
            }
            ApiCall::SendProcessStdin { name, chars } => done(self.send_process_stdin(client, &name, &chars)),
            ApiCall::SendRemoteCommEvent { kind, data } => {
                match self.handle(client.id, &client.peer, Request::SendRemoteCommEvent { kind, data }) {
                    Handled::Reply(response) => done(response_fault(&response).map_or(Ok(Value::Bool(true)), Err)),
                    _ => done(Err(Fault::new(FaultCode::Failed))),
                }
            }
            ApiCall::ReadProcessLog { name, channel, offset, length } => {
                done(self.read_process_log(&name, channel, offset, length))
            }
            ApiCall::TailProcessLog { name, channel, offset, length } => {
                done(self.tail_process_log(&name, channel, offset, length))
            }
            ApiCall::ClearProcessLogs { name } => match self.one_process(&name) {
                Err(fault) => done(Err(fault)),
                Ok(id) => {
                    let names = vec![self.display_name(id)];
                    match self.handle(client.id, &client.peer, Request::Clear { names }) {
                        Handled::Reply(response) => done(convert(Convert::One { spec: name }, response)),
                        _ => done(Err(Fault::new(FaultCode::Failed))),
                    }
                }
            },
            ApiCall::ClearAllProcessLogs => {
                let ids = self.sorted(self.processes.keys().copied().collect(), |p| (p.config.group.clone(), 0));
                let targets = self.targets(&ids);
                let names = targets.iter().map(|t| t.qualified.clone()).collect();
                match self.handle(client.id, &client.peer, Request::Clear { names }) {
                    Handled::Reply(response) => done(convert(Convert::Entries(targets), response)),
                    _ => done(Err(Fault::new(FaultCode::Failed))),
                }
            }
            ApiCall::GetApiVersion
            | ApiCall::ListMethods
            | ApiCall::MethodHelp { .. }
            | ApiCall::MethodSignature { .. }
            | ApiCall::Multicall { .. } => {
                // Answered statically above; a multicall inside a multicall is refused by
                // the decoder.
                done(Err(Fault::with(FaultCode::IncorrectParameters, "Recursive system.multicall forbidden")))
            }
        }
    }

    /// Submits a request; its answer now or later becomes the call's.
    fn act(&mut self, client: &Caller, request: Request, how: Convert) -> Step {
        match self.handle(client.id, &client.peer, request) {
            Handled::Reply(response) => Step::Done(convert(how, response)),
            Handled::Later => Step::Later(how),
            Handled::Stream { .. } => Step::Done(Err(Fault::new(FaultCode::Failed))),
        }
    }

    fn start_one(&mut self, client: &Caller, id: ProcessId, spec: &str, wait: bool) -> Step {
        let p = &self.processes[&id];
        // supervisord checks the command before anything else, so that a start that can only
        // fail says why at once.
        if let Err(why) = self.check_command(&p.config) {
            return Step::Done(Err(why));
        }
        if running(p.public_state()) {
            return Step::Done(Err(Fault::with(FaultCode::AlreadyStarted, spec)));
        }
        let names = vec![self.display_name(id)];
        let step =
            self.act(client, Request::Start { names, wait, no_deps: false }, Convert::One { spec: spec.to_string() });
        // A spawn that failed at once is SPAWN_ERROR even without waiting.
        match step {
            Step::Done(Ok(_)) if self.processes.get(&id).is_some_and(|p| p.spawn_error.is_some()) => {
                Step::Done(Err(Fault::with(FaultCode::SpawnError, spec)))
            }
            step => step,
        }
    }

    fn start_many(&mut self, client: &Caller, ids: Vec<ProcessId>, wait: bool) -> Step {
        let ids: Vec<ProcessId> = self
            .sorted(ids, |p| (String::new(), p.config.priority))
            .into_iter()
            .filter(|id| !running(self.processes[id].public_state()))
            .collect();
        let mut entries = Vec::new();
        let mut startable = Vec::new();
        for id in ids {
            let target = self.target(id);
            match self.check_command(&self.processes[&id].config) {
                Err(fault) => entries.push((target, Some(fault))),
                Ok(()) => {
                    startable.push(target.clone());
                    entries.push((target, None));
                }
            }
        }
        if entries.iter().all(|(_, f)| f.is_none()) {
            let names = startable.iter().map(|t| t.qualified.clone()).collect();
            let targets = entries.into_iter().map(|(t, _)| t).collect();
            return self.act(client, Request::Start { names, wait, no_deps: false }, Convert::Entries(targets));
        }
        // Some cannot start at all: start the others without waiting, and answer now.
        let names: Vec<String> = startable.iter().map(|t| t.qualified.clone()).collect();
        if !names.is_empty() {
            self.handle(client.id, &client.peer, Request::Start { names, wait: false, no_deps: false });
        }
        let list = entries
            .iter()
            .map(|(t, fault)| Fault::status_entry(&t.name, &t.group, fault.as_ref().map_or(Ok(()), Err)))
            .collect();
        Step::Done(Ok(Value::Array(list)))
    }

    fn stop_many(&mut self, client: &Caller, ids: Vec<ProcessId>, wait: bool) -> Step {
        let ids: Vec<ProcessId> = self
            .sorted(ids, |p| (String::new(), p.config.priority))
            .into_iter()
            .filter(|id| running(self.processes[id].public_state()))
            .collect();
        let targets = self.targets(&ids);
        if targets.is_empty() {
            return Step::Done(Ok(Value::Array(Vec::new())));
        }
        let names = targets.iter().map(|t| t.qualified.clone()).collect();
        self.act(client, Request::Stop { names, wait }, Convert::Entries(targets))
    }

    fn signal_one(&mut self, client: &Caller, id: ProcessId, spec: &str, signal: &str) -> Result<Value, Fault> {
        let signal = methods::parse_signal(signal)?;
        if !running(self.processes[&id].public_state()) {
            return Err(Fault::with(FaultCode::NotRunning, spec));
        }
        let names = vec![self.display_name(id)];
        let request = Request::Signal { signal: (signal.0 as i32).to_string(), names };
        match self.handle(client.id, &client.peer, request) {
            Handled::Reply(response) => convert(Convert::One { spec: spec.to_string() }, response),
            _ => Err(Fault::new(FaultCode::Failed)),
        }
    }

    fn signal_many(&mut self, client: &Caller, ids: Vec<ProcessId>, signal: &str) -> Value {
        let ids: Vec<ProcessId> = self
            .sorted(ids, |p| (p.config.group.clone(), 0))
            .into_iter()
            .filter(|id| running(self.processes[id].public_state()))
            .collect();
        let entries = ids
            .into_iter()
            .map(|id| {
                let target = self.target(id);
                let outcome = self.signal_one(client, id, &target.qualified, signal);
                Fault::status_entry(&target.name, &target.group, outcome.as_ref().map(|_| ()))
            })
            .collect();
        Value::Array(entries)
    }

    /// supervisord's `restart`: stop everything, read the config again, start again; the
    /// answer is immediate.
    fn rpc_restart(&mut self, client: &Caller) -> Result<Value, Fault> {
        match self.handle(client.id, &client.peer, Request::Reload) {
            Handled::Later => {
                // Nobody waits for the reload's own answer: the call is answered now.
                if let Mode::Reloading { reply_to, .. } = &mut self.mode {
                    *reply_to = None;
                }
                Ok(Value::Bool(true))
            }
            Handled::Reply(response) => match response_fault(&response) {
                Some(fault) => Err(fault),
                None => Ok(Value::Bool(true)),
            },
            Handled::Stream { .. } => Err(Fault::new(FaultCode::Failed)),
        }
    }

    fn load_file(&self) -> Result<Config, Fault> {
        config::load(&self.config.source).map_err(|errors| Fault::with(FaultCode::CantReread, errors))
    }

    /// `reloadConfig`: the groups the file adds, changes and removes, changing nothing.
    fn reload_config(&self) -> Result<Value, Fault> {
        let new = self.load_file()?;
        let plan = diff::plan(&self.config, &new, None);
        // The plan is per group already, in update's order, as supervisord's reloadConfig is.
        let (mut added, mut changed, mut removed) = (Vec::new(), Vec::new(), Vec::new());
        for (group, kind) in &plan.groups {
            match kind {
                diff::GroupChangeKind::Added => added.push(group.clone()),
                diff::GroupChangeKind::Changed => changed.push(group.clone()),
                diff::GroupChangeKind::Removed => removed.push(group.clone()),
            }
        }
        Ok(info::reload_result(&added, &changed, &removed))
    }

    fn add_group(&mut self, client: &Caller, group: &str) -> Result<Value, Fault> {
        if self.config.programs.iter().any(|p| p.group == group) {
            return Err(Fault::with(FaultCode::AlreadyAdded, group));
        }
        let new = self.load_file()?;
        let names: Vec<String> = new.programs.iter().filter(|p| p.group == group).map(|p| p.name.clone()).collect();
        if names.is_empty() {
            return Err(bad_name(group));
        }
        match self.handle(client.id, &client.peer, Request::Add { names }) {
            Handled::Reply(response) => convert(Convert::One { spec: group.to_string() }, response),
            _ => Err(Fault::new(FaultCode::Failed)),
        }
    }

    fn remove_group(&mut self, client: &Caller, group: &str) -> Result<Value, Fault> {
        let names: Vec<String> =
            self.config.programs.iter().filter(|p| p.group == group).map(|p| p.name.clone()).collect();
        if names.is_empty() {
            return Err(bad_name(group));
        }
        if self.processes.values().any(|p| p.config.group == group && p.public_state().is_running()) {
            return Err(Fault::with(FaultCode::StillRunning, group));
        }
        match self.handle(client.id, &client.peer, Request::Remove { names }) {
            Handled::Reply(response) => convert(Convert::One { spec: group.to_string() }, response),
            _ => Err(Fault::new(FaultCode::Failed)),
        }
    }

    fn send_process_stdin(&mut self, client: &Caller, spec: &str, chars: &str) -> Result<Value, Fault> {
        let id = self.one_process(spec)?;
        if !running(self.processes[&id].public_state()) || self.processes[&id].stdin.is_none() {
            return Err(Fault::with(FaultCode::NotRunning, spec));
        }
        let request = Request::SendStdin { name: self.display_name(id), data: chars.to_string() };
        match self.handle(client.id, &client.peer, request) {
            Handled::Reply(response) => response_fault(&response).map_or(Ok(Value::Bool(true)), Err),
            _ => Err(Fault::new(FaultCode::Failed)),
        }
    }

    fn api_log_path(&self, id: ProcessId, channel: HttpChannel) -> Option<&Path> {
        let p = &self.processes[&id];
        // As supervisord: with redirect_stderr there is no stderr log to read.
        let config = match channel {
            HttpChannel::Stdout => &p.config.stdout,
            HttpChannel::Stderr if p.config.redirect_stderr => return None,
            HttpChannel::Stderr => &p.config.stderr,
        };
        match &config.destination {
            LogDestination::File(path) => Some(path),
            LogDestination::None => None,
        }
    }

    fn read_process_log(&self, spec: &str, channel: HttpChannel, offset: i64, length: i64) -> Result<Value, Fault> {
        let id = self.one_process(spec)?;
        let path = self.api_log_path(id, channel);
        // supervisord creates a log at the process's first spawn; ours appears with the first
        // output. A process that has run but said nothing yet has an empty log, not none.
        let spawned = self.processes[&id].start_time.is_some();
        if spawned && path.is_some_and(|p| !p.exists()) {
            return info::read_range(0, offset, length).map(|_| Value::from(""));
        }
        read_file_range(path, offset, length)
    }

    fn tail_process_log(&self, spec: &str, channel: HttpChannel, offset: i64, length: i64) -> Result<Value, Fault> {
        let id = self.one_process(spec)?;
        let empty = || Value::Array(vec![Value::from(""), Value::Int(0), Value::Bool(false)]);
        let Some(path) = self.api_log_path(id, channel) else { return Ok(empty()) };
        let Ok(mut file) = File::open(path) else { return Ok(empty()) };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let (range, next, overflow) = info::tail_range(size, offset, length);
        let bytes = read_range(&mut file, range).map_err(|e| Fault::with(FaultCode::Failed, e))?;
        Ok(Value::Array(vec![Value::String(bytes), Value::Int(next), Value::Bool(overflow)]))
    }

    fn read_main_log(&self, offset: i64, length: i64) -> Result<Value, Fault> {
        read_file_range(self.config.daemon.logfile.as_deref(), offset, length)
    }

    fn rpc_clear_main_log(&mut self, client: &Caller) -> Result<Value, Fault> {
        let Some(path) = self.config.daemon.logfile.clone().filter(|p| p.exists()) else {
            let shown = self.config.daemon.logfile.as_ref().map_or("None".to_string(), |p| p.display().to_string());
            return Err(Fault::with(FaultCode::NoFile, shown));
        };
        match self.handle(client.id, &client.peer, Request::ClearMainLog) {
            Handled::Reply(response) => match response_fault(&response) {
                Some(fault) => Err(fault),
                None => {
                    // supervisord's words when it reopens its log after clearing it.
                    log::info!("reopening log file {}", path.display());
                    Ok(Value::Bool(true))
                }
            },
            _ => Err(Fault::new(FaultCode::Failed)),
        }
    }

    /// `group:name`, or `name` for the process of its own group: one process or BAD_NAME.
    fn one_process(&self, spec: &str) -> Result<ProcessId, Fault> {
        match self.lookup(spec)? {
            Lookup::Process(id) => Ok(id),
            Lookup::Group(_) => Err(bad_name(spec)),
        }
    }

    /// supervisord's `_getGroupAndProcess`: a group, or one process of it.
    fn lookup(&self, spec: &str) -> Result<Lookup, Fault> {
        let (group, name) = info::split_namespec(spec);
        let members: Vec<ProcessId> =
            self.processes.iter().filter(|(_, p)| p.config.group == group).map(|(id, _)| *id).collect();
        if members.is_empty() {
            return Err(bad_name(spec));
        }
        match name {
            None => Ok(Lookup::Group(members)),
            Some(name) => members
                .into_iter()
                .find(|id| self.processes[id].config.name == name)
                .map(Lookup::Process)
                .ok_or_else(|| bad_name(spec)),
        }
    }

    fn group(&self, name: &str) -> Result<Vec<ProcessId>, Fault> {
        let members: Vec<ProcessId> =
            self.processes.iter().filter(|(_, p)| p.config.group == name).map(|(id, _)| *id).collect();
        if members.is_empty() { Err(bad_name(name)) } else { Ok(members) }
    }

    /// Processes in supervisord's order: by the key, then by name.
    fn sorted(&self, mut ids: Vec<ProcessId>, key: impl Fn(&Process) -> (String, i64)) -> Vec<ProcessId> {
        ids.sort_by_cached_key(|id| {
            let p = &self.processes[id];
            let (first, second) = key(p);
            (first, second, p.config.name.clone())
        });
        ids
    }

    fn target(&self, id: ProcessId) -> Target {
        let p = &self.processes[&id];
        Target { qualified: p.config.qualified_name(), name: p.config.name.clone(), group: p.config.group.clone() }
    }

    fn targets(&self, ids: &[ProcessId]) -> Vec<Target> {
        ids.iter().map(|id| self.target(*id)).collect()
    }

    /// NO_FILE or NOT_EXECUTABLE when the command cannot be run at all.
    fn check_command(&self, config: &ProcessConfig) -> Result<(), Fault> {
        let mut environment: Vec<(String, String)> = std::env::vars().collect();
        environment.extend(self.config.daemon.environment.iter().cloned());
        environment.extend(config.environment.iter().cloned());
        let Some(program) = config.command.first() else { return Ok(()) };
        match crate::daemon::spawn::find_executable(program, &environment) {
            Ok(_) => Ok(()),
            Err(why) if why.starts_with("can't find") => Err(Fault::with(FaultCode::NoFile, why)),
            Err(why) => Err(Fault::with(FaultCode::NotExecutable, why)),
        }
    }

    fn process_info(&self, id: ProcessId) -> Value {
        let p = &self.processes[&id];
        let state = p.public_state();
        let early_exit = matches!(state, ProcessState::Backoff | ProcessState::Fatal) && p.spawn_error.is_none();
        let log = |config: &crate::config::LogConfig| match &config.destination {
            LogDestination::File(path) => Some(path.display().to_string()),
            LogDestination::None => None,
        };
        let snapshot = ProcessSnapshot {
            name: p.config.name.clone(),
            group: p.config.group.clone(),
            state,
            pid: p.state.pid(),
            start: p.start_time.map(epoch_seconds),
            stop: p.stop_time.map(epoch_seconds),
            // supervisord forgets the status of a run that ended before startsecs.
            exit_status: if early_exit { None } else { p.exit_status },
            spawn_error: if early_exit { Some(EXITED_TOO_QUICKLY.to_string()) } else { p.spawn_error.clone() },
            stdout_logfile: log(&p.config.stdout),
            stderr_logfile: log(&p.config.stderr),
        };
        info::process_info(&snapshot, epoch_seconds(SystemTime::now()), &chrono::Local)
    }

    /// `getAllConfigInfo`: the active processes, then those of the config file not active.
    fn all_config_info(&self) -> Value {
        let mut infos: Vec<ConfigInfo> = self
            .config
            .programs
            .iter()
            .flat_map(|g| g.processes.iter().map(move |p| config_info(p, g.priority, true)))
            .collect();
        if let Ok(file) = config::load(&self.config.source) {
            for program in &file.programs {
                if !self.config.programs.iter().any(|p| p.name == program.name) {
                    infos.extend(program.processes.iter().map(|p| config_info(p, program.priority, false)));
                }
            }
        }
        info::config_info_list(infos)
    }
}

enum Lookup {
    Process(ProcessId),
    Group(Vec<ProcessId>),
}

fn config_info(p: &ProcessConfig, group_priority: i64, inuse: bool) -> ConfigInfo {
    let channel = |c: &crate::config::LogConfig| ChannelConfig {
        logfile: match &c.destination {
            LogDestination::File(path) => LogSetting::Path(path.display().to_string()),
            LogDestination::None => LogSetting::None,
        },
        logfile_backups: c.backups.into(),
        logfile_maxbytes: c.maxbytes.min(i64::MAX as u64) as i64,
        capture_maxbytes: 0,
        events_enabled: false,
        syslog: false,
    };
    let uid = p.user.as_deref().and_then(|u| nix::unistd::User::from_name(u).ok().flatten()).map(|u| u.uid.as_raw());
    ConfigInfo {
        name: p.name.clone(),
        group: p.group.clone(),
        inuse,
        autostart: p.autostart,
        directory: p.directory.as_ref().map(|d| d.display().to_string()),
        uid,
        // The model keeps the words; quoting them again gives back the usual way of writing
        // them (supervisord shows the line as written).
        command: p.command.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" "),
        exitcodes: p.exitcodes.clone(),
        group_prio: group_priority,
        process_prio: p.priority,
        killasgroup: p.killasgroup,
        redirect_stderr: p.redirect_stderr,
        startretries: p.startretries.into(),
        startsecs: p.startsecs.min(i64::MAX as u64) as i64,
        stopsignal: p.stopsignal.0 as i32,
        stopwaitsecs: p.stopwaitsecs.min(i64::MAX as u64) as i64,
        serverurl: None,
        stdout: channel(&p.stdout),
        stderr: channel(&p.stderr),
    }
}

/// A word as a shell line writes it: bare when it can be, else in single quotes (as configs
/// usually quote), else as `shlex` quotes it.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else if !word.contains('\'') {
        format!("'{word}'")
    } else {
        shlex::try_quote(word).map_or_else(|_| word.to_string(), |q| q.into_owned())
    }
}

/// `readLog`/`readProcessStdoutLog`: NO_FILE when there is no file, else the range.
fn read_file_range(path: Option<&Path>, offset: i64, length: i64) -> Result<Value, Fault> {
    let no_file = || Fault::with(FaultCode::NoFile, path.map_or("None".to_string(), |p| p.display().to_string()));
    let Some(path) = path else { return Err(no_file()) };
    let mut file = File::open(path).map_err(|_| no_file())?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let range = info::read_range(size, offset, length)?;
    let text = read_range(&mut file, range).map_err(|e| Fault::with(FaultCode::Failed, e))?;
    Ok(Value::String(text))
}

/// The bytes of `range` (at most [`MAX_READ`]), as text.
fn read_range(file: &mut File, range: std::ops::Range<u64>) -> std::io::Result<String> {
    let want = (range.end - range.start).min(MAX_READ);
    let mut data = Vec::with_capacity(want as usize);
    file.seek(SeekFrom::Start(range.start))?;
    file.take(want).read_to_end(&mut data)?;
    Ok(String::from_utf8_lossy(&data).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::jobs;

    /// The request layer's words, as `fault_of` reads them: if jobs.rs rewords a result, this
    /// fails instead of the faults silently turning into FAILED.
    #[test]
    fn request_layer_results_map_to_supervisords_faults() {
        use crate::daemon::process_state::Refusal;
        let started = jobs::begin(jobs::Action::Start, "x", Some(Refusal::AlreadyStarted)).failure.unwrap();
        assert_eq!(fault_of(&started, "x").code, FaultCode::AlreadyStarted);
        let stopped = jobs::begin(jobs::Action::Stop, "x", Some(Refusal::NotRunning)).failure.unwrap();
        assert_eq!(fault_of(&stopped, "x").code, FaultCode::NotRunning);
        let unknown = jobs::failed("x", "no such process", ErrorKind::NoSuchProcess);
        assert_eq!(fault_of(&unknown, "g:x").string, "BAD_NAME: g:x");
        let other = jobs::failed("x", "something else", ErrorKind::Failed);
        assert_eq!(fault_of(&other, "x").string, "FAILED: x: something else");
        assert!(running(ProcessState::Backoff) && !running(ProcessState::Stopping));
    }

    #[test]
    fn commands_are_shown_as_written() {
        assert_eq!(shell_word("sleep"), "sleep");
        assert_eq!(shell_word("printf \"x\"; exit"), "'printf \"x\"; exit'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn results_become_status_entries_in_order() {
        let targets = vec![
            Target { qualified: "g:a".into(), name: "a".into(), group: "g".into() },
            Target { qualified: "g:b".into(), name: "b".into(), group: "g".into() },
        ];
        let response = Response::Results {
            results: vec![jobs::failed("g:b", "spawn error", ErrorKind::Failed), jobs::ok("g:a", "started")],
        };
        let value = convert(Convert::Entries(targets), response).unwrap();
        let Value::Array(entries) = value else { panic!() };
        assert_eq!(entries[0].get("status"), Some(&Value::Int(80)));
        assert_eq!(entries[1].get("description"), Some(&Value::from("SPAWN_ERROR: g:b")));
    }
}
