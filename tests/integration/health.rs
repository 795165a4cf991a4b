//! Beyond supervisord: health checks, readiness (sd_notify, log lines) and dependencies, with
//! real programs (small python and sh scripts) gated by files the tests create, so that every
//! "not yet" is observed before the "now".

use crate::harness::*;

/// A free TCP port on loopback (bound then released; the tests' servers bind it again).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn write_script(sandbox: &Sandbox, name: &str, text: &str) -> String {
    let path = sandbox.path(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A TCP server that listens only once the file `open` exists in its directory.
const DB: &str = r#"
import os, socket, sys, time
here = os.path.dirname(os.path.abspath(__file__))
while not os.path.exists(os.path.join(here, "open")):
    time.sleep(0.05)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
"#;

/// Writes whether a port accepts connections into a file, then sleeps.
const PORT_PROBE: &str = r#"
import socket, sys, time
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
    seen = "open"
except OSError:
    seen = "closed"
open(sys.argv[2], "w").write(seen)
time.sleep(1000)
"#;

fn text(p: &serde_json::Value) -> String {
    p["status_text"].as_str().unwrap_or_default().to_string()
}

#[test]
fn web_starts_once_its_database_port_is_open() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let db = write_script(&sandbox, "db.py", DB);
    let probe = write_script(&sandbox, "probe.py", PORT_PROBE);
    let saw = sandbox.path("web-saw.txt");
    sandbox.write_config(&format!(
        "[program.db]\ncommand = \"python3 {db} {port}\"\nstartsecs = 0\npriority = 999\n\
         [program.db.healthcheck]\ntype = \"tcp\"\nport = {port}\ninterval = 0.2\ntimeout = 1\nstart_period = 60\n\n\
         [program.web]\ncommand = \"python3 {probe} {port} {}\"\nstartsecs = 0\npriority = 1\n\
         depends_on = {{ db = \"healthy\" }}\n",
        saw.display()
    ));
    let mut d = Daemon::start_in(sandbox);
    d.wait_state("db", "RUNNING");
    // Held back, with the reason in its status, while the port is closed.
    wait_until("web to say what it waits for", || {
        text(&d.process("web")).starts_with("waiting for db (healthy): db is RUNNING (health: starting)")
    });
    assert_eq!(d.state("web"), "STOPPED");
    assert!(stdout(&d.ctl(&["status", "web"])).contains("waiting for db (healthy)"));

    std::fs::write(d.sandbox.path("open"), "").unwrap();
    d.wait_state("web", "RUNNING");
    wait_until("web's port probe", || saw.exists() && !d.sandbox.read("web-saw.txt").is_empty());
    assert_eq!(d.sandbox.read("web-saw.txt"), "open");
    assert_eq!(d.process("db")["health"], "healthy");
    assert!(d.ctl_ok(&["status", "db"]).contains("RUNNING   (healthy) pid"));

    // A full stop takes the dependant first, although priority alone would stop db first.
    d.ctl_ok(&["shutdown"]);
    assert_eq!(d.wait_exit(), 0);
    let log = d.log();
    let web_stopped = log.find("stopped: web").expect("web stopped");
    let db_stopped = log.find("stopped: db").expect("db stopped");
    assert!(web_stopped < db_stopped, "{log}");
}

#[test]
fn a_migration_gates_its_worker_and_a_start_brings_it_first() {
    let sandbox = Sandbox::new();
    let go = sandbox.path("go");
    let migrated = sandbox.path("migrated.txt");
    let saw = sandbox.path("worker-saw.txt");
    sandbox.write_config(&format!(
        "[program.migrate]\n\
         command = \"sh -c 'while [ ! -e {go} ]; do sleep 0.05; done; echo done > {migrated}'\"\n\
         startsecs = 0\nautorestart = false\nautostart = false\n\n\
         [program.worker]\ncommand = \"sh -c 'cat {migrated} > {saw}; exec sleep 1000'\"\nstartsecs = 0\n\
         autostart = false\ndepends_on = {{ migrate = \"completed\" }}\n",
        go = go.display(),
        migrated = migrated.display(),
        saw = saw.display()
    ));
    let d = Daemon::start_in(sandbox);
    let out = d.ctl_ok(&["start", "--no-wait", "worker"]);
    assert_eq!(out, "migrate: starting (needed by worker)\nworker: starting\n");
    d.wait_state("migrate", "RUNNING");
    wait_until("worker to wait for the migration", || {
        text(&d.process("worker")) == "waiting for migrate (completed): migrate is RUNNING"
    });
    assert_eq!(d.state("worker"), "STOPPED");

    std::fs::write(&go, "").unwrap();
    d.wait_state("migrate", "EXITED");
    d.wait_state("worker", "RUNNING");
    wait_until("the worker's copy", || d.sandbox.read("worker-saw.txt") == "done\n");
    assert_eq!(text(&d.process("worker")), "");

    // --no-deps starts at once, without waiting for the dependency.
    d.ctl_ok(&["stop", "worker"]);
    std::fs::remove_file(&migrated).unwrap();
    std::fs::remove_file(&go).unwrap();
    d.ctl_ok(&["start", "--no-wait", "migrate"]);
    d.wait_state("migrate", "RUNNING");
    assert_eq!(d.ctl_ok(&["start", "--no-deps", "worker"]), "worker: started\n");
    std::fs::write(&go, "").unwrap();
    d.shutdown_and_check();
}

#[test]
fn a_fatal_dependency_leaves_its_dependant_waiting_not_spinning() {
    let d = Daemon::start(
        "[program.broken]\ncommand = \"false\"\nstartsecs = 1\nstartretries = 0\n\n\
         [program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\ndepends_on = [\"broken\"]\n",
    );
    d.wait_state("broken", "FATAL");
    wait_until("app's reason", || text(&d.process("app")) == "waiting for broken (started): broken is FATAL");
    assert_eq!(d.state("app"), "STOPPED");
    let out = d.ctl(&["start", "app"]);
    assert!(!out.status.success());
    // The start tries the dependency again first, and says how that went.
    assert_eq!(
        stdout(&out),
        "broken: starting (needed by app)\nbroken: ERROR (spawn error)\n\
         app: ERROR (a dependency failed; it waits for it (see status))\n"
    );
    assert!(!d.log().contains("spawned: 'app'"));
    d.shutdown_and_check();
}

/// An HTTP server whose /health answers 200, and stops answering once the file `hang` exists
/// (a new instance removes it, so the restarted server is healthy again).
const WEB: &str = r#"
import http.server, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
hang = os.path.join(here, "hang")
if os.path.exists(hang):
    os.remove(hang)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if os.path.exists(hang):
            time.sleep(1000)
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer.allow_reuse_address = True
print("listening", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

#[test]
fn a_program_that_stops_answering_its_http_check_is_restarted() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let web = write_script(&sandbox, "web.py", WEB);
    sandbox.write_config(&format!(
        "[program.web]\ncommand = \"python3 {web} {port}\"\nstartsecs = 0\nstopwaitsecs = 1\n\
         [program.web.healthcheck]\ntype = \"http\"\nurl = \"http://127.0.0.1:{port}/health\"\n\
         interval = 0.3\ntimeout = 1\nretries = 3\nstart_period = 30\n"
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("web to be healthy", || d.process("web")["health"] == "healthy");
    let first = d.pid_of("web").unwrap();

    std::fs::write(d.sandbox.path("hang"), "").unwrap();
    d.wait_log("is unhealthy (timed out after 1s)");
    d.wait_log(&format!("restarting: web (pid {first}): unhealthy after 3 failed checks"));
    wait_until("a new, healthy web", || {
        let p = d.process("web");
        p["pid"].as_u64().is_some_and(|pid| pid as u32 != first) && p["health"] == "healthy"
    });
    assert!(!alive(first));
    d.shutdown_and_check();
}

/// sd_notify by hand: STATUS at once, READY=1 once the file `go` exists, then WATCHDOG=1 every
/// 0.2 s until the file `hang` exists (removed by each new instance).
const NOTIFY: &str = r#"
import os, socket, time
here = os.path.dirname(os.path.abspath(__file__))
hang = os.path.join(here, "hang")
if os.path.exists(hang):
    os.remove(hang)
open(os.path.join(here, "watchdog-usec"), "w").write(os.environ.get("WATCHDOG_USEC", "none"))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
def notify(msg):
    s.sendto(msg.encode(), os.environ["NOTIFY_SOCKET"])
notify("STATUS=warming up")
while not os.path.exists(os.path.join(here, "go")):
    time.sleep(0.05)
notify("READY=1\nSTATUS=serving")
while True:
    if not os.path.exists(hang):
        notify("WATCHDOG=1")
    time.sleep(0.2)
"#;

#[test]
fn a_notify_program_is_running_once_it_says_ready_and_restarted_when_its_watchdog_goes_silent() {
    let sandbox = Sandbox::new();
    let script = write_script(&sandbox, "notify.py", NOTIFY);
    sandbox.write_config(&format!(
        "[program.svc]\ncommand = \"python3 {script}\"\nreadiness = \"notify\"\nstartsecs = 30\nwatchdog = 1\n\
         stopwaitsecs = 1\n"
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("the program's STATUS=", || text(&d.process("svc")) == "warming up");
    assert_eq!(d.state("svc"), "STARTING");
    assert_eq!(d.sandbox.read("watchdog-usec"), "1000000");

    std::fs::write(d.sandbox.path("go"), "").unwrap();
    d.wait_state("svc", "RUNNING");
    wait_until("STATUS=serving", || text(&d.process("svc")) == "serving");
    d.wait_log("success: svc entered RUNNING state, process sent READY=1");
    let first = d.pid_of("svc").unwrap();

    std::fs::write(d.sandbox.path("hang"), "").unwrap();
    d.wait_log("no WATCHDOG=1 for 1 seconds (watchdog)");
    wait_until("a restarted svc", || {
        let p = d.process("svc");
        p["state"] == "RUNNING" && p["pid"].as_u64().is_some_and(|pid| pid as u32 != first)
    });
    d.shutdown_and_check();
}

#[test]
fn a_notify_program_that_never_says_ready_stays_starting_then_fails_its_start() {
    let d = Daemon::start(
        "[program.mute]\ncommand = \"sleep 1000\"\nreadiness = \"notify\"\nstartsecs = 3\nstartretries = 0\n",
    );
    let mut seen = serde_json::Value::Null;
    wait_until("mute to be spawned", || {
        seen = d.process("mute");
        seen["pid"].is_u64()
    });
    // The first sight of its pid: it has not said READY=1, so it is still starting.
    assert_eq!(seen["state"], "STARTING");
    let pid = seen["pid"].as_u64().unwrap() as u32;
    d.wait_state("mute", "FATAL");
    d.wait_log("mute sent no READY=1 within 3 seconds (startsecs); killing it as a failed start");
    d.wait_log("gave up: mute entered FATAL state");
    assert!(!alive(pid));
    d.shutdown_and_check();
}

#[test]
fn a_log_line_makes_a_program_ready_for_its_dependants() {
    let sandbox = Sandbox::new();
    let go = sandbox.path("go");
    sandbox.write_config(&format!(
        "[program.server]\n\
         command = \"sh -c 'echo booting; while [ ! -e {go} ]; do sleep 0.05; done; echo now accepting connections; exec sleep 1000'\"\n\
         startsecs = 0\nreadiness = {{ log_line = \"accepting connections\" }}\n\n\
         [program.client]\ncommand = \"sleep 1000\"\nstartsecs = 0\ndepends_on = {{ server = \"ready\" }}\n",
        go = go.display()
    ));
    let d = Daemon::start_in(sandbox);
    d.wait_state("server", "RUNNING");
    wait_until("client to wait", || {
        text(&d.process("client")) == "waiting for server (ready): server is RUNNING, not ready"
    });
    std::fs::write(&go, "").unwrap();
    d.wait_state("client", "RUNNING");
    d.shutdown_and_check();
}

#[test]
fn an_exec_check_reports_unhealthy_without_restarting_when_told_not_to() {
    let sandbox = Sandbox::new();
    let flag = sandbox.path("ok");
    std::fs::write(&flag, "").unwrap();
    sandbox.write_config(&format!(
        "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\
         [program.app.healthcheck]\ntype = \"exec\"\ncommand = \"test -e {}\"\ninterval = 0.2\nretries = 2\n\
         on_unhealthy = \"none\"\n",
        flag.display()
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("app to be healthy", || d.process("app")["health"] == "healthy");
    let pid = d.pid_of("app");
    std::fs::remove_file(&flag).unwrap();
    wait_until("app to be unhealthy", || d.process("app")["health"] == "unhealthy");
    assert!(d.ctl_ok(&["status", "app"]).contains("RUNNING   (unhealthy) pid"));
    assert_eq!(d.pid_of("app"), pid, "on_unhealthy = none keeps it running");
    std::fs::write(&flag, "").unwrap();
    wait_until("app to be healthy again", || d.process("app")["health"] == "healthy");
    d.shutdown_and_check();
}

#[test]
fn a_check_added_by_update_applies_to_the_renewed_group() {
    let sandbox = Sandbox::new();
    let program = "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n";
    sandbox.write_config(program);
    let d = Daemon::start_in(sandbox);
    d.wait_state("app", "RUNNING");
    let pid = d.pid_of("app");
    assert!(d.process("app").get("health").is_none());
    d.sandbox.write_config(&format!(
        "{program}[program.app.healthcheck]\ntype = \"exec\"\ncommand = \"true\"\ninterval = 0.2\n"
    ));
    assert_eq!(d.ctl_ok(&["update"]), "app: stopped\napp: updated process group\n");
    wait_until("app to be healthy", || d.process("app")["health"] == "healthy");
    assert_ne!(d.pid_of("app"), pid, "a changed group is renewed, as supervisord renews it");
    d.shutdown_and_check();
}

#[test]
fn check_refuses_a_dependency_cycle_at_both_places() {
    let sandbox = Sandbox::new();
    sandbox.write_config(
        "[program.a]\ncommand = \"true\"\ndepends_on = [\"b\"]\n\n[program.b]\ncommand = \"true\"\ndepends_on = { a = \"started\" }\n",
    );
    let out = sandbox.run(&["check", "-c", sandbox.config_path().to_str().unwrap()]);
    assert!(!out.status.success());
    let config = sandbox.config_path().display().to_string();
    let err = stderr(&out) + &stdout(&out);
    for place in ["12:15: [program.a] depends_on", "16:16: [program.b] depends_on"] {
        assert!(err.contains(&format!("{config}:{place}: dependency cycle: a -> b -> a")), "{place}:\n{err}");
    }
}

#[test]
fn a_dependant_waits_for_every_instance_of_a_numprocs_dependency_to_be_ready() {
    let sandbox = Sandbox::new();
    let dir = sandbox.dir.path().display().to_string();
    sandbox.write_config(&format!(
        "[program.db]\ncommand = \"sleep 1000\"\nnumprocs = 2\nstartsecs = 0\nreadiness = \"healthcheck\"\n\
         [program.db.healthcheck]\ntype = \"exec\"\n\
         command = [\"sh\", \"-c\", \"test -e {dir}/ready-$TASKMASTER_PROCESS_NAME\"]\ninterval = 0.2\n\
         start_period = 60\n\n\
         [program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\ndepends_on = {{ db = \"ready\" }}\n"
    ));
    let d = Daemon::start_in(sandbox);
    d.wait_state("db_0", "RUNNING");
    d.wait_state("db_1", "RUNNING");
    std::fs::write(d.sandbox.path("ready-db_0"), "").unwrap();
    wait_until("app to wait for the second instance", || {
        text(&d.process("app")) == "waiting for db (ready): db_1 is RUNNING (health: starting)"
    });
    assert_eq!(d.process("db_0")["health"], "healthy");
    assert_eq!(d.state("app"), "STOPPED");
    std::fs::write(d.sandbox.path("ready-db_1"), "").unwrap();
    d.wait_state("app", "RUNNING");
    d.shutdown_and_check();
}

/// A program that, asked to stop, takes a moment, then appends its name to `stops` and exits:
/// had its dependency been stopped at the same time, the dependency's name would come first.
fn slow_stopper(sandbox: &Sandbox, name: &str, depends: &[&str]) -> String {
    let stops = sandbox.path("stops");
    let depends: Vec<String> = depends.iter().map(|d| format!("\"{d}\"")).collect();
    let depends = depends.join(", ");
    format!(
        "[program.{name}]\ncommand = \"sh -c 'trap \\\"sleep 0.3; echo {name} >> {stops}; exit 0\\\" TERM; \
         while :; do sleep 0.05; done'\"\nstartsecs = 0\nstopwaitsecs = 5\ndepends_on = [{depends}]\n\n",
        stops = stops.display()
    )
}

#[test]
fn a_stop_of_several_programs_stops_dependants_before_their_dependencies() {
    let sandbox = Sandbox::new();
    let config = [
        slow_stopper(&sandbox, "db", &[]),
        slow_stopper(&sandbox, "api", &["db"]),
        slow_stopper(&sandbox, "web", &["api"]),
        slow_stopper(&sandbox, "worker", &["db"]),
        "[group.stack]\nprograms = [\"db\", \"api\", \"web\"]\n".to_string(),
    ]
    .concat();
    sandbox.write_config(&config);
    let d = Daemon::start_in(sandbox);
    let names = ["db", "api", "web", "worker"];
    let all_running = || names.iter().all(|n| d.state(n) == "RUNNING");
    wait_until("everything to run", all_running);
    let stops = |d: &Daemon| d.sandbox.read("stops").lines().map(str::to_string).collect::<Vec<_>>();
    let before = |list: &[String], a: &str, b: &str| {
        let at = |n: &str| list.iter().position(|x| x == n).unwrap_or_else(|| panic!("{n} not stopped: {list:?}"));
        at(a) < at(b)
    };

    // stop GROUP:*: web, then api, then db (worker, not asked, stays up).
    let out = d.ctl_ok(&["stop", "stack:*"]);
    assert_eq!(out, "stack:api: stopped\nstack:db: stopped\nstack:web: stopped\n");
    assert_eq!(stops(&d), ["web", "api", "db"]);
    assert_eq!(d.state("worker"), "RUNNING");

    // stop all: both dependants of db before it, web before api.
    d.ctl_ok(&["start", "all"]);
    wait_until("everything to run again", all_running);
    std::fs::remove_file(d.sandbox.path("stops")).unwrap();
    d.ctl_ok(&["stop", "all"]);
    let list = stops(&d);
    assert_eq!(list.len(), 4, "{list:?}");
    assert!(before(&list, "web", "api") && before(&list, "api", "db") && before(&list, "worker", "db"), "{list:?}");

    // Several names: db waits for web even though api, between them, is not stopped.
    d.ctl_ok(&["start", "all"]);
    wait_until("everything to run a third time", all_running);
    std::fs::remove_file(d.sandbox.path("stops")).unwrap();
    let out = d.ctl_ok(&["stop", "stack:db", "stack:web"]);
    assert_eq!(out, "stack:db: stopped\nstack:web: stopped\n");
    assert_eq!(stops(&d), ["web", "db"]);
    assert_eq!(d.state("api"), "RUNNING");
    d.shutdown_and_check();
}
