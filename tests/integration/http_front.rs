//! The HTTP side of the daemon through its real sockets: authentication, keep-alive and
//! pipelining, and garbage (malformed heads, huge headers and bodies, slow partial requests, bad
//! XML, random bytes) that must get a 4xx or a fault while the daemon stays up and keeps serving.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::harness::{DEADLINE, Daemon, stdout};

const CALL: &str = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n";
/// Basic credentials of user `u`, password `p`.
const AUTH: &str = "Authorization: Basic dTpw\r\n";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start() -> (Daemon, u16) {
    let port = free_port();
    let daemon = Daemon::start(&format!(
        "[inet_http_server]\nport = \"127.0.0.1:{port}\"\nusername = \"u\"\npassword = \"p\"\n\n\
         [program.sleeper]\ncommand = \"sleep 1000\"\nstartsecs = 0\n"
    ));
    daemon.wait_state("sleeper", "RUNNING");
    (daemon, port)
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Sends `bytes` and reads until the server closes.
fn exchange(port: u16, bytes: &[u8]) -> String {
    let mut stream = connect(port);
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn post(body: &str, extra_headers: &str) -> String {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A well-formed authenticated call still gets its answer.
#[track_caller]
fn still_serves(port: u16) {
    let answer = exchange(port, post(CALL, &format!("{AUTH}Connection: close\r\n")).as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("<name>statename</name>\n<value><string>RUNNING</string>"), "{answer}");
}

#[test]
fn credentials_are_required_on_tcp() {
    let (daemon, port) = start();
    for headers in ["", "Authorization: Basic dTp3cm9uZw==\r\n", "Authorization: Bearer xyz\r\n"] {
        let answer = exchange(port, post(CALL, headers).as_bytes());
        assert!(answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{answer}");
        assert!(answer.contains("WWW-Authenticate: Basic realm=\"default\"\r\n"), "{answer}");
    }
    // (The daemon keeps a connection open after this 400: a close asked for ends the exchange.)
    let answer = exchange(port, post(CALL, "Authorization: Basic %%%\r\nConnection: close\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    still_serves(port);
    // The unix socket of a config without credentials asks none, and answers HTTP too.
    let mut unix = UnixStream::connect(daemon.sandbox.socket()).unwrap();
    unix.set_read_timeout(Some(DEADLINE)).unwrap();
    unix.write_all(post(CALL, "Connection: close\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    unix.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("RUNNING"), "{answer}");
}

#[test]
fn keep_alive_and_pipelining() {
    let (_daemon, port) = start();
    let mut stream = connect(port);
    // Two calls in one write, then a third after the answers: three answers on one connection.
    let two = format!("{}{}", post(CALL, AUTH), post(CALL, AUTH));
    stream.write_all(two.as_bytes()).unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while seen.matches("</methodResponse>").count() < 2 {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    stream.write_all(post(CALL, &format!("{AUTH}Connection: close\r\n")).as_bytes()).unwrap();
    stream.read_to_string(&mut seen).unwrap();
    assert_eq!(seen.matches("HTTP/1.1 200 OK\r\n").count(), 3, "{seen}");
    assert!(seen.ends_with("</methodResponse>\n"), "{seen}");
}

#[test]
fn garbage_gets_4xx_and_the_daemon_stays_up() {
    let (daemon, port) = start();
    let huge_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(64 * 1024));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"GET /\x01 HTTP/1.1\r\n\r\n".to_vec(), "HTTP/1.1 400 "),
        (b"POST /RPC2 HTTP/9.9\r\n\r\n".to_vec(), "HTTP/1.1 505 "),
        (b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n".to_vec(), "HTTP/1.1 400 "),
        (huge_header.into_bytes(), "HTTP/1.1 431 "),
        (format!("POST /RPC2 HTTP/1.1\r\n{AUTH}Content-Length: 999999999\r\n\r\n").into_bytes(), "HTTP/1.1 413 "),
        (format!("POST /RPC2 HTTP/1.1\r\n{AUTH}Content-Length: 5, 6\r\n\r\nhello").into_bytes(), "HTTP/1.1 400 "),
        (
            format!("POST /RPC2 HTTP/1.1\r\n{AUTH}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                .into_bytes(),
            "HTTP/1.1 411 ",
        ),
        (post("<methodCall><methodName>x", &format!("{AUTH}Connection: close\r\n")).into_bytes(), "HTTP/1.1 400 "),
        (post("not xml at all", &format!("{AUTH}Connection: close\r\n")).into_bytes(), "HTTP/1.1 400 "),
        (
            post("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><methodCall><methodName>&a;</methodName></methodCall>", &format!("{AUTH}Connection: close\r\n"))
                .into_bytes(),
            "HTTP/1.1 400 ",
        ),
        (format!("GET /RPC2 HTTP/1.1\r\n{AUTH}Connection: close\r\n\r\n").into_bytes(), "HTTP/1.1 400 "),
        (format!("GET /nowhere HTTP/1.1\r\n{AUTH}Connection: close\r\n\r\n").into_bytes(), "HTTP/1.1 404 "),
        (format!("GET /logtail/nosuch HTTP/1.1\r\n{AUTH}Connection: close\r\n\r\n").into_bytes(), "HTTP/1.1 404 "),
    ];
    for (bytes, expected) in &cases {
        let answer = exchange(port, bytes);
        assert!(
            answer.starts_with(expected),
            "{:?} -> {answer}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
        );
    }
    // A call the API does not know is a fault inside a 200, as XML-RPC wants.
    let unknown = CALL.replace("supervisor.getState", "supervisor.nosuch");
    let answer = exchange(port, post(&unknown, &format!("{AUTH}Connection: close\r\n")).as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200 ") && answer.contains("UNKNOWN_METHOD"), "{answer}");

    // Random bytes on both sockets, some of them after an HTTP-looking start.
    let mut rng = fastrand::Rng::with_seed(13);
    for round in 0..60 {
        let mut bytes: Vec<u8> = (0..rng.usize(1..3000)).map(|_| rng.u8(..)).collect();
        if round % 2 == 0 {
            let mut head = b"POST /RPC2 HTTP/1.1\r\n".to_vec();
            head.append(&mut bytes);
            bytes = head;
        }
        if round % 3 == 0 {
            let mut unix = UnixStream::connect(daemon.sandbox.socket()).unwrap();
            unix.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            let _ = unix.write_all(&bytes);
            let _ = unix.read(&mut [0u8; 1024]);
        } else {
            let mut tcp = connect(port);
            tcp.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            let _ = tcp.write_all(&bytes);
            let _ = tcp.read(&mut [0u8; 1024]);
        }
    }
    still_serves(port);
    let status = daemon.ctl(&["status"]);
    assert!(stdout(&status).contains("RUNNING"), "{}", stdout(&status));
}

#[test]
fn slow_partial_requests_do_not_hold_up_others() {
    let (daemon, port) = start();
    // Slowloris: many connections each holding a request that never completes, some still
    // undecided between the protocols on the unix socket.
    let mut held = Vec::new();
    for i in 0..100 {
        let mut tcp = connect(port);
        tcp.write_all(format!("POST /RPC2 HTTP/1.1\r\nHost: x\r\nX-{i}: ").as_bytes()).unwrap();
        held.push(tcp);
    }
    let mut partial_body = connect(port);
    partial_body
        .write_all(format!("POST /RPC2 HTTP/1.1\r\n{AUTH}Content-Length: 1000\r\n\r\n<?xml").as_bytes())
        .unwrap();
    let mut undecided = UnixStream::connect(daemon.sandbox.socket()).unwrap();
    undecided.write_all(b"PO").unwrap();
    still_serves(port);
    let status = daemon.ctl(&["status"]);
    assert!(stdout(&status).contains("RUNNING"), "{}", stdout(&status));
    // The held ones are still waited for (no answer, no close) until their idle timeout.
    held[0].set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let err = held[0].read(&mut [0u8; 16]).unwrap_err();
    assert!(matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{err}");
}

#[test]
fn an_open_listener_without_a_password_is_served_with_a_warning() {
    let port = free_port();
    let daemon = Daemon::start(&format!("[inet_http_server]\nport = \"*:{port}\"\n"));
    daemon.wait_log("open to the network with no password");
    // Served on every interface, loopback included, and asking nothing.
    let answer = exchange(port, post(CALL, "Connection: close\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("RUNNING"), "{answer}");
}

#[test]
fn a_busy_port_is_a_start_up_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let sandbox = crate::harness::Sandbox::new();
    sandbox.write_config(&format!("[inet_http_server]\nport = \"127.0.0.1:{port}\"\n"));
    let out = sandbox.run(&["daemon", "-n", "-c", &sandbox.config_path().display().to_string()]);
    assert!(!out.status.success());
    let err = crate::harness::stderr(&out);
    assert!(err.contains(&format!("can't listen on [inet_http_server] port 127.0.0.1:{port}")), "{err}");
    assert!(!sandbox.socket().exists(), "the socket is cleaned up");
}

#[test]
fn children_know_the_daemons_url() {
    let daemon = Daemon::start(
        "[program.env]\ncommand = \"sh -c 'echo url=$SUPERVISOR_SERVER_URL; exec sleep 1000'\"\nstartsecs = 0\n\
         stdout_logfile = \"%(here)s/env.out\"\n\n\
         [program.mine]\ncommand = \"sh -c 'echo url=$SUPERVISOR_SERVER_URL; exec sleep 1000'\"\nstartsecs = 0\n\
         stdout_logfile = \"%(here)s/mine.out\"\nenvironment = { SUPERVISOR_SERVER_URL = \"http://elsewhere:9001\" }\n",
    );
    let expected = format!("url=unix://{}\n", daemon.sandbox.socket().display());
    crate::harness::wait_until("the child's output", || daemon.sandbox.read("env.out") == expected);
    // A program's own setting wins, as in supervisord.
    crate::harness::wait_until("the other's output", || {
        daemon.sandbox.read("mine.out") == "url=http://elsewhere:9001\n"
    });
}

#[test]
fn a_log_follower_that_does_not_read_is_dropped() {
    let port = free_port();
    let daemon = Daemon::start(&format!(
        "[inet_http_server]\nport = \"127.0.0.1:{port}\"\n\n\
         [program.chatty]\ncommand = \"sh -c 'read go; head -c 30000000 /dev/zero | tr \\\"\\\\\\\\000\\\" x; exec sleep 1000'\"\n\
         startsecs = 0\nstdout_logfile = \"%(here)s/chatty.out\"\nstdout_logfile_maxbytes = 0\n"
    ));
    daemon.wait_state("chatty", "RUNNING");
    let mut follower = connect(port);
    follower.write_all(b"GET /logtail/chatty HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // Sends `go` to the program's stdin: 30 MB of output follow, which this client never reads.
    let call = "<?xml version='1.0'?><methodCall><methodName>supervisor.sendProcessStdin</methodName><params>\
                <param><value><string>chatty</string></value></param><param><value><string>go\n</string></value></param>\
                </params></methodCall>";
    let answer = exchange(port, post(call, "Connection: close\r\n").as_bytes());
    assert!(answer.contains("<boolean>1</boolean>"), "{answer}");
    crate::harness::wait_until("the whole output in the log", || {
        std::fs::metadata(daemon.sandbox.path("chatty.out")).is_ok_and(|m| m.len() >= 30_000_000)
    });
    // The daemon let the follower go rather than buffer 30 MB for it: reading now reaches the
    // end of the connection well before the end of the output, and nothing was lost in the log.
    let mut received = Vec::new();
    follower.read_to_end(&mut received).unwrap();
    assert!(received.len() < 30_000_000, "{} bytes", received.len());
    daemon.wait_log("dropping an HTTP log follower that fell more than");
    still_serves_without_auth(port);
}

fn still_serves_without_auth(port: u16) {
    let answer = exchange(port, post(CALL, "Connection: close\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
}

fn call_xml(method: &str) -> String {
    format!("<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params></params></methodCall>")
}

#[test]
fn calls_during_a_shutdown_get_shutdown_state() {
    let port = free_port();
    let mut daemon = Daemon::start(&format!(
        "[inet_http_server]\nport = \"127.0.0.1:{port}\"\n\n\
         [program.stubborn]\ncommand = \"sh -c 'trap \\\"\\\" TERM; while :; do sleep 1; done'\"\nstartsecs = 0\nstopwaitsecs = 3\n"
    ));
    daemon.wait_state("stubborn", "RUNNING");
    let rpc = |method: &str| exchange(port, post(&call_xml(method), "Connection: close\r\n").as_bytes());
    assert!(rpc("supervisor.shutdown").contains("<boolean>1</boolean>"));
    // While the stubborn program is still being stopped, the daemon answers but refuses.
    for method in ["supervisor.getState", "supervisor.getAPIVersion", "supervisor.getAllProcessInfo"] {
        let answer = rpc(method);
        assert!(answer.contains("<int>6</int>") && answer.contains("SHUTDOWN_STATE"), "{method}: {answer}");
    }
    assert!(rpc("system.listMethods").contains("supervisor.getState"));
    assert_eq!(daemon.wait_exit(), 0);
}
