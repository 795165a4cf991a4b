//! The request layer called directly, as a second front-end would call it: no socket client,
//! no JSON, and no process started (every case here is answered from the table or refused).

use std::os::unix::net::UnixListener;
use std::sync::{Arc, Mutex};

use super::{ClientId, Handled, Outgoing};
use crate::daemon::activity_log::ActivityLog;
use crate::daemon::peer::Peer;
use crate::daemon::signals::SignalPipe;
use crate::daemon::supervisor::Supervisor;
use crate::protocol::{Channel, ErrorKind, ProcessResult, ProcessState, Request, Response};

const CONFIG: &str = r#"
[unix_server]
file = "tm.sock"
[taskmasterd]
logfile = "NONE"
[program.web]
command = "/bin/sleep 1000"
autostart = false
numprocs = 2
[program.solo]
command = "/bin/sleep 1000"
autostart = false
"#;

fn supervisor(dir: &tempfile::TempDir) -> Supervisor {
    let config = crate::config::parse_str(CONFIG, &dir.path().join("taskmaster.toml")).expect("a valid config");
    let listener = UnixListener::bind(&config.unix_server.file).expect("binding the test socket");
    let activity = Arc::new(Mutex::new(ActivityLog::new(None)));
    Supervisor::new(config, listener, SignalPipe::detached().unwrap(), activity, None).expect("a supervisor")
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn failed(name: &str, message: &str, kind: ErrorKind) -> ProcessResult {
    ProcessResult { name: name.into(), message: message.into(), error: Some(kind) }
}

const CLIENT: ClientId = ClientId(42);
const PEER: Peer = Peer::Local { uid: 1000, pid: Some(4242) };

#[test]
fn requests_answered_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    let not_running = |name: &str| failed(name, "not running", ErrorKind::NotRunning);
    let cases: Vec<(Request, Handled)> = vec![
        (Request::Version, Handled::Reply(Response::Version { version: env!("CARGO_PKG_VERSION").into() })),
        (Request::Pid { names: vec![] }, Handled::Reply(Response::DaemonPid { pid: std::process::id() })),
        (
            Request::Pid { names: names(&["solo", "ghost"]) },
            Handled::Reply(Response::Pids { pids: vec![("solo".into(), None)], unknown: names(&["ghost"]) }),
        ),
        // A group name skips what is not running; a process named alone is told; the answers
        // come in the order of the names.
        (
            Request::Stop { names: names(&["web", "ghost", "web_0", "nogroup:*"]), wait: false },
            Handled::Reply(Response::Results {
                results: vec![
                    failed("ghost", "no such process", ErrorKind::NoSuchProcess),
                    not_running("web:web_0"),
                    failed("nogroup", "no such group", ErrorKind::NoSuchGroup),
                ],
            }),
        ),
        (
            Request::Signal { signal: "NOPE".into(), names: names(&["solo"]) },
            Handled::Reply(Response::Results {
                results: vec![failed("solo", "bad signal name", ErrorKind::BadSignal)],
            }),
        ),
        (
            Request::Signal { signal: "HUP".into(), names: names(&["solo"]) },
            Handled::Reply(Response::Results { results: vec![not_running("solo")] }),
        ),
        (
            Request::Tail { name: "web".into(), channel: Channel::Stdout, bytes: 10, follow: false },
            Handled::Reply(Response::Error {
                kind: ErrorKind::BadRequest,
                message: "'web' names 2 processes; tail takes one".into(),
            }),
        ),
        (
            Request::Fg { name: "ghost".into() },
            Handled::Reply(Response::Error {
                kind: ErrorKind::NoSuchProcess,
                message: "no such process 'ghost'".into(),
            }),
        ),
        (
            Request::Fg { name: "solo".into() },
            Handled::Reply(Response::Error { kind: ErrorKind::Failed, message: "solo is not running".into() }),
        ),
        (
            Request::Maintail { bytes: 10, follow: false },
            Handled::Reply(Response::Error {
                kind: ErrorKind::Failed,
                message: "the daemon has no log file (logfile = NONE)".into(),
            }),
        ),
        (
            Request::SendStdin { name: "solo".into(), data: "hi\n".into() },
            Handled::Reply(Response::Error { kind: ErrorKind::Failed, message: "solo is not running".into() }),
        ),
        (
            Request::SendStdin { name: "ghost".into(), data: "hi\n".into() },
            Handled::Reply(Response::Error {
                kind: ErrorKind::NoSuchProcess,
                message: "no such process 'ghost'".into(),
            }),
        ),
        (
            Request::ClearMainLog,
            Handled::Reply(Response::Error {
                kind: ErrorKind::Failed,
                message: "the daemon has no log file (logfile = NONE)".into(),
            }),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(sup.handle(CLIENT, &PEER, request.clone()), expected, "{request:?}");
        assert!(sup.outbox.is_empty(), "{request:?} queued something");
    }
}

#[test]
fn status_lists_every_process_in_display_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    let Handled::Reply(Response::Status { processes, unknown, .. }) =
        sup.handle(CLIENT, &PEER, Request::Status { names: vec![] })
    else {
        panic!("status answers at once");
    };
    let shown: Vec<(String, ProcessState)> = processes.iter().map(|p| (p.display_name(), p.state)).collect();
    let stopped = ProcessState::Stopped;
    assert_eq!(shown, [("solo".into(), stopped), ("web:web_0".into(), stopped), ("web:web_1".into(), stopped)]);
    assert!(unknown.is_empty());
}

#[test]
fn a_job_answers_later_through_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    // Settles at once (nothing to wait for), but the answer still comes as an Outgoing::Reply.
    assert_eq!(
        sup.handle(CLIENT, &PEER, Request::Start { names: names(&["ghost"]), wait: true, no_deps: false }),
        Handled::Later
    );
    let ghost = failed("ghost", "no such process", ErrorKind::NoSuchProcess);
    assert_eq!(sup.outbox.pop_front(), Some((CLIENT, Outgoing::Reply(Response::Results { results: vec![ghost] }))));

    let wait = Request::Wait { names: names(&["solo"]), state: ProcessState::Stopped, timeout_ms: None };
    assert_eq!(sup.handle(CLIENT, &PEER, wait), Handled::Later);
    let stopped = ProcessResult { name: "solo".into(), message: "STOPPED".into(), error: None };
    assert_eq!(sup.outbox.pop_front(), Some((CLIENT, Outgoing::Reply(Response::Results { results: vec![stopped] }))));
    assert!(sup.outbox.is_empty());
}

#[test]
fn a_client_that_leaves_takes_its_waits_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    let wait = Request::Wait { names: names(&["solo"]), state: ProcessState::Running, timeout_ms: None };
    assert_eq!(sup.handle(CLIENT, &PEER, wait), Handled::Later);
    assert_eq!(sup.jobs.len(), 1);
    assert!(sup.outbox.is_empty(), "nothing is RUNNING yet");
    sup.client_gone(CLIENT);
    assert!(sup.jobs.is_empty());
}

#[test]
fn no_process_action_while_shutting_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    assert_eq!(
        sup.handle(CLIENT, &PEER, Request::Shutdown),
        Handled::Reply(Response::Done { message: "Shut down".into() })
    );
    let refused =
        Handled::Reply(Response::Error { kind: ErrorKind::Failed, message: "the daemon is shutting down".into() });
    assert_eq!(
        sup.handle(CLIENT, &PEER, Request::Start { names: names(&["solo"]), wait: true, no_deps: false }),
        refused
    );
    assert_eq!(sup.handle(CLIENT, &PEER, Request::Update { names: vec![] }), refused);
}

#[test]
fn event_followers_get_remote_communication_and_bad_types_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut sup = supervisor(&dir);
    let bad = Request::Events { names: vec![], types: names(&["TICKS"]), json: false };
    let Handled::Reply(Response::Error { kind, message }) = sup.handle(CLIENT, &PEER, bad) else { panic!("refused") };
    assert_eq!((kind, message.as_str()), (ErrorKind::BadRequest, "unknown event type 'TICKS'; did you mean TICK?"));
    let follow = Request::Events { names: vec![], types: names(&["remote_communication"]), json: true };
    assert_eq!(sup.handle(CLIENT, &PEER, follow), Handled::Stream { initial: vec![], follow: true });
    sup.outbox.clear();
    let send = Request::SendRemoteCommEvent { kind: "deploy".into(), data: "v2".into() };
    assert_eq!(sup.handle(ClientId(7), &PEER, send), Handled::Reply(Response::Done { message: "Sent".into() }));
    let lines: Vec<String> = sup
        .outbox
        .iter()
        .filter_map(|(to, out)| match out {
            Outgoing::Bytes(b) if *to == CLIENT => Some(String::from_utf8(b.clone()).unwrap()),
            _ => None,
        })
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let event: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        (event["eventname"].as_str(), event["payload"].as_str()),
        (Some("REMOTE_COMMUNICATION"), Some("type:deploy\nv2"))
    );
    // A follower that leaves is forgotten.
    sup.client_gone(CLIENT);
    assert!(sup.events.followers.is_empty());
}
