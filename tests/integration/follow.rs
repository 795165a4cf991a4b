//! `tail -f` that falls behind: it catches up from the log file on disk and returns to the live
//! stream, and says so on stderr (exit non-zero) only when the file rotated past what it needed.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::harness::*;

/// `seq 1 N` as bytes.
fn seq(n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 1..=n {
        out.extend_from_slice(format!("{i}\n").as_bytes());
    }
    out
}

/// A `tail -f` client whose stdout is read by a thread into a buffer, so the test can stop
/// reading (the client falls behind) and wait on what arrived with a deadline.
struct Follower {
    child: Child,
    received: Arc<Mutex<Vec<u8>>>,
    /// Reading stops (after at most one more read) while this is set.
    paused: Arc<AtomicBool>,
}

impl Follower {
    fn start(d: &Daemon, name: &str) -> Follower {
        let mut child = Command::new(BIN)
            .args(["ctl", "-c", &d.config(), "tail", "-f", name])
            .current_dir(d.sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let paused = Arc::new(AtomicBool::new(false));
        let (sink, pause) = (Arc::clone(&received), Arc::clone(&paused));
        std::thread::spawn(move || {
            let mut buf = vec![0; 64 * 1024];
            loop {
                // A reader that stops reading, as a slow terminal or pipe would: no assertion
                // depends on how long it waits.
                while pause.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Follower { child, received, paused }
    }

    fn len(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    fn bytes(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }

    #[track_caller]
    fn wait_for(&self, what: &str, len: usize) {
        wait_until(what, || self.len() >= len);
    }

    /// Waits for the client to exit; returns its exit code and stderr.
    #[track_caller]
    fn wait_exit(mut self) -> (i32, String) {
        let mut status = None;
        wait_until("the follower to exit", || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        let mut err = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        (status.unwrap().code().unwrap_or(-1), err)
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BURST: u32 = 2_000_000;

fn burst_program(extra: &str) -> String {
    format!(
        "[program.burst]\ncommand = \"sh -c 'echo ready; while [ ! -e go ]; do sleep 0.01; done; seq 1 {BURST}; \
         touch done; while [ ! -e go2 ]; do sleep 0.01; done; echo live-again; exec sleep 1000'\"\n\
         startsecs = 0\n{extra}"
    )
}

#[test]
fn a_follower_that_falls_behind_catches_up_from_disk_and_goes_live_again() {
    catches_up("", "burst-stdout.log");
}

/// The files rotate while the follower lags; with enough backups it reads its way through
/// them, oldest first (as tail -F follows a renamed file).
#[test]
fn a_follower_catches_up_across_rotations() {
    catches_up("stdout_logfile_maxbytes = \"1MB\"\nstdout_logfile_backups = 30\n", "burst-stdout.log.1");
}

/// `backup` is a file the burst must have made (the log, or a rotated one).
fn catches_up(extra: &str, backup: &str) {
    let d = Daemon::start(&burst_program(extra));
    wait_until("ready", || d.sandbox.read("burst-stdout.log") == "ready\n");
    let follower = Follower::start(&d, "burst");
    follower.wait_for("the log's tail", 6);
    let expected = seq(BURST);
    {
        // Stop reading while the burst (about 15 MB, far past the daemon's 4 MiB bound for one
        // follower) is written.
        follower.paused.store(true, Ordering::SeqCst);
        std::fs::write(d.sandbox.path("go"), "").unwrap();
        wait_until("the burst to be written", || d.sandbox.path("done").exists());
        let logged = || {
            std::fs::read_dir(d.sandbox.dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("burst-stdout.log"))
                .map(|e| e.metadata().unwrap().len())
                .sum::<u64>()
        };
        wait_until("the burst to be logged", || logged() == 6 + expected.len() as u64);
        assert!(d.sandbox.path(backup).exists());
        follower.paused.store(false, Ordering::SeqCst);
    }
    follower.wait_for("the whole burst", 6 + expected.len());
    let got = follower.bytes();
    assert_eq!(got.len(), 6 + expected.len(), "byte count");
    assert!(got[6..] == expected[..], "the burst arrived in order, nothing lost or doubled");
    assert!(d.log().contains("fell behind: catching up from"), "the follower did fall behind:\n{}", d.log());
    // Back on the live stream.
    std::fs::write(d.sandbox.path("go2"), "").unwrap();
    follower.wait_for("live output after catching up", 6 + expected.len() + 11);
    assert_eq!(&follower.bytes()[6 + expected.len()..], b"live-again\n");
    drop(follower);
    d.shutdown_and_check();
}

#[test]
fn a_follower_whose_file_rotated_away_says_so_on_stderr_and_fails() {
    let d = Daemon::start(&burst_program("stdout_logfile_maxbytes = \"1MB\"\nstdout_logfile_backups = 1\n"));
    wait_until("ready", || d.sandbox.read("burst-stdout.log") == "ready\n");
    let follower = Follower::start(&d, "burst");
    follower.wait_for("the log's tail", 6);
    {
        follower.paused.store(true, Ordering::SeqCst);
        std::fs::write(d.sandbox.path("go"), "").unwrap();
        wait_until("the burst to be written", || d.sandbox.path("done").exists());
        // The burst is logged when the daemon has read it all: the live-again line follows it.
        std::fs::write(d.sandbox.path("go2"), "").unwrap();
        wait_until("the burst to be logged", || d.sandbox.read("burst-stdout.log").ends_with("live-again\n"));
        follower.paused.store(false, Ordering::SeqCst);
    }
    let received = Arc::clone(&follower.received);
    let (code, err) = follower.wait_exit();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("was rotated away before this follower read it: output was lost"), "{err}");
    // What did arrive is the start of the output, in order, with no notice inside it.
    wait_until("the reader to finish", || Arc::strong_count(&received) == 1);
    let got = received.lock().unwrap().clone();
    let mut expected = b"ready\n".to_vec();
    expected.extend(seq(BURST));
    assert!(got.len() < expected.len(), "some output was lost");
    assert!(got[..] == expected[..got.len()], "what arrived is a prefix of the output");
    d.shutdown_and_check();
}
