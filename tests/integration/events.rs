//! Events: supervisord's listener protocol with real Python listeners (superlance's crashmail,
//! and one written against supervisor.childutils, compared with real supervisord), listeners
//! that misbehave, and the native stream of `taskmasterctl events`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::*;
use crate::reference::reference_venv;

/// A listener written against supervisor.childutils: it records each event's headers and
/// payload as one JSON line, and acknowledges it.
const RECORDER: &str = r#"import json, sys
from supervisor import childutils
path = sys.argv[1]
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    with open(path, 'a') as f:
        f.write(json.dumps({'headers': headers, 'payload': payload}) + '\n')
    childutils.listener.ok(sys.stdout)
"#;

fn write_recorder(dir: &Path) -> PathBuf {
    let path = dir.join("recorder.py");
    std::fs::write(&path, RECORDER).unwrap();
    path
}

/// Every event a recorder wrote.
fn recorded(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a recorded event"))
        .collect()
}

/// supervisor.childutils.eventdata's header parsing, for a payload's first line.
fn payload_headers(payload: &str) -> BTreeMap<String, String> {
    payload
        .split('\n')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|pair| pair.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Per process, the state events it went through: `FROM->TO` with the fields that do not
/// depend on pids (tries, expected; whether a pid was given).
fn state_sequences(events: &[Value]) -> BTreeMap<String, Vec<String>> {
    let mut sequences: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for event in events {
        let name = event["headers"]["eventname"].as_str().unwrap_or_default();
        let Some(to) = name.strip_prefix("PROCESS_STATE_") else { continue };
        let fields = payload_headers(event["payload"].as_str().unwrap_or_default());
        let mut line = format!("{}->{to} group:{}", fields["from_state"], fields["groupname"]);
        for key in ["tries", "expected"] {
            if let Some(value) = fields.get(key) {
                line += &format!(" {key}:{value}");
            }
        }
        if fields.contains_key("pid") {
            line += " pid";
        }
        sequences.entry(fields["processname"].clone()).or_default().push(line);
    }
    sequences
}

#[test]
fn a_childutils_listener_gets_supervisords_envelope_and_payloads() {
    let Some(venv) = reference_venv("a_childutils_listener_gets_supervisords_envelope_and_payloads") else { return };
    let sandbox = Sandbox::new();
    let recorder = write_recorder(sandbox.dir.path());
    sandbox.write_config(&format!(
        "[program.crashy]\ncommand = \"sh -c 'sleep 0.2; exit 3'\"\nstartsecs = 0\nautorestart = false\n\n\
         [eventlistener.rec]\ncommand = \"{py} {rec} %(here)s/events.jsonl\"\nevents = [\"PROCESS_STATE_EXITED\"]\n\n\
         [eventlistener.every]\ncommand = \"{py} {rec} %(here)s/all.jsonl\"\nevents = [\"PROCESS_STATE\"]\n",
        py = venv.join("bin/python").display(),
        rec = recorder.display(),
    ));
    let d = Daemon::start_in(sandbox);
    let events = d.sandbox.path("events.jsonl");
    wait_until("the EXITED event", || !recorded(&events).is_empty());
    let event = &recorded(&events)[0];
    let pid = d.process("crashy")["pid"].as_u64();
    assert_eq!(pid, None, "crashy has exited");
    let headers = &event["headers"];
    assert_eq!(headers["ver"], "3.0");
    assert_eq!(headers["server"], "supervisor");
    assert_eq!(headers["pool"], "rec");
    assert_eq!(headers["poolserial"], "0");
    assert_eq!(headers["eventname"], "PROCESS_STATE_EXITED");
    // The serial is global, the poolserial the pool's own: the pool of every state event took
    // every serial, in order, and the EXITED event under the same serial as `rec` did.
    let all = d.sandbox.path("all.jsonl");
    wait_until("the other pool's EXITED", || {
        recorded(&all).iter().any(|e| e["headers"]["eventname"] == "PROCESS_STATE_EXITED")
    });
    let all = recorded(&all);
    for (i, e) in all.iter().enumerate() {
        assert_eq!(
            (e["headers"]["serial"].as_str(), e["headers"]["poolserial"].as_str()),
            (Some(&*i.to_string()), Some(&*i.to_string())),
            "{all:#?}"
        );
        assert_eq!(e["headers"]["pool"], "every");
    }
    let exited = all.iter().find(|e| e["headers"]["eventname"] == "PROCESS_STATE_EXITED").unwrap();
    assert_eq!(headers["serial"], exited["headers"]["serial"]);
    assert_ne!(exited["headers"]["poolserial"], "0");
    let payload = event["payload"].as_str().unwrap();
    assert_eq!(headers["len"].as_str().unwrap().parse::<usize>().unwrap(), payload.len());
    let fields = payload_headers(payload);
    assert_eq!(
        payload,
        format!("processname:crashy groupname:crashy from_state:RUNNING expected:0 pid:{}", fields["pid"])
    );
    assert_ne!(fields["pid"], "0");
    d.shutdown_and_check();
}

/// A supervisord beside ours, on the same config file, driven by supervisorctl; killed on drop.
struct Supervisord {
    child: Child,
    venv: PathBuf,
    config: PathBuf,
}

impl Supervisord {
    fn start(venv: &Path, config: &Path) -> Supervisord {
        let child = Command::new(venv.join("bin/supervisord"))
            .args(["-n", "-c"])
            .arg(config)
            .current_dir(config.parent().unwrap())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start supervisord");
        Supervisord { child, venv: venv.to_path_buf(), config: config.to_path_buf() }
    }

    #[track_caller]
    fn ctl(&self, args: &[&str]) {
        let out = Command::new(self.venv.join("bin/supervisorctl"))
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run supervisorctl");
        assert!(out.status.success(), "supervisorctl {args:?}: {out:?}");
    }
}

impl Drop for Supervisord {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until a recorder saw the sequence end the test drives each daemon to.
fn wait_for_sequences(what: &str, path: &Path, done: impl Fn(&BTreeMap<String, Vec<String>>) -> bool) {
    wait_until(what, || done(&state_sequences(&recorded(path))));
}

/// One supervisord.conf, read as it is by both daemons (each in its own directory: the paths
/// are %(here)s-relative). The names of the socket and daemon files are the harness's. The
/// recorder's buffer holds every event: with the default 10, a recorder slow to start (a busy
/// machine) lost the oldest, its own STARTING, under either daemon.
fn differential_config(python: &Path) -> String {
    format!(
        "[unix_http_server]\nfile=%(here)s/tm.sock\n\n\
         [supervisord]\nlogfile=%(here)s/taskmasterd.log\npidfile=%(here)s/taskmasterd.pid\n\
         childlogdir=%(here)s\nloglevel=debug\n\n\
         [rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
         [supervisorctl]\nserverurl=unix://%(here)s/tm.sock\n\n\
         [program:good]\ncommand=sleep 1000\nstartsecs=1\n\n\
         [program:crashy]\ncommand=sh -c 'sleep 2; exit 3'\nstartsecs=1\nautorestart=false\n\n\
         [program:failing]\ncommand=sh -c 'exit 1'\nstartsecs=1\nstartretries=1\n\n\
         [eventlistener:recorder]\ncommand={} %(here)s/recorder.py %(here)s/events.jsonl\nevents=PROCESS_STATE\n\
         buffer_size=100\n",
        python.display()
    )
}

#[test]
fn a_listener_sees_the_same_state_events_as_under_supervisord() {
    let Some(venv) = reference_venv("a_listener_sees_the_same_state_events_as_under_supervisord") else { return };
    let config = differential_config(&venv.join("bin/python"));
    let sv_dir = tempfile::Builder::new().prefix("sv").tempdir().unwrap();
    write_recorder(sv_dir.path());
    let sv_config = sv_dir.path().join("supervisord.conf");
    std::fs::write(&sv_config, &config).unwrap();
    let sandbox = Sandbox::new();
    write_recorder(sandbox.dir.path());
    // Our daemon reads supervisord's INI as it is, whatever the file's name.
    std::fs::write(sandbox.config_path(), &config).unwrap();

    let settled = |s: &BTreeMap<String, Vec<String>>| {
        s.get("failing").is_some_and(|v| v.last().is_some_and(|l| l.contains("->FATAL")))
            && s.get("crashy").is_some_and(|v| v.last().is_some_and(|l| l.contains("->EXITED")))
            && s.get("good").is_some_and(|v| v.iter().any(|l| l.contains("->RUNNING")))
    };
    let restarted = |s: &BTreeMap<String, Vec<String>>| {
        s.get("good").is_some_and(|v| v.iter().filter(|l| l.contains("->RUNNING")).count() == 2)
    };

    let supervisord = Supervisord::start(&venv, &sv_config);
    let sv_events = sv_dir.path().join("events.jsonl");
    wait_for_sequences("supervisord's programs to settle", &sv_events, settled);
    supervisord.ctl(&["stop", "good"]);
    supervisord.ctl(&["start", "good"]);
    wait_for_sequences("supervisord's good to run again", &sv_events, restarted);
    // Compared before the shutdowns: which events a listener still hears while the daemon
    // stops it is a race in supervisord too.
    let theirs = state_sequences(&recorded(&sv_events));
    drop(supervisord);

    let d = Daemon::start_in(sandbox);
    let our_events = d.sandbox.path("events.jsonl");
    wait_for_sequences("our programs to settle", &our_events, settled);
    d.ctl_ok(&["stop", "good"]);
    d.ctl_ok(&["start", "good"]);
    wait_for_sequences("our good to run again", &our_events, restarted);
    let ours = state_sequences(&recorded(&our_events));
    assert_eq!(ours, theirs, "state events differ from supervisord's");
    // The sequences are the interesting ones, not empty ones.
    assert_eq!(
        ours["failing"],
        [
            "STOPPED->STARTING group:failing tries:0",
            "STARTING->BACKOFF group:failing tries:1",
            "BACKOFF->STARTING group:failing tries:1",
            "STARTING->BACKOFF group:failing tries:2",
            "BACKOFF->FATAL group:failing",
        ]
    );
    d.shutdown_and_check();
}

#[test]
fn crashmail_mails_when_a_program_crashes() {
    let Some(venv) = reference_venv("crashmail_mails_when_a_program_crashes") else { return };
    let sandbox = Sandbox::new();
    let sendmail = sandbox.path("fake-sendmail");
    std::fs::write(&sendmail, format!("#!/bin/sh\ncat >> '{}'\n", sandbox.path("mail.txt").display())).unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&sendmail).unwrap().permissions(), 0o755);
    std::fs::set_permissions(&sendmail, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sandbox.write_config(&format!(
        "[program.crashy]\ncommand = \"sh -c 'sleep 0.5; exit 3'\"\nstartsecs = 0\nautorestart = false\n\n\
         [program.calm]\ncommand = \"sh -c 'sleep 0.5; exit 0'\"\nstartsecs = 0\nautorestart = false\n\n\
         [eventlistener.crashmail]\ncommand = \"{crashmail} -a -m ops@example.com -o PROD -s {sendmail}\"\n\
         events = [\"PROCESS_STATE_EXITED\"]\n",
        crashmail = venv.join("bin/crashmail").display(),
        sendmail = sendmail.display(),
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("the crash mail", || d.sandbox.read("mail.txt").contains("exited unexpectedly"));
    d.wait_state("calm", "EXITED");
    let mail = d.sandbox.read("mail.txt");
    assert!(mail.starts_with("To: ops@example.com\nSubject: PROD: crashy crashed at "), "{mail}");
    assert!(
        mail.contains("\n\nProcess crashy in group crashy exited unexpectedly (pid ")
            && mail.ends_with(") from state RUNNING"),
        "{mail}"
    );
    // One mail: calm's exit was expected.
    assert_eq!(mail.matches("To: ").count(), 1, "{mail}");
    assert!(!mail.contains("calm"));
    d.shutdown_and_check();
}

#[test]
fn misbehaving_listeners_delay_nothing_and_are_restarted_per_their_policy() {
    let Some(venv) = reference_venv("misbehaving_listeners_delay_nothing_and_are_restarted_per_their_policy") else {
        return;
    };
    let sandbox = Sandbox::new();
    let recorder = write_recorder(sandbox.dir.path());
    sandbox.write_config(&format!(
        "[program.probe]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n\n\
         [eventlistener.silent]\ncommand = \"sh -c 'printf \\\"READY\\\\n\\\"; exec sleep 1000'\"\n\
         events = [\"PROCESS_STATE\"]\nbuffer_size = 2\n\n\
         [eventlistener.dies]\ncommand = \"sh -c 'printf \\\"READY\\\\n\\\"; read header; exit 1'\"\n\
         events = [\"PROCESS_STATE\"]\nstartsecs = 1\nstartretries = 100\n\n\
         [eventlistener.garbage]\ncommand = \"sh -c 'echo hello, I do not speak the protocol; exec sleep 1000'\"\n\
         events = [\"EVENT\"]\n\n\
         [eventlistener.rec]\ncommand = \"{py} {rec} %(here)s/events.jsonl\"\nevents = [\"PROCESS_STATE_RUNNING\"]\n",
        py = venv.join("bin/python").display(),
        rec = recorder.display(),
    ));
    let d = Daemon::start_in(sandbox);
    d.wait_log("garbage: has entered the UNKNOWN state and will no longer receive events");
    d.wait_log("pool silent event buffer overflowed, discarding event");
    // The dying listener is restarted, again and again, as autorestart says.
    wait_until("dies to be restarted twice", || {
        d.log().matches("exited: dies (exit status 1; not expected)").count() >= 2
    });
    // Meanwhile everything else is served at once.
    let out = d.ctl_bounded(&["start", "probe"]);
    assert!(out.status.success(), "{out:?}");
    let events = d.sandbox.path("events.jsonl");
    wait_until("the well-behaved listener to see probe run", || {
        recorded(&events).iter().any(|e| e["payload"].as_str().unwrap_or_default().starts_with("processname:probe "))
    });
    assert_eq!(d.state("silent"), "RUNNING");
    assert_eq!(d.state("garbage"), "RUNNING");
    d.shutdown_and_check();
}

#[test]
fn children_get_supervisords_environment() {
    let d = Daemon::start(
        "[program.env]\ncommand = \"sh -c 'env | grep -E ^SUPERVISOR_ | sort; exec sleep 1000'\"\nstartsecs = 0\n\
         [group.g]\nprograms = [\"env\"]\n",
    );
    wait_until("the environment in the log", || d.sandbox.read("env-stdout.log").lines().count() == 4);
    let socket = d.sandbox.socket();
    assert_eq!(
        d.sandbox.read("env-stdout.log"),
        format!(
            "SUPERVISOR_ENABLED=1\nSUPERVISOR_GROUP_NAME=g\nSUPERVISOR_PROCESS_NAME=env\nSUPERVISOR_SERVER_URL=unix://{}\n",
            socket.display()
        )
    );
    d.shutdown_and_check();
}

/// A `taskmasterctl events` client whose lines arrive on a channel; killed on drop.
struct EventStream {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl EventStream {
    fn open(d: &Daemon, args: &[&str]) -> EventStream {
        let config = d.config();
        let mut child = Command::new(BIN)
            .args(["ctl", "-c", &config, "events"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run taskmasterctl events");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        EventStream { child, lines }
    }

    /// The next line that satisfies `want`, within the deadline.
    #[track_caller]
    fn next_matching(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let left = DEADLINE.checked_sub(start.elapsed()).unwrap_or_else(|| panic!("no {what} within {DEADLINE:?}"));
            match self.lines.recv_timeout(left) {
                Ok(line) if want(&line) => return line,
                Ok(_) => {}
                Err(_) => panic!("no {what} within {DEADLINE:?}"),
            }
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_native_stream_follows_the_same_events() {
    let d = Daemon::start(
        "[program.talker]\ncommand = \"sh -c 'printf \\\"hello <!--XSUPERVISOR:BEGIN-->secret<!--XSUPERVISOR:END--> \
         and then some more words to pass the token length\\\\n\\\"; exec sleep 1000'\"\n\
         startsecs = 0\nautostart = false\nstdout_capture_maxbytes = \"1KB\"\nstdout_events_enabled = true\n\n\
         [program.other]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n",
    );
    // The client connects, is registered, then the program starts: wait for the stream to be
    // live by starting `other` until its event shows.
    let json = EventStream::open(&d, &["--json"]);
    let text = EventStream::open(&d, &["talker", "--type", "PROCESS_STATE"]);
    wait_until("the streams to be live", || {
        d.ctl(&["restart", "other"]);
        json.lines.try_recv().is_ok_and(|l| l.contains("\"processname\":\"other\""))
    });
    d.ctl_ok(&["start", "talker"]);
    let running = json.next_matching("talker RUNNING", |l| l.contains("PROCESS_STATE_RUNNING") && l.contains("talker"));
    let running: Value = serde_json::from_str(&running).unwrap();
    assert_eq!(running["headers"]["from_state"], "STARTING");
    assert_eq!(running["headers"]["groupname"], "talker");
    assert!(running["time"].as_f64().unwrap() > 1.0e9);
    json.next_matching("a log event", |l| l.contains("PROCESS_LOG_STDOUT") && l.contains("hello "));
    let comm = json.next_matching("the communication event", |l| l.contains("PROCESS_COMMUNICATION_STDOUT"));
    let comm: Value = serde_json::from_str(&comm).unwrap();
    assert_eq!(comm["data"], "secret");
    assert_eq!(
        comm["payload"],
        format!("processname:talker groupname:talker pid:{}\nsecret", d.pid_of("talker").unwrap())
    );
    // Captured output is not logged.
    wait_until("the log", || d.sandbox.read("talker-stdout.log").contains("more words"));
    assert!(!d.sandbox.read("talker-stdout.log").contains("secret"));
    // The text stream: only talker's state events, one line each.
    let line = text.next_matching("talker RUNNING in text", |l| l.contains("PROCESS_STATE_RUNNING"));
    assert!(line.ends_with(&format!(
        " PROCESS_STATE_RUNNING processname:talker groupname:talker from_state:STARTING pid:{}",
        d.pid_of("talker").unwrap()
    )));
    // A type that does not exist is a bad argument (the request layer refuses it too, for
    // other front-ends).
    let out = d.ctl(&["events", "--type", "PROCES_STATE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'PROCES_STATE'") && stderr(&out).contains("PROCESS_STATE"), "{out:?}");
    drop(json);
    drop(text);
    d.shutdown_and_check();
}

#[test]
fn groups_added_and_removed_by_update_are_events_and_pools_follow_the_file() {
    let programs = "[program.a]\ncommand = \"sleep 1000\"\nstartsecs = 0\n";
    let d = Daemon::start(programs);
    let stream = EventStream::open(&d, &["--type", "PROCESS_GROUP", "--type", "PROCESS_STATE_STOPPED"]);
    let with_more = format!(
        "{programs}[program.b]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\
         [eventlistener.pool]\ncommand = \"sh -c 'printf \\\"READY\\\\n\\\"; exec sleep 1000'\"\nevents = [\"TICK_60\"]\n"
    );
    wait_until("the stream to be live", || {
        d.ctl(&["restart", "a"]);
        stream.lines.try_recv().is_ok_and(|l| l.contains("PROCESS_STATE_STOPPED processname:a "))
    });
    d.sandbox.write_config(&with_more);
    d.ctl_ok(&["update"]);
    stream.next_matching("b added", |l| l.ends_with("PROCESS_GROUP_ADDED groupname:b"));
    stream.next_matching("the pool added", |l| l.ends_with("PROCESS_GROUP_ADDED groupname:pool"));
    d.wait_state("pool", "RUNNING");
    d.sandbox.write_config(programs);
    d.ctl_ok(&["update"]);
    // The two groups stop in either order; each is removed once its process has stopped.
    let mut seen = Vec::new();
    while !(seen.iter().any(|l: &String| l.ends_with("PROCESS_GROUP_REMOVED groupname:b"))
        && seen.iter().any(|l| l.ends_with("PROCESS_GROUP_REMOVED groupname:pool")))
    {
        seen.push(stream.next_matching("the groups removed", |_| true));
    }
    let at =
        |needle: &str| seen.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {seen:?}"));
    assert!(at("PROCESS_STATE_STOPPED processname:b ") < at("PROCESS_GROUP_REMOVED groupname:b"), "{seen:?}");
    assert!(at("PROCESS_STATE_STOPPED processname:pool ") < at("PROCESS_GROUP_REMOVED groupname:pool"), "{seen:?}");
    assert_eq!(d.status().len(), 1);
    drop(stream);
    d.shutdown_and_check();
}

/// Whether the daemon, blocked in its wait, has a deadline: `Some(false)` when it waits with
/// none (no armed timerfd, the `polling` crate's timeouts, and no finite epoll timeout),
/// `Some(true)` when it has one, `None` when it is not blocked in its wait right now.
#[cfg(target_os = "linux")]
fn wait_deadline(pid: u32) -> Option<bool> {
    let syscall = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    let fields: Vec<&str> = syscall.split_whitespace().collect();
    let epoll = matches!(
        (std::env::consts::ARCH, fields.first().copied()),
        ("x86_64", Some("232" | "281")) | ("aarch64", Some("22"))
    );
    if !epoll {
        return None;
    }
    // epoll_wait/epoll_pwait: the fourth argument is the timeout, -1 for none.
    if fields.get(4) != Some(&"0xffffffffffffffff") {
        return Some(true);
    }
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let armed_timer = fds.filter_map(Result::ok).any(|fd| {
        let is_timer = std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy().contains("timerfd"));
        let info = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy()));
        is_timer && info.is_ok_and(|i| i.contains("it_value:") && !i.contains("it_value: (0, 0)"))
    });
    Some(armed_timer)
}

#[cfg(target_os = "linux")]
#[test]
fn tick_timers_are_armed_only_while_someone_takes_ticks() {
    let d = Daemon::start(
        "[program.steady]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
         [eventlistener.states]\ncommand = \"sh -c 'printf \\\"READY\\\\n\\\"; exec sleep 1000'\"\nstartsecs = 0\n\
         events = [\"PROCESS_STATE\"]\n",
    );
    d.wait_state("steady", "RUNNING");
    d.wait_state("states", "RUNNING");
    wait_until("the daemon to wait with no deadline", || wait_deadline(d.pid) == Some(false));
    // A follower of every event takes ticks: a deadline appears, and goes with the follower.
    let follower = EventStream::open(&d, &["--json"]);
    wait_until("a tick deadline", || wait_deadline(d.pid) == Some(true));
    let tick = follower.next_matching("a TICK_5", |l| l.contains("\"TICK_5\""));
    let tick: Value = serde_json::from_str(&tick).unwrap();
    let when: u64 = tick["headers"]["when"].as_str().unwrap().parse().unwrap();
    assert_eq!(when % 5, 0, "{tick}");
    assert_eq!(tick["payload"], format!("when:{when}"));
    drop(follower);
    wait_until("no deadline once the follower left", || wait_deadline(d.pid) == Some(false));
    // A follower of state events only takes none.
    let states = EventStream::open(&d, &["--type", "PROCESS_STATE"]);
    wait_until("the state follower to be live", || {
        d.ctl(&["restart", "steady"]);
        states.lines.try_recv().is_ok()
    });
    d.wait_state("steady", "RUNNING");
    wait_until("still no deadline", || wait_deadline(d.pid) == Some(false));
    drop(states);
    d.shutdown_and_check();
}

#[test]
fn state_events_follow_supervisords_sequence_without_any_listener() {
    let programs = "[program.failing]\ncommand = \"sh -c 'exit 1'\"\nstartsecs = 1\nstartretries = 1\nautostart = false\n\n\
                    [program.probe]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n";
    let d = Daemon::start(programs);
    let stream = EventStream::open(&d, &["--type", "PROCESS_STATE", "failing", "missing", "probe"]);
    wait_until("the stream to be live", || {
        d.ctl(&["restart", "probe"]);
        stream.lines.try_recv().is_ok()
    });
    let _ = d.ctl(&["start", "failing"]);
    // A start of a missing command is refused before any spawn (supervisord's NO_FILE), so the
    // spawn that fails is an autostart: the program arrives with an update.
    d.sandbox
        .write_config(&format!("{programs}\n[program.missing]\ncommand = \"/nonexistent/binary\"\nstartretries = 0\n"));
    let _ = d.ctl(&["update"]);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let fatal = |seen: &BTreeMap<String, Vec<String>>, name: &str| {
        seen.get(name).is_some_and(|v| v.last().is_some_and(|l| l.starts_with("PROCESS_STATE_FATAL")))
    };
    while !(fatal(&seen, "failing") && fatal(&seen, "missing")) {
        let line = stream.next_matching("state events", |_| true);
        // "TIME TYPE processname:NAME groupname:G from_state:S [tries:N]"
        let fields: Vec<&str> = line.split_whitespace().skip(2).collect();
        let name = fields[1].trim_start_matches("processname:").to_string();
        let rest: Vec<&str> = fields.iter().copied().filter(|f| !f.starts_with("processname:")).collect();
        seen.entry(name).or_default().push(rest.join(" "));
    }
    assert_eq!(
        seen["failing"],
        [
            "PROCESS_STATE_STARTING groupname:failing from_state:STOPPED tries:0",
            "PROCESS_STATE_BACKOFF groupname:failing from_state:STARTING tries:1",
            "PROCESS_STATE_STARTING groupname:failing from_state:BACKOFF tries:1",
            "PROCESS_STATE_BACKOFF groupname:failing from_state:STARTING tries:2",
            "PROCESS_STATE_FATAL groupname:failing from_state:BACKOFF",
        ]
    );
    // A spawn that fails still enters STARTING first, as supervisord's does.
    assert_eq!(
        seen["missing"],
        [
            "PROCESS_STATE_STARTING groupname:missing from_state:STOPPED tries:0",
            "PROCESS_STATE_BACKOFF groupname:missing from_state:STARTING tries:1",
            "PROCESS_STATE_FATAL groupname:missing from_state:BACKOFF",
        ]
    );
    drop(stream);
    d.shutdown_and_check();
}

/// A listener in plain Python (no supervisor package): it speaks the protocol by hand and
/// appends the payload of each PROCESS_HEALTH event it takes to a file.
const HEALTH_RECORDER: &str = r#"import sys
out = sys.argv[1]
while True:
    sys.stdout.write("READY\n"); sys.stdout.flush()
    header = dict(f.split(":", 1) for f in sys.stdin.readline().split())
    payload = sys.stdin.read(int(header["len"]))
    if header["eventname"] == "PROCESS_HEALTH":
        with open(out, "a") as f:
            f.write(payload + "\n")
    sys.stdout.write("RESULT 2\nOK"); sys.stdout.flush()
"#;

#[test]
fn health_changes_are_process_health_events_for_listeners_and_the_stream() {
    let sandbox = Sandbox::new();
    let flag = sandbox.path("ok");
    std::fs::write(&flag, "").unwrap();
    let recorder = sandbox.path("health_recorder.py");
    std::fs::write(&recorder, HEALTH_RECORDER).unwrap();
    sandbox.write_config(&format!(
        "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n\
         [program.app.healthcheck]\ntype = \"exec\"\ncommand = \"test -e {flag}\"\ninterval = 0.2\nretries = 1\n\
         on_unhealthy = \"none\"\n\n\
         [program.probe]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n\n\
         [eventlistener.every]\ncommand = \"python3 {rec} %(here)s/health.txt\"\nevents = [\"EVENT\"]\n",
        flag = flag.display(),
        rec = recorder.display(),
    ));
    let d = Daemon::start_in(sandbox);
    let stream = EventStream::open(&d, &["--json", "--type", "PROCESS_HEALTH", "--type", "PROCESS_STATE_RUNNING"]);
    wait_until("the stream to be live", || {
        d.ctl(&["restart", "probe"]);
        stream.lines.try_recv().is_ok_and(|l| l.contains("\"processname\":\"probe\""))
    });
    d.ctl_ok(&["start", "app"]);
    wait_until("app to be healthy", || d.process("app")["health"] == "healthy");
    std::fs::remove_file(&flag).unwrap();
    wait_until("app to be unhealthy", || d.process("app")["health"] == "unhealthy");
    let pid = d.pid_of("app").unwrap();
    d.ctl_ok(&["stop", "app"]);
    let expected = [
        format!("processname:app groupname:app from_health:none to_health:starting pid:{pid}"),
        format!("processname:app groupname:app from_health:starting to_health:healthy pid:{pid}"),
        format!("processname:app groupname:app from_health:healthy to_health:unhealthy pid:{pid}"),
    ];
    let is_health = |l: &str| l.contains("\"eventname\":\"PROCESS_HEALTH\"");
    for want in &expected {
        let line: Value = serde_json::from_str(&stream.next_matching(want, is_health)).unwrap();
        assert_eq!(line["payload"], *want);
        assert_eq!(line["headers"]["processname"], "app");
    }
    // The run ended: no check is running any more.
    let last: Value = serde_json::from_str(&stream.next_matching("the end of app's run", is_health)).unwrap();
    assert_eq!(last["headers"]["from_health"], "unhealthy");
    assert_eq!(last["headers"]["to_health"], "none");
    // A pool subscribed to EVENT takes the same events, in the same order.
    wait_until("the listener to record four health events", || d.sandbox.read("health.txt").lines().count() >= 4);
    let recorded: Vec<String> = d.sandbox.read("health.txt").lines().map(str::to_string).collect();
    assert_eq!(recorded[..3], expected);
    assert!(recorded[3].starts_with("processname:app groupname:app from_health:unhealthy to_health:none pid:"));
    drop(stream);
    d.shutdown_and_check();
}
