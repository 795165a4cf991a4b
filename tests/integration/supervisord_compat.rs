//! supervisord's own config files, as they are: `check` accepts each example of
//! `tests/supervisord-confs/`, `convert` turns each into TOML that loads to the same model, the
//! daemon runs them, and (with the reference tools) the real supervisord and taskmasterd, each on
//! its own copy, settle to the same processes in the same states.

use std::collections::BTreeMap;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::reference::reference_venv;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/supervisord-confs");

/// The main files of the examples (those of `conf.d/` are included by them).
fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(EXAMPLES)
        .expect("examples folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "examples missing: {names:?}");
    names
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A sandbox holding a copy of the examples folder.
fn examples_copy() -> Sandbox {
    let sandbox = Sandbox::new();
    copy_dir(Path::new(EXAMPLES), sandbox.dir.path());
    sandbox
}

#[test]
fn check_accepts_every_supervisord_example() {
    let sandbox = examples_copy();
    for name in examples() {
        let out = sandbox.run(&["check", "-c", &name]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains(": ok, supervisord INI ("), "{name}: {}", stdout(&out));
        // Whatever is accepted without being acted on is said, with its place.
        for line in stderr(&out).lines() {
            assert!(line.starts_with(&format!("warning: {}", sandbox.path(&name).display())), "{name}: {line}");
        }
    }
    let out = sandbox.run(&["check", "-c", "listeners.conf"]);
    let warnings = stderr(&out);
    // Event listeners, the event keys and the HTTP server are implemented: no warning about them.
    assert!(!warnings.contains("eventlistener") && !warnings.contains("events_enabled"), "{warnings}");
    assert!(!warnings.contains("[inet_http_server] port"), "{warnings}");
}

#[test]
fn convert_round_trips_every_example() {
    let sandbox = examples_copy();
    for name in examples() {
        let out = sandbox.run(&["convert", &name]);
        assert!(out.status.success(), "convert {name}: {}", stderr(&out));
        let converted = sandbox.path(&name.replace(".conf", ".toml"));
        std::fs::write(&converted, &out.stdout).unwrap();

        let check = sandbox.run(&["check", "-c", converted.to_str().unwrap()]);
        assert!(check.status.success(), "{name} converted:\n{}\n{}", stdout(&out), stderr(&check));
        assert!(stdout(&check).contains("taskmaster TOML"), "{}", stdout(&check));

        let original = taskmaster::config::load(&sandbox.path(&name)).unwrap();
        let mut again = taskmaster::config::load(&converted).unwrap();
        assert!(!original.programs.is_empty(), "{name} has no programs");
        again.source = original.source.clone();
        again.format = original.format;
        again.warnings = original.warnings.clone();
        assert_eq!(original, again, "{name} and its conversion load differently:\n{}", stdout(&out));
    }
}

#[test]
fn convert_keeps_comments_and_says_what_it_did_not_convert() {
    let sandbox = examples_copy();
    let out = sandbox.run(&["convert", "workers.conf"]);
    let toml = stdout(&out);
    // A comment above a key stays above it; an inline one stays on its line.
    assert!(
        toml.contains("# Configs in the wild write a huge number to mean \"keep trying\".\nstartretries = 1000000\n"),
        "{toml}"
    );
    assert!(toml.contains("command = \"/bin/sleep 1000\"  # stands for: php artisan queue:work --sleep=3"), "{toml}");
    assert!(toml.contains("[program.worker]\n"), "{toml}");
    assert!(toml.contains("autorestart = true\n"), "{toml}");
    let out = sandbox.run(&["convert", "listeners.conf"]);
    let toml = stdout(&out);
    assert!(toml.contains("[eventlistener.crashmail]\ncommand = \"crashmail -a -m root@localhost\"\n"), "{toml}");
    assert!(toml.contains("# [fcgi-program:php]: not converted: FastCGI programs are not implemented yet"), "{toml}");
    assert!(toml.contains("# socket = unix:///%(here)s/php.sock"), "{toml}");
    let out = sandbox.run(&["convert", "includes.conf"]);
    let toml = stdout(&out);
    assert!(toml.contains("# ---- included from "), "{toml}");
    assert!(toml.contains(&format!("stdout_logfile = \"{}/extra.log\"", sandbox.path("conf.d").display())), "{toml}");
}

#[test]
fn convert_refuses_broken_and_non_supervisord_files() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("bad.conf"), "[supervisord]\n\n[program:x]\ncommand=x\nautostart=maybe\n").unwrap();
    let out = sandbox.run(&["convert", "bad.conf"]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!("{}:5:11: [program:x] autostart: 'maybe' is not a boolean", sandbox.path("bad.conf").display());
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    sandbox.write_config("[program.x]\ncommand = \"x\"\n");
    let out = sandbox.run(&["convert", "taskmaster.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a supervisord config"), "{}", stderr(&out));
}

#[test]
fn supervisord_search_path_is_used_when_no_taskmaster_config_exists() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path("etc")).unwrap();
    std::fs::write(sandbox.path("etc/supervisord.conf"), "[supervisord]\n[program:from_etc]\ncommand=/bin/true\n")
        .unwrap();
    let out = sandbox.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("etc/supervisord.conf: ok, supervisord INI (1 program"), "{}", stdout(&out));
    // ./supervisord.conf comes before etc/supervisord.conf, as in supervisord.
    std::fs::write(sandbox.path("supervisord.conf"), "[supervisord]\n").unwrap();
    let out = sandbox.run(&["check"]);
    assert!(stdout(&out).contains("supervisord.conf: ok, supervisord INI (0 programs"), "{}", stdout(&out));
    // Ours come first.
    sandbox.write_config("");
    let out = sandbox.run(&["check"]);
    assert!(stdout(&out).contains("taskmaster.toml: ok, taskmaster TOML"), "{}", stdout(&out));
}

/// A daemon (ours or supervisord) running in the foreground on one example, in its own copy of
/// the examples folder; stopped and reaped on drop.
struct Running {
    sandbox: Sandbox,
    config: PathBuf,
    child: Option<Child>,
    ctl: Vec<String>,
}

impl Running {
    #[track_caller]
    fn start(mut command: Command, ctl: Vec<String>, example: &str) -> Running {
        let sandbox = examples_copy();
        let config = sandbox.path(example);
        let child = command
            .arg("-c")
            .arg(&config)
            .current_dir(sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn daemon");
        let running = Running { sandbox, config, child: Some(child), ctl };
        let socket = running.sandbox.path("supervisor.sock");
        wait_until(&format!("{} to listen on {}", running.ctl[0], socket.display()), || {
            UnixStream::connect(&socket).is_ok()
        });
        running
    }

    fn ctl(&self, args: &[&str]) -> Output {
        Command::new(&self.ctl[0])
            .args(&self.ctl[1..])
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .current_dir(self.sandbox.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run the control client")
    }

    /// `status` as (name, state) lines, pids and times dropped, and its exit code.
    fn status(&self) -> Status {
        let out = self.ctl(&["status"]);
        let lines = stdout(&out)
            .lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                Some((words.next()?.to_string(), words.next()?.to_string()))
            })
            .collect();
        (lines, out.status.code())
    }
}

type Status = (Vec<(String, String)>, Option<i32>);

/// Whether no process is in a passing state.
fn settled((lines, _): &Status) -> bool {
    !lines.is_empty() && lines.iter().all(|(_, state)| !matches!(state.as_str(), "STARTING" | "BACKOFF" | "STOPPING"))
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn taskmasterd() -> (Command, Vec<String>) {
    let mut daemon = Command::new(BIN);
    daemon.args(["daemon", "-n"]);
    (daemon, vec![BIN.to_string(), "ctl".to_string()])
}

#[test]
fn the_daemon_runs_a_supervisord_conf_as_it_is() {
    let (daemon, ctl) = taskmasterd();
    let running = Running::start(daemon, ctl, "workers.conf");
    let want: BTreeMap<String, String> = [
        ("broken", "FATAL"),
        ("manual", "STOPPED"),
        ("once", "EXITED"),
        ("worker:worker-1", "RUNNING"),
        ("worker:worker-2", "RUNNING"),
        ("worker:worker-3", "RUNNING"),
    ]
    .into_iter()
    .map(|(n, s)| (n.to_string(), s.to_string()))
    .collect();
    let mut last = (Vec::new(), None);
    wait_until("the processes of workers.conf to reach their states", || {
        last = running.status();
        last.0.iter().cloned().collect::<BTreeMap<_, _>>() == want
    });
    assert_eq!(last.1, Some(3), "status exits 3 when a process is not running, as supervisorctl does");
    // What is accepted but not acted on is in the activity log too, with its place.
    let log = running.sandbox.read("supervisord.log");
    let place = format!("config: {}:34:16: [program:worker] stdout_logfile: ", running.config.display());
    assert!(log.contains(&place), "{log}");
    // nocleanup is acted on (AUTO logs are kept): no warning about it.
    assert!(!log.contains("nocleanup"), "{log}");
    let out = running.ctl(&["start", "manual"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&running.ctl(&["status", "manual"])).contains("RUNNING"));
    // Under supervisorctl's name (make install-compat), the same binary is the client.
    let supervisorctl = running.sandbox.path("supervisorctl");
    std::os::unix::fs::symlink(BIN, &supervisorctl).unwrap();
    let out = Command::new(&supervisorctl)
        .arg("-c")
        .arg(&running.config)
        .args(["status", "worker:*"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains("RUNNING")).count(), 3, "{}", stdout(&out));
}

/// The same supervisord.conf under the real supervisord (queried with supervisorctl) and under
/// taskmasterd (queried with taskmasterctl): the same processes, in the same states, once both
/// have settled, and the same exit code of `status`.
#[test]
fn differential_status_matches_supervisord() {
    let Some(venv) = reference_venv("differential_status_matches_supervisord") else { return };
    for example in ["workers.conf", "webapp.conf", "includes.conf", "docker.conf"] {
        let mut supervisord = Command::new(venv.join("bin/supervisord"));
        supervisord.arg("-n");
        let supervisorctl = vec![venv.join("bin/supervisorctl").display().to_string()];
        let theirs = Running::start(supervisord, supervisorctl, example);
        let (daemon, ctl) = taskmasterd();
        let ours = Running::start(daemon, ctl, example);
        // Both settle to the same answer, seen twice in a row (a process that exits at once is
        // RUNNING for a moment); a lasting difference fails at the deadline, showing both.
        let start = Instant::now();
        let mut previous = None;
        loop {
            let now = (theirs.status(), ours.status());
            let agree = settled(&now.0) && now.0 == now.1;
            if agree && previous.as_ref() == Some(&now) {
                break;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{example}: no agreement within {DEADLINE:?}\nsupervisorctl status: {:#?}\ntaskmasterctl status: {:#?}",
                now.0,
                now.1
            );
            previous = Some(now);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
