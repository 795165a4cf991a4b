//! (Differential test of taskmasterctl against supervisorctl; `supervisorctl_compat` drives
//! taskmasterd with supervisorctl itself.)
//! taskmasterctl answers as supervisorctl does: the same supervisord.conf runs once under the
//! real supervisord (driven by supervisorctl) and once under taskmasterd (driven by
//! taskmasterctl), the same actions go to both, and their outputs (normalised for pids, uptimes,
//! dates and the temp dir) and exit codes must be equal, line by line.
//!
//! One table of cases; each case has its own two temp dirs and daemons, and every case and both
//! sides of it run at once, so the test takes about as long as its longest case.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::reference::reference_venv;

/// Every case's config starts with this: the socket and the daemon's files in the case's dir.
const HEADER: &str = "\
[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock
";

#[derive(Debug, Clone, Copy)]
enum Step {
    /// Run the client with these arguments; compare output and exit code.
    Ctl(&'static [&'static str]),
    /// The same, comparing the output's lines in any order: supervisord answers `all` and
    /// `GROUP:*` in the order its processes finish, which is a race between equals, and lists
    /// `avail` in an order that depends on how it last read its file.
    Unordered(&'static [&'static str]),
    /// Wait until `status NAME` shows the state (not compared).
    Until(&'static str, &'static str),
    /// Rewrite the config file with these programs (the header stays).
    Rewrite(&'static str),
}

use Step::*;

struct Case {
    name: &'static str,
    programs: &'static str,
    steps: &'static [Step],
}

/// The config of the reread/update case before and after the change. Declared in name order,
/// which is the order supervisord acts in.
const BEFORE_UPDATE: &str = concat!(
    "[program:change]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:gone]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[group:grp]\nprograms=a,b\n",
    "[program:keep]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:sig]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
);
const AFTER_UPDATE: &str = concat!(
    "[program:change]\ncommand=/bin/sleep 999\nstartsecs=0\n",
    "[program:fresh]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:a]\ncommand=/bin/sleep 999\nstartsecs=0\n",
    "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[group:grp]\nprograms=a,b\n",
    "[program:keep]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
    "[program:lazy]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
    "[program:sig]\ncommand=/bin/sleep 1000\nstartsecs=0\nstopsignal=INT\n",
);

/// The cases. Signals sent to running processes are ones a process survives by default
/// (WINCH): a process killed at once would be restarted by each daemon at its own pace
/// (supervisord on its next tick, taskmasterd after a crash loop's pause), a race, not a
/// difference of answers.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "reread and update",
            programs: BEFORE_UPDATE,
            steps: &[
                Until("keep", "RUNNING"),
                Until("grp:b", "RUNNING"),
                Ctl(&["reread"]),
                Ctl(&["update"]),
                Rewrite(AFTER_UPDATE),
                Ctl(&["reread"]),
                Ctl(&["update", "nosuch"]),
                Ctl(&["update"]),
                Until("change", "RUNNING"),
                Until("grp:a", "RUNNING"),
                Until("grp:b", "RUNNING"),
                Until("sig", "RUNNING"),
                Until("fresh", "RUNNING"),
                Ctl(&["status"]),
                Ctl(&["update"]),
                Ctl(&["reread"]),
            ],
        },
        Case {
            name: "add and remove",
            programs: concat!(
                "[program:keep]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
                "[program:lazy]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
            ),
            steps: &[
                Until("keep", "RUNNING"),
                Ctl(&["remove", "lazy"]),
                Ctl(&["remove", "keep"]),
                Ctl(&["remove", "nosuch"]),
                Ctl(&["reread"]),
                Unordered(&["avail"]),
                Ctl(&["add", "lazy"]),
                Ctl(&["add", "lazy"]),
                Ctl(&["add", "nosuch"]),
                Ctl(&["status", "lazy"]),
            ],
        },
        Case {
            name: "empty configuration",
            programs: "",
            steps: &[
                Ctl(&["status"]),
                Ctl(&["status", "all"]),
                Ctl(&["start", "all"]),
                Ctl(&["stop", "all"]),
                Unordered(&["avail"]),
                Ctl(&["pid", "nosuch"]),
                Ctl(&["status", "nosuch"]),
            ],
        },
        Case {
            name: "descriptions and status exit codes",
            programs: concat!(
                "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
                "[program:manual]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
                "[program:once]\ncommand=/bin/sh -c \"exit 0\"\nstartsecs=0\nautorestart=false\n",
                "[program:bad]\ncommand=/bin/sh -c \"exit 3\"\nstartsecs=0\nautorestart=false\n",
                "[program:killed]\ncommand=/bin/sh -c \"kill -9 $$\"\nstartsecs=0\nautorestart=false\n",
            ),
            steps: &[
                Until("sleeper", "RUNNING"),
                Until("once", "EXITED"),
                Until("bad", "EXITED"),
                Until("killed", "EXITED"),
                Ctl(&["status"]),
                Ctl(&["status", "sleeper"]),
                Ctl(&["status", "manual"]),
                Ctl(&["status", "nosuch", "sleeper"]),
                Ctl(&["status", "sleeper", "nosuch"]),
                Ctl(&["status", "nosuch"]),
                Ctl(&["status", "nogroup:*"]),
                Ctl(&["status", "sleeper:nosuch"]),
                Ctl(&["status", "sleeper", "manual", "bad"]),
                Ctl(&["status", "all", "nosuch"]),
                Ctl(&["stop", "sleeper"]),
                Ctl(&["status", "sleeper"]),
            ],
        },
        Case {
            name: "start, stop, signal and pid outcomes",
            programs: concat!(
                "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
                "[program:manual]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
                "[program:nofile]\ncommand=/nonexistent/program\nautostart=false\n",
                "[program:notexec]\ncommand=%(here)s/supervisord.conf\nautostart=false\n",
                "[program:quick]\ncommand=/bin/sh -c \"exit 1\"\nautostart=false\nstartsecs=1\nstartretries=0\n",
            ),
            steps: &[
                Until("sleeper", "RUNNING"),
                Ctl(&["start", "sleeper"]),
                Ctl(&["stop", "manual"]),
                Ctl(&["stop", "nosuch"]),
                Ctl(&["start", "nosuch"]),
                Ctl(&["start", "nofile"]),
                Ctl(&["start", "notexec"]),
                Ctl(&["start", "quick"]),
                Ctl(&["status", "quick", "nofile"]),
                Ctl(&["start", "nosuch:*"]),
                Ctl(&["stop", "nosuch:*"]),
                Ctl(&["pid", "nosuch"]),
                Ctl(&["pid", "manual"]),
                Ctl(&["pid", "sleeper"]),
                Ctl(&["signal", "HUP", "manual"]),
                Ctl(&["signal", "HUP", "nosuch:*"]),
                Ctl(&["signal", "FOO", "sleeper"]),
                Ctl(&["signal", "FOO", "nosuch"]),
                Ctl(&["signal", "WINCH", "sleeper"]),
                Ctl(&["start", "manual", "nosuch"]),
                Ctl(&["stop", "nosuch", "manual"]),
                Ctl(&["restart", "manual"]),
                Ctl(&["restart", "nosuch"]),
            ],
        },
        Case {
            name: "groups",
            programs: concat!(
                "[program:w]\ncommand=/bin/sleep 1000\nprocess_name=%(program_name)s_%(process_num)s\n",
                "numprocs=2\nstartsecs=0\nautostart=false\n",
                "[program:x]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
                "[group:g]\nprograms=w,x\n",
            ),
            steps: &[
                Ctl(&["status"]),
                Unordered(&["start", "g:*"]),
                Ctl(&["start", "g:*"]),
                Ctl(&["status", "g:*"]),
                Ctl(&["stop", "g:w_0"]),
                Unordered(&["restart", "g:*"]),
                Unordered(&["signal", "WINCH", "g:*"]),
                Unordered(&["stop", "g:*"]),
                Ctl(&["stop", "g:*"]),
                Ctl(&["signal", "HUP", "g:*"]),
                Ctl(&["restart", "g:x"]),
            ],
        },
        Case {
            name: "all",
            programs: concat!(
                "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
                "[program:manual]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
                // Runs a moment, so that a start of it is answered before it ends.
                "[program:once]\ncommand=/bin/sh -c \"sleep 1; exit 0\"\nstartsecs=0\nautorestart=false\n",
            ),
            steps: &[
                Until("once", "EXITED"),
                Until("sleeper", "RUNNING"),
                Unordered(&["pid", "all"]),
                Unordered(&["signal", "WINCH", "all"]),
                Unordered(&["stop", "all"]),
                Ctl(&["stop", "all"]),
                Unordered(&["start", "all"]),
                Until("once", "EXITED"),
                Ctl(&["start", "all"]),
                Unordered(&["avail"]),
            ],
        },
        Case {
            name: "logs",
            programs: concat!(
                // RUNNING after a second: by then its line is in the log on both sides.
                "[program:talker]\ncommand=/bin/sh -c \"echo hello; exec /bin/sleep 1000\"\nstartsecs=1\n",
                "stdout_logfile=%(here)s/talker.log\n",
                "[program:nolog]\ncommand=/bin/sleep 1000\nstartsecs=0\nstdout_logfile=NONE\n",
            ),
            steps: &[
                Until("talker", "RUNNING"),
                Ctl(&["tail", "talker"]),
                Ctl(&["tail", "-3", "talker"]),
                Ctl(&["tail", "nosuch"]),
                Ctl(&["tail", "nolog"]),
                Ctl(&["clear", "talker"]),
                Ctl(&["clear", "nosuch"]),
                Ctl(&["clear", "talker", "nosuch"]),
                Ctl(&["tail", "talker"]),
            ],
        },
    ]
}

/// One daemon on one case's config in a temp dir of its own, stopped and reaped on drop.
struct Side {
    sandbox: Sandbox,
    child: Option<Child>,
    ctl: Vec<String>,
}

impl Side {
    fn start(mut daemon: Command, ctl: Vec<String>, programs: &str) -> Side {
        let sandbox = Sandbox::new();
        let config = sandbox.path("supervisord.conf");
        std::fs::write(&config, format!("{HEADER}\n{programs}")).unwrap();
        let child = daemon
            .arg("-c")
            .arg(&config)
            .current_dir(sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the daemon");
        let side = Side { sandbox, child: Some(child), ctl };
        let socket = side.sandbox.path("supervisor.sock");
        wait_until(&format!("{} to listen", side.ctl[0]), || UnixStream::connect(&socket).is_ok());
        side
    }

    fn run(&self, args: &[&str]) -> (String, Option<i32>) {
        let out = Command::new(&self.ctl[0])
            .args(&self.ctl[1..])
            .arg("-c")
            .arg(self.sandbox.path("supervisord.conf"))
            .args(args)
            .current_dir(self.sandbox.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run the client");
        let dir = self.sandbox.dir.path().display().to_string();
        let mut text: String = stdout(&out).lines().map(|l| normalise(&l.replace(&dir, "DIR")) + "\n").collect();
        for line in stderr(&out).lines() {
            text.push_str(&format!("stderr: {}\n", line.replace(&dir, "DIR")));
        }
        (text, out.status.code())
    }

    /// Runs the steps; the transcript of the compared ones.
    fn transcript(&self, steps: &[Step]) -> Vec<String> {
        let mut transcript = Vec::new();
        for step in steps {
            let (args, ordered) = match step {
                Ctl(args) => (args, true),
                Unordered(args) => (args, false),
                Rewrite(programs) => {
                    std::fs::write(self.sandbox.path("supervisord.conf"), format!("{HEADER}\n{programs}")).unwrap();
                    continue;
                }
                Until(name, state) => {
                    wait_until(&format!("{name} to be {state} under {}", self.ctl[0]), || {
                        self.run(&["status", name]).0.split_whitespace().nth(1) == Some(*state)
                    });
                    continue;
                }
            };
            let (mut text, code) = self.run(args);
            if !ordered {
                let mut lines: Vec<&str> = text.lines().collect();
                lines.sort();
                text = lines.iter().map(|l| format!("{l}\n")).collect();
            }
            transcript.push(format!("$ ctl {}\n{text}[exit {code:?}]\n", args.join(" ")));
        }
        transcript
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGTERM);
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

/// Pids, uptimes and dates replaced by placeholders.
fn normalise(line: &str) -> String {
    if !line.is_empty() && line != "0" && line.bytes().all(|b| b.is_ascii_digit()) {
        return "PID".to_string();
    }
    let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
    for i in 0..words.len() {
        if i > 0 && words[i - 1] == "pid" {
            words[i] = if words[i].ends_with(',') { "PID,".into() } else { "PID".into() };
        }
        if i > 0 && words[i - 1] == "uptime" {
            words[i] = "UPTIME".into();
        }
    }
    let line = words.join(" ");
    // `Nov 29 04:26 PM`: a month, a day, a time, AM or PM.
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    for month in MONTHS {
        if let Some(at) = line.find(&format!("{month} ")) {
            let rest = &line[at..];
            let date = rest.get(..15).filter(|d| d.ends_with(" AM") || d.ends_with(" PM"));
            if let Some(date) = date {
                return line.replacen(date, "DATE", 1);
            }
        }
    }
    line
}

fn supervisord_side(venv: &Path, programs: &str) -> Side {
    let mut daemon = Command::new(venv.join("bin/supervisord"));
    daemon.arg("-n");
    Side::start(daemon, vec![venv.join("bin/supervisorctl").display().to_string()], programs)
}

fn taskmasterd_side(programs: &str) -> Side {
    let mut daemon = Command::new(BIN);
    daemon.args(["daemon", "-n"]);
    Side::start(daemon, vec![BIN.to_string(), "ctl".to_string()], programs)
}

#[test]
fn normalising_keeps_what_matters() {
    assert_eq!(normalise("12345"), "PID");
    assert_eq!(normalise("0"), "0");
    assert_eq!(
        normalise("web                              RUNNING   pid 42, uptime 0:00:01"),
        "web                              RUNNING   pid PID, uptime UPTIME"
    );
    assert_eq!(normalise("bad    EXITED    Nov 29 04:26 PM"), "bad    EXITED    DATE");
    assert_eq!(normalise("web: ERROR (no such process)"), "web: ERROR (no such process)");
}

/// Every case of [`cases`], both daemons at once, compared step by step.
#[test]
fn supervisorctl_and_taskmasterctl_answer_alike() {
    let Some(venv) = reference_venv("supervisorctl_and_taskmasterctl_answer_alike") else { return };
    let venv: PathBuf = venv;
    let outcomes: Vec<(String, Vec<String>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases()
            .into_iter()
            .map(|case| {
                let venv = &venv;
                scope.spawn(move || {
                    let theirs = scope.spawn(|| supervisord_side(venv, case.programs).transcript(case.steps));
                    let ours = taskmasterd_side(case.programs).transcript(case.steps);
                    (case.name.to_string(), theirs.join().expect("supervisord side"), ours)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("case thread")).collect()
    });
    let mut failures = String::new();
    for (name, theirs, ours) in outcomes {
        assert_eq!(theirs.len(), ours.len(), "{name}: both sides ran every step");
        for (a, b) in theirs.iter().zip(&ours) {
            if a != b {
                failures.push_str(&format!("--- {name}\nsupervisorctl:\n{a}taskmasterctl:\n{b}\n"));
            }
        }
    }
    assert!(failures.is_empty(), "taskmasterctl differs from supervisorctl:\n{failures}");
}

/// `-s` takes supervisorctl's URL forms: `unix:///path` and a plain path; an http:// URL is
/// refused with a reason, not taken for a file name.
#[test]
fn serverurl_takes_supervisorctl_forms() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    d.wait_state("app", "RUNNING");
    let socket = d.sandbox.socket().display().to_string();
    for url in [format!("unix://{socket}"), socket.clone()] {
        let out = d.sandbox.run(&["ctl", "-s", &url, "status", "app"]);
        assert_eq!(out.status.code(), Some(0), "-s {url}: {}", stderr(&out));
        assert!(stdout(&out).contains("RUNNING"), "{}", stdout(&out));
    }
    let out = d.sandbox.run(&["ctl", "-s", "http://localhost:9001", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HTTP server URLs are not supported yet"), "{}", stderr(&out));
    d.shutdown_and_check();
}
