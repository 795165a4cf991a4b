//! The reference tools (supervisord 4.3 and friends in a Python virtualenv), and the checks that
//! keep `tests/reference/xmlrpc_probe.py` from rotting: it runs against the real supervisord and
//! its transcript must be well formed and agree with our static knowledge of the API (method
//! table, signatures, fault names, process info fields). The differential test that runs the
//! same probe against taskmasterd comes with the HTTP wiring.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use taskmaster::daemon::xmlrpc::faults::FaultCode;
use taskmaster::daemon::xmlrpc::methods::METHODS;

/// The reference virtualenv, or None (after a loud SKIPPED line) when it is missing. Under CI
/// a missing virtualenv is a failure: `.ci/run` installs it.
pub fn reference_venv(test: &str) -> Option<PathBuf> {
    let venv = match std::env::var_os("TASKMASTER_REF_VENV") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/taskmaster/ref-venv"),
    };
    if venv.join("bin/supervisord").is_file() && venv.join("bin/python").is_file() {
        return Some(venv);
    }
    let why = format!(
        "{test}: reference tools missing at {} (run .ci/run, or: python3 -m venv {0} && {0}/bin/pip install supervisor==4.3.0 superlance)",
        venv.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}

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

fn run_probe(venv: &Path, out: &Path) {
    use std::os::unix::process::CommandExt;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/xmlrpc_probe.py");
    let child = Command::new(venv.join("bin/python"))
        .arg(script)
        .arg("--launch")
        .arg(venv.join("bin/supervisord"))
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("run the probe");
    let mut run = ProbeRun(child);
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
    run_probe(&venv, &out);
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
