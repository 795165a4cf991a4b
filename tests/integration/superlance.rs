//! superlance's TICK-driven listeners, unchanged from PyPI, against the daemon: they read the
//! events on their stdin and act through supervisord's XML-RPC API at SUPERVISOR_SERVER_URL
//! (our unix socket). `memmon` restarts a program that grows past its memory limit; `httpok`
//! restarts a web server that stops answering. Both wait for a TICK_5, so each test takes up
//! to a few seconds (TICK_5 comes at each multiple of 5 s of the clock).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::*;
use crate::reference::reference_venv;

/// Grows in steps of 10 MB (pages touched) up to 80 MB, then says so and sleeps.
const HOG: &str = r#"import os, sys, time
chunks = []
for _ in range(8):
    chunks.append(b"x" * (10 << 20))
    time.sleep(0.05)
open(sys.argv[1], "a").write("%d\n" % os.getpid())
time.sleep(1000)
"#;

#[test]
fn memmon_restarts_a_program_that_grows_past_its_limit() {
    let Some(venv) = reference_venv("memmon_restarts_a_program_that_grows_past_its_limit") else { return };
    let sandbox = Sandbox::new();
    let hog = sandbox.path("hog.py");
    std::fs::write(&hog, HOG).unwrap();
    sandbox.write_config(&format!(
        "[program.hog]\ncommand = \"python3 {hog} %(here)s/grown\"\nstartsecs = 0\nautorestart = false\n\n\
         [program.small]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautorestart = false\n\n\
         [eventlistener.memmon]\ncommand = \"{memmon} -p hog=50MB -p small=50MB\"\nevents = [\"TICK_5\"]\n\
         stderr_logfile = \"%(here)s/memmon.err\"\n",
        hog = hog.display(),
        memmon = venv.join("bin/memmon").display(),
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("hog to reach 80 MB", || !d.sandbox.read("grown").is_empty());
    let first: u32 = d.sandbox.read("grown").trim().parse().unwrap();
    let small = d.pid_of("small").expect("small runs");
    // autorestart = false: only memmon's stopProcess and startProcess give hog a new pid.
    wait_until("memmon to restart hog", || d.pid_of("hog").is_some_and(|pid| pid != first));
    assert!(!alive(first), "the hog that grew was stopped");
    // memmon goes on to small after the restart, and flushes its stderr once a tick is done.
    wait_until("memmon to finish the tick", || d.sandbox.read("memmon.err").contains("RSS of small:small is "));
    let err = d.sandbox.read("memmon.err");
    assert!(err.contains("Restarting hog:hog"), "{err}");
    assert!(!err.contains("Restarting small:small"), "{err}");
    assert_eq!(d.pid_of("small"), Some(small), "small stays under its limit and keeps running");
    let log = d.log();
    assert!(log.contains("stopped: hog (terminated by SIGTERM)"), "{log}");
    d.shutdown_and_check();
}

/// An HTTP server that answers 200 until it gets SIGUSR1, then stops answering (it accepts,
/// reads the request and never replies).
const WEB: &str = r#"import http.server, signal, sys, time
hung = False
def hang(*_):
    global hung
    hung = True
signal.signal(signal.SIGUSR1, hang)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        while hung:
            time.sleep(1)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"#;

/// Whether the server at `port` answers a GET with 200 within a second.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    if stream.write_all(b"GET / HTTP/1.0\r\n\r\n").is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.0 200")
}

#[test]
fn httpok_restarts_a_web_server_that_stops_answering() {
    let Some(venv) = reference_venv("httpok_restarts_a_web_server_that_stops_answering") else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let sandbox = Sandbox::new();
    let web = sandbox.path("web.py");
    std::fs::write(&web, WEB).unwrap();
    sandbox.write_config(&format!(
        "[program.web]\ncommand = \"python3 {web} {port}\"\nstartsecs = 0\nautorestart = false\nstopwaitsecs = 2\n\n\
         [eventlistener.httpok]\ncommand = \"{httpok} -p web -t 1 http://127.0.0.1:{port}/\"\n\
         events = [\"TICK_5\"]\nstderr_logfile = \"%(here)s/httpok.err\"\n",
        web = web.display(),
        httpok = venv.join("bin/httpok").display(),
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("web to answer", || answers(port));
    let first = d.pid_of("web").expect("web runs");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(first as i32), nix::sys::signal::Signal::SIGUSR1).unwrap();
    wait_until("web to stop answering", || !answers(port));
    // autorestart = false: only httpok's stopProcess and startProcess give web a new pid.
    wait_until("httpok to restart web", || d.pid_of("web").is_some_and(|pid| pid != first));
    wait_until("the new web to answer", || answers(port));
    let err = d.sandbox.read("httpok.err");
    assert!(err.contains("\nweb is in RUNNING state, restarting\n"), "{err}");
    assert!(err.contains("\nweb restarted\n"), "{err}");
    d.shutdown_and_check();
}
