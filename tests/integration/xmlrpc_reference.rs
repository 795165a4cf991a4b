//! The checks that keep `tests/reference/xmlrpc_probe.py` from rotting: it runs against the real
//! supervisord and its transcript must be well formed and agree with our static knowledge of the
//! API (method table, signatures, fault names, process info fields), and two runs of it must give
//! equal transcripts. The differential test runs the same probe against taskmasterd and
//! supervisord at once, and compares the transcripts with `xmlrpc_probe.py --compare`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use taskmaster::daemon::xmlrpc::faults::FaultCode;
use taskmaster::daemon::xmlrpc::methods::METHODS;

use crate::reference::reference_venv;

/// A probe run, killed with its whole process group (supervisord included) if the test fails.
struct ProbeRun(Child);

impl Drop for ProbeRun {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let group = nix::unistd::Pid::from_raw(-(self.0.id() as i32));
            // TERM first: supervisord then stops its children instead of orphaning them.
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGTERM);
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
            let _ = self.0.wait();
        }
    }
}

fn probe_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/xmlrpc_probe.py")
}

/// Starts the probe against a fresh supervisord, writing its transcript to `out`.
fn start_probe(venv: &Path, out: &Path) -> ProbeRun {
    start_probe_of(venv, &venv.join("bin/supervisord"), out)
}

/// Starts the probe against a fresh `daemon` (run as `daemon -n -c FILE`).
fn start_probe_of(venv: &Path, daemon: &Path, out: &Path) -> ProbeRun {
    use std::os::unix::process::CommandExt;
    let child = Command::new(venv.join("bin/python"))
        .arg(probe_script())
        .arg("--launch")
        .arg(daemon)
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("run the probe");
    ProbeRun(child)
}

/// Waits for a probe run to finish, successfully.
fn finish_probe(mut run: ProbeRun) {
    // The probe bounds each of its own waits; this bounds the whole.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = run.0.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(180), "the probe did not finish");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    use std::io::Read;
    run.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "the probe failed ({status}): {stderr}");
}

fn steps_of<'a>(steps: &'a [Value], call: &str) -> Vec<&'a Value> {
    steps.iter().filter(|s| s["call"] == call).collect()
}

#[test]
fn xmlrpc_probe_runs_against_supervisord() {
    let Some(venv) = reference_venv("xmlrpc_probe_runs_against_supervisord") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("transcript.json");
    let again = dir.path().join("again.json");
    // Two runs side by side: the normalised transcripts of one daemon must be equal, or the
    // differential test against taskmasterd would compare noise.
    let (first, second) = (start_probe(&venv, &out), start_probe(&venv, &again));
    finish_probe(first);
    finish_probe(second);
    let compared = Command::new(venv.join("bin/python"))
        .arg(probe_script())
        .arg("--compare")
        .args([&out, &again])
        .output()
        .unwrap();
    assert!(compared.status.success(), "two supervisord runs differ:\n{}", String::from_utf8_lossy(&compared.stdout));
    let transcript: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("JSON transcript");
    let steps = transcript["steps"].as_array().expect("steps");
    assert!(steps.len() > 150, "only {} steps", steps.len());

    // Every step is one call or one HTTP check, with exactly one outcome and a known comparison.
    for step in steps {
        let outcomes = ["result", "fault", "error", "status"].iter().filter(|k| step.get(**k).is_some()).count();
        assert_eq!(outcomes, 1, "{step}");
        assert!(step.get("call").is_some() != step.get("http").is_some(), "{step}");
        let compare = step["compare"].as_str().unwrap_or_default();
        assert!(["exact", "type", "fault", "diverges"].contains(&compare), "{step}");
        if compare == "diverges" {
            assert!(step["note"].is_string(), "{step}");
        }
        // Normalised: no temp directory, no raw pid or time left in a process info.
        let text = step.to_string();
        assert!(!text.contains(&*dir.path().to_string_lossy()) && !text.contains("xmlrpc-probe-"), "{step}");
        if let Some(fault) = step.get("fault") {
            let code = FaultCode::from_code(fault["code"].as_i64().unwrap()).expect("a known fault code");
            assert!(fault["string"].as_str().unwrap().starts_with(code.name()), "{step}");
        }
    }

    // supervisord's method table is ours.
    let listed = &steps_of(steps, "system.listMethods")[0]["result"];
    let ours: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
    assert_eq!(listed, &serde_json::json!(ours));
    for step in steps_of(steps, "system.methodSignature") {
        let Some(name) = step["args"][0].as_str() else { continue };
        match METHODS.iter().find(|m| m.name == name) {
            Some(m) => assert_eq!(step["result"], serde_json::json!(m.signature), "{name}"),
            None => assert_eq!(step["fault"]["code"], 4, "{name}"),
        }
    }

    // The process info shape and the descriptions our pure function writes.
    let info = &steps_of(steps, "supervisor.getProcessInfo")[0]["result"];
    let mut keys: Vec<&str> = info.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "description",
            "exitstatus",
            "group",
            "logfile",
            "name",
            "now",
            "pid",
            "spawnerr",
            "start",
            "state",
            "statename",
            "stderr_logfile",
            "stdout_logfile",
            "stop"
        ]
    );
    let descriptions: Vec<&str> = steps_of(steps, "supervisor.getProcessInfo")
        .iter()
        .filter_map(|s| s["result"]["description"].as_str())
        .collect();
    for expected in
        ["pid <pid>, uptime <uptime>", "Not started", "<date>", "Exited too quickly (process log may have details)"]
    {
        assert!(descriptions.contains(&expected), "{expected} not in {descriptions:?}");
    }

    // Multicall: values bare, faults as structs, in order.
    let multicall = steps_of(steps, "system.multicall")[0]["result"].as_array().unwrap().clone();
    assert_eq!(multicall[0], "3.0");
    assert_eq!(multicall[1]["faultCode"], 10);
    assert_eq!(multicall[3]["faultString"], "INCORRECT_PARAMETERS: Recursive system.multicall forbidden");

    // HTTP: auth challenge and the log streams supervisorctl's tail -f reads.
    let http = |what: &str| steps.iter().find(|s| s["http"] == what).unwrap_or_else(|| panic!("{what}"));
    assert_eq!(http("POST /RPC2 without credentials")["status"], 401);
    assert_eq!(http("POST /RPC2 without credentials")["headers"]["www-authenticate"], "Basic realm=\"default\"");
    assert_eq!(http("GET /logtail/echoer/stderr")["headers"]["transfer-encoding"], "chunked");
    assert_eq!(http("GET /logtail/echoer/stderr")["first_chunk"], "err line\n");
    assert_eq!(http("GET /logtail/nosuch")["status"], 404);
}

/// The differential test of the whole API: every method, faults and multicall included, and the
/// HTTP checks (auth, log streams), on the same config, supervisord and taskmasterd side by side.
#[test]
fn taskmasterd_answers_the_xmlrpc_probe_as_supervisord_does() {
    let Some(venv) = reference_venv("taskmasterd_answers_the_xmlrpc_probe_as_supervisord_does") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The probe runs `taskmasterd -n -c FILE`: the binary's supervisord-style name.
    let taskmasterd = dir.path().join("taskmasterd");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_taskmaster"), &taskmasterd).unwrap();
    let (reference, ours) = (dir.path().join("supervisord.json"), dir.path().join("taskmasterd.json"));
    let (a, b) = (start_probe(&venv, &reference), start_probe_of(&venv, &taskmasterd, &ours));
    finish_probe(b);
    finish_probe(a);
    let compared = Command::new(venv.join("bin/python"))
        .arg(probe_script())
        .arg("--compare")
        .args([&reference, &ours])
        .output()
        .unwrap();
    assert!(
        compared.status.success(),
        "taskmasterd differs from supervisord:\n{}{}",
        String::from_utf8_lossy(&compared.stdout),
        String::from_utf8_lossy(&compared.stderr)
    );
    let transcript: Value = serde_json::from_str(&std::fs::read_to_string(&ours).unwrap()).expect("JSON transcript");
    assert!(transcript["steps"].as_array().expect("steps").len() > 150);
}

/// Runs a Python snippet with the reference interpreter, `input` on its stdin; its stdout.
fn python(venv: &Path, code: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(venv.join("bin/python"))
        .arg("-c")
        .arg(code)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn xmlrpc_codec_agrees_with_pythons_xmlrpc_client() {
    use taskmaster::daemon::xmlrpc::codec::{self, Limits};
    use taskmaster::daemon::xmlrpc::value::Value;
    let Some(venv) = reference_venv("xmlrpc_codec_agrees_with_pythons_xmlrpc_client") else {
        return;
    };

    // Our answers, read by xmlrpc.client as supervisorctl reads them.
    let reader = r#"
import json, sys, xmlrpc.client
try:
    value = xmlrpc.client.loads(sys.stdin.read(), use_builtin_types=True)[0][0]
except xmlrpc.client.Fault as f:
    value = {"fault": [f.faultCode, f.faultString]}
print(json.dumps(value, default=lambda o: o.decode() if isinstance(o, bytes) else str(o)))
"#;
    let cases: Vec<(String, serde_json::Value)> = vec![
        (codec::encode_response(&Value::from("3.0")), serde_json::json!("3.0")),
        (
            codec::encode_response(&Value::from("<&> é \u{1F600} tab\there")),
            serde_json::json!("<&> é \u{1F600} tab\there"),
        ),
        // An ANSI escape: U+FFFD instead of an answer no parser accepts.
        (
            codec::encode_response(&Value::from("\u{1b}[1mbold\u{1b}[0m")),
            serde_json::json!("\u{fffd}[1mbold\u{fffd}[0m"),
        ),
        // A raw CR is read as LF by any XML parser, for supervisord's answers as for ours.
        (codec::encode_response(&Value::from("a\r\nb\rc")), serde_json::json!("a\nb\nc")),
        (
            codec::encode_response(&Value::structure([
                ("i", Value::Int(-3)),
                ("big", Value::Int(i64::MAX)),
                ("b", Value::Bool(true)),
                ("d", Value::Double(1e16)),
                ("l", Value::Array(vec![Value::Array(vec![]), Value::Struct(vec![])])),
                ("t", Value::DateTime("20261129T16:00:00".into())),
                ("bin", Value::Base64(b"hello world".repeat(10))),
            ])),
            serde_json::json!({"i": -3, "big": 2147483647, "b": true, "d": 1e16, "l": [[], {}],
                "t": "2026-11-29 16:00:00", "bin": "hello world".repeat(10)}),
        ),
        (codec::encode_fault(10, "BAD_NAME: <x>"), serde_json::json!({"fault": [10, "BAD_NAME: <x>"]})),
    ];
    for (xml, expected) in cases {
        let got: serde_json::Value = serde_json::from_str(&python(&venv, reader, &xml)).unwrap();
        assert_eq!(got, expected, "{xml}");
    }

    // Calls written by xmlrpc.client, read by us.
    let writer = r#"
import json, xmlrpc.client
calls = [
    ("supervisor.startProcess", ("grp:web", False)),
    ("supervisor.readProcessStdoutLog", ("web", -100, 0)),
    ("supervisor.sendProcessStdin", ("cat", "<&> é\r\n\x7f")),
    ("system.multicall", ([{"methodName": "supervisor.getState", "params": []},
                           {"methodName": "x.y", "params": [1.5, None, True, {"k": ["v"]}]}],)),
    ("x.y", (xmlrpc.client.Binary(b"bytes"), xmlrpc.client.DateTime("20261129T16:00:00"))),
]
print(json.dumps([xmlrpc.client.dumps(p, m, allow_none=True) for m, p in calls]))
"#;
    let written: Vec<String> = serde_json::from_str(&python(&venv, writer, "")).unwrap();
    let expected = [
        ("supervisor.startProcess", vec![Value::from("grp:web"), Value::Bool(false)]),
        ("supervisor.readProcessStdoutLog", vec![Value::from("web"), Value::Int(-100), Value::Int(0)]),
        // The CR survives: Python writes it raw and XML turns CRLF into LF.
        ("supervisor.sendProcessStdin", vec![Value::from("cat"), Value::from("<&> é\n\u{7f}")]),
        (
            "system.multicall",
            vec![Value::Array(vec![
                Value::structure([
                    ("methodName", Value::from("supervisor.getState")),
                    ("params", Value::Array(vec![])),
                ]),
                Value::structure([
                    ("methodName", Value::from("x.y")),
                    (
                        "params",
                        Value::Array(vec![
                            Value::Double(1.5),
                            Value::Nil,
                            Value::Bool(true),
                            Value::structure([("k", Value::Array(vec![Value::from("v")]))]),
                        ]),
                    ),
                ]),
            ])],
        ),
        ("x.y", vec![Value::from("bytes"), Value::DateTime("20261129T16:00:00".into())]),
    ];
    assert_eq!(written.len(), expected.len());
    for (xml, (method, params)) in written.iter().zip(expected) {
        let call = codec::decode_call(xml.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}: {xml}"));
        assert_eq!(call.method, method);
        assert_eq!(call.params, params, "{xml}");
    }
}
