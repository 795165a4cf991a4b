//! Misbehaving clients: each gets an error or a disconnect, and the daemon keeps serving.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use crate::harness::*;

fn connect(d: &Daemon) -> UnixStream {
    let stream = UnixStream::connect(d.sandbox.socket()).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

fn read_line(stream: &UnixStream) -> String {
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    line
}

#[test]
fn garbage_and_unknown_requests_get_errors_and_the_connection_stays_usable() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\n");
    let mut s = connect(&d);
    s.write_all(b"\x00\xff garbage\n").unwrap();
    let reply = read_line(&s);
    assert!(reply.contains("\"type\":\"error\"") && reply.contains("not valid JSON"), "{reply}");
    s.write_all(b"{\"version\":1,\"type\":\"frobnicate\"}\n").unwrap();
    let reply = read_line(&s);
    assert!(reply.contains("unknown or malformed request"), "{reply}");
    s.write_all(b"{\"version\":99,\"type\":\"version\"}\n").unwrap();
    assert!(read_line(&s).contains("protocol version mismatch"));
    s.write_all(b"{\"version\":1,\"type\":\"version\"}\n").unwrap();
    assert!(read_line(&s).contains(env!("CARGO_PKG_VERSION")));
    d.shutdown_and_check();
}

#[test]
fn an_over_long_line_is_refused_and_disconnected() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\n");
    let mut s = connect(&d);
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    // The daemon hangs up once the line passes the limit; writes then fail.
    while sent < 4 << 20 {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    let mut reply = String::new();
    let _ = BufReader::new(&s).read_line(&mut reply);
    assert!(reply.is_empty() || reply.contains("longer than"), "{reply}");
    assert!(sent < 4 << 20, "the daemon kept reading an endless line");
    assert_eq!(d.ctl_ok(&["version"]).trim(), env!("CARGO_PKG_VERSION"));
    d.shutdown_and_check();
}

#[test]
fn a_client_that_never_reads_is_dropped_and_others_are_served() {
    // A hundred processes that never start make each status answer some 14 KB, so the client's
    // bounded buffer fills after about a thousand requests, not a hundred thousand: on a busy
    // machine the daemon serves that many well within the deadline.
    let d = Daemon::start(
        "[program.app]\ncommand = \"sleep 1000\"\n\n\
         [program.idle]\ncommand = \"sleep 1000\"\nnumprocs = 100\nautostart = false\n",
    );
    let mut greedy = connect(&d);
    greedy.set_nonblocking(true).unwrap();
    let request = b"{\"version\":1,\"type\":\"status\",\"names\":[]}\n".repeat(256);
    let start = Instant::now();
    let mut dropped = false;
    while start.elapsed() < DEADLINE {
        match greedy.write(&request) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                // Meanwhile another client is served promptly.
                assert_eq!(d.ctl_ok(&["version"]).trim(), env!("CARGO_PKG_VERSION"));
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => {
                dropped = true;
                break;
            }
        }
    }
    assert!(dropped, "a client that never reads was never disconnected");
    assert_eq!(d.ctl_ok(&["version"]).trim(), env!("CARGO_PKG_VERSION"));
    d.shutdown_and_check();
}

#[test]
fn many_clients_at_once() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\n");
    let mut idle: Vec<UnixStream> = (0..50).map(|_| connect(&d)).collect();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let socket = d.sandbox.socket();
            std::thread::spawn(move || {
                for _ in 0..20 {
                    let mut s = UnixStream::connect(&socket).unwrap();
                    s.write_all(b"{\"version\":1,\"type\":\"status\",\"names\":[]}\n").unwrap();
                    let mut line = String::new();
                    BufReader::new(&s).read_line(&mut line).unwrap();
                    assert!(line.contains("\"type\":\"status\""), "{line}");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    idle.clear();
    d.shutdown_and_check();
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

/// The daemon's descriptor count once every earlier client is gone. A client that just exited
/// may still be open in the daemon; its hang-up was reported before a request sent after it,
/// so once a probe's answer arrives, such stragglers are closed. The probe stays connected
/// (it is part of the count) until the caller drops it.
fn settled_fds(d: &Daemon) -> (UnixStream, usize) {
    let mut probe = connect(d);
    probe.write_all(b"{\"version\":1,\"type\":\"version\"}\n").unwrap();
    assert!(read_line(&probe).contains("version"));
    let count = open_fds(d.pid);
    (probe, count)
}

#[test]
fn a_client_that_leaves_during_a_wait_is_let_go_and_a_half_closed_one_is_answered() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    d.wait_state("app", "RUNNING");
    let (_probe, baseline) = settled_fds(&d);
    let wait = b"{\"version\":1,\"type\":\"wait\",\"names\":[\"app\"],\"state\":\"STOPPED\",\"timeout_ms\":null}\n";
    let mut gone = connect(&d);
    gone.write_all(wait).unwrap();
    wait_until("the daemon to hold the waiting client", || open_fds(d.pid) > baseline);
    drop(gone);
    wait_until("the daemon to let the client go", || open_fds(d.pid) == baseline);
    // Half-closed first, then gone: still noticed.
    let mut later_gone = connect(&d);
    later_gone.write_all(wait).unwrap();
    later_gone.shutdown(std::net::Shutdown::Write).unwrap();
    wait_until("the daemon to hold the half-closed client", || open_fds(d.pid) > baseline);
    drop(later_gone);
    wait_until("the daemon to let the departed client go", || open_fds(d.pid) == baseline);
    let mut half = connect(&d);
    half.write_all(wait).unwrap();
    half.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(d.ctl_ok(&["stop", "app"]), "app: stopped\n");
    let reply = read_line(&half);
    assert!(reply.contains("\"message\":\"STOPPED\""), "{reply}");
    assert_eq!(d.ctl_ok(&["version"]).trim(), env!("CARGO_PKG_VERSION"));
    d.shutdown_and_check();
}
