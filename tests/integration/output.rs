//! Child output: capture, rotation, no byte lost, and the commands that read it.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use crate::harness::*;

/// Every numbered line `prefix N` found in a log and its rotated backups, in order.
fn numbered_lines(d: &Daemon, log: &str, prefix: &str) -> Vec<u64> {
    let mut files: Vec<(u32, String)> = std::fs::read_dir(d.sandbox.dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name == log || name.starts_with(&format!("{log}.")))
        .map(|name| (name.rsplit('.').next().and_then(|n| n.parse().ok()).unwrap_or(0), name))
        .collect();
    // Oldest first: the highest backup number, down to the live file.
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files
        .iter()
        .flat_map(|(_, name)| d.sandbox.read(name).lines().map(str::to_string).collect::<Vec<_>>())
        .filter_map(|line| line.strip_prefix(prefix).and_then(|n| n.trim().parse().ok()))
        .collect()
}

#[test]
fn both_channels_redirect_none_and_auto() {
    let d = Daemon::start(
        "[program.both]\ncommand = \"sh -c 'echo out; echo err >&2; exec sleep 1000'\"\nstartsecs = 0\n\
         stdout_logfile = \"%(here)s/both.out\"\nstderr_logfile = \"%(here)s/both.err\"\n\n\
         [program.merged]\ncommand = \"sh -c 'echo out; echo err >&2; exec sleep 1000'\"\nstartsecs = 0\nredirect_stderr = true\n\n\
         [program.quiet]\ncommand = \"sh -c 'yes | head -c 1000000; exec sleep 1000'\"\nstartsecs = 0\nstdout_logfile = \"NONE\"\n",
    );
    wait_until("both logs", || d.sandbox.read("both.out") == "out\n" && d.sandbox.read("both.err") == "err\n");
    // AUTO: childlogdir/NAME-CHANNEL.log; redirect_stderr puts both lines in stdout's.
    wait_until("merged log", || d.sandbox.read("merged-stdout.log").lines().count() == 2);
    assert!(!d.sandbox.path("merged-stderr.log").exists());
    d.wait_state("quiet", "RUNNING");
    // NONE is drained (the writer got past its megabyte) but written nowhere.
    wait_until("quiet to pass its output", || {
        std::fs::read_to_string(format!("/proc/{}/cmdline", d.pid_of("quiet").unwrap())).unwrap().starts_with("sleep")
    });
    assert!(!d.sandbox.path("quiet-stdout.log").exists());
    d.shutdown_and_check();
}

#[test]
fn output_written_just_before_exit_is_kept() {
    let d = Daemon::start(
        "[program.last]\ncommand = \"sh -c 'seq 1 5000; echo last words'\"\nstartsecs = 0\nautorestart = false\n",
    );
    d.wait_state("last", "EXITED");
    let log = d.sandbox.read("last-stdout.log");
    assert!(log.ends_with("4999\n5000\nlast words\n"), "{}", &log[log.len().saturating_sub(100)..]);
    assert_eq!(log.lines().count(), 5001);
    d.shutdown_and_check();
}

#[test]
fn rotation_keeps_the_exact_backups_and_loses_no_line() {
    let d = Daemon::start(
        "[program.chatty]\ncommand = \"sh -c 'seq -f \\\"line %%g\\\" 1 20000'\"\nstartsecs = 0\nautorestart = false\n\
         stdout_logfile_maxbytes = \"64KB\"\nstdout_logfile_backups = 3\n\n\
         [program.unbounded]\ncommand = \"sh -c 'seq -f \\\"line %%g\\\" 1 20000'\"\nstartsecs = 0\nautorestart = false\n\
         stdout_logfile_maxbytes = 0\n",
    );
    d.wait_state("chatty", "EXITED");
    d.wait_state("unbounded", "EXITED");
    for n in 1..=3 {
        let backup = d.sandbox.path(&format!("chatty-stdout.log.{n}"));
        let len = std::fs::metadata(&backup).unwrap().len();
        // Rotation waits for the end of a line: at most one short line past the limit.
        assert!(len <= 64 * 1024 + 16 && len > 60 * 1024, "{} is {len} bytes", backup.display());
    }
    assert!(!d.sandbox.path("chatty-stdout.log.4").exists(), "only 3 backups are kept");
    // What the backups hold is the end of the output, complete and in order.
    let kept = numbered_lines(&d, "chatty-stdout.log", "line ");
    let first = kept[0];
    assert_eq!(kept, (first..=20000).collect::<Vec<_>>());
    // maxbytes = 0 never rotates.
    assert!(!d.sandbox.path("unbounded-stdout.log.1").exists());
    assert_eq!(numbered_lines(&d, "unbounded-stdout.log", "line "), (1..=20000).collect::<Vec<_>>());
    d.shutdown_and_check();
}

#[test]
fn a_child_writing_faster_than_the_disk_loses_nothing() {
    let d = Daemon::start(
        "[program.flood]\ncommand = \"sh -c 'seq -f \\\"%%g xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\\" 1 300000'\"\n\
         startsecs = 0\nautorestart = false\nstdout_logfile_maxbytes = \"4MB\"\nstdout_logfile_backups = 10\n",
    );
    d.wait_state("flood", "EXITED");
    let mut all = Vec::new();
    for name in
        ["flood-stdout.log.4", "flood-stdout.log.3", "flood-stdout.log.2", "flood-stdout.log.1", "flood-stdout.log"]
    {
        all.extend(d.sandbox.read(name).lines().map(|l| l.split(' ').next().unwrap().parse::<u64>().unwrap()));
    }
    assert_eq!(all, (1..=300000).collect::<Vec<_>>());
    d.shutdown_and_check();
}

#[test]
fn tail_and_tail_f() {
    let d = Daemon::start(
        "[program.talk]\ncommand = \"sh -c 'echo hello; echo oops >&2; exec cat'\"\nstartsecs = 0\n\n\
         [program.ticker]\ncommand = \"sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done'\"\nstartsecs = 0\n",
    );
    wait_until("talk's output", || d.sandbox.read("talk-stdout.log") == "hello\n");
    // supervisorctl prints what it read, then a newline.
    assert_eq!(d.ctl_ok(&["tail", "talk"]), "hello\n\n");
    wait_until("talk's stderr", || d.sandbox.read("talk-stderr.log") == "oops\n");
    assert_eq!(d.ctl_ok(&["tail", "talk", "stderr"]), "oops\n\n");
    assert_eq!(d.ctl_ok(&["tail", "-3", "talk"]), "lo\n\n");
    let out = d.ctl(&["tail", "nosuch"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("nosuch: ERROR (no such process name)\n", Some(1)));
    // -f streams new lines as they come.
    let mut follower = Command::new(BIN)
        .args(["ctl", "-c", &d.config(), "tail", "-f", "ticker"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(follower.stdout.take().unwrap());
    let first = next_tick(&mut reader);
    let later = (0..5).map(|_| next_tick(&mut reader)).last().unwrap();
    assert!(later > first, "{later} after {first}");
    stop(follower);
    d.shutdown_and_check();
}

fn next_tick(reader: &mut impl BufRead) -> u64 {
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the follower ended");
        if let Some(n) = line.trim().strip_prefix("tick ").and_then(|n| n.parse().ok()) {
            return n;
        }
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn maintail_and_maintail_f() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\nautostart = false\n");
    let out = d.ctl_ok(&["maintail"]);
    assert!(out.contains("taskmasterd 0.1.0 started with pid"), "{out}");
    assert!(d.ctl_ok(&["maintail", "-20"]).len() <= 21);
    let mut follower = Command::new(BIN)
        .args(["ctl", "-c", &d.config(), "maintail", "-f", "-n", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(follower.stdout.take().unwrap());
    // The follower may attach after any given start: restart until it reports one.
    let deadline = std::time::Instant::now() + DEADLINE;
    'seen: loop {
        assert!(std::time::Instant::now() < deadline, "maintail -f never showed a spawn");
        d.ctl_ok(&["restart", "app"]);
        let pid = d.pid_of("app").unwrap();
        while let Ok(line) = lines.recv_timeout(std::time::Duration::from_millis(500)) {
            if line.contains(&format!("spawned: 'app' with pid {pid}")) {
                break 'seen;
            }
        }
    }
    stop(follower);
    d.shutdown_and_check();
}

/// The lines a reader yields, through a channel, so a test can wait on them with a deadline.
fn lines_of(reader: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn clear_empties_the_logs() {
    let d = Daemon::start(
        "[program.app]\ncommand = \"sh -c 'echo before; exec cat'\"\nstartsecs = 0\nstdout_logfile_maxbytes = 10\n",
    );
    wait_until("output", || d.sandbox.read("app-stdout.log") == "before\n");
    assert_eq!(d.ctl_ok(&["clear", "app"]), "app: cleared\n");
    assert_eq!(d.sandbox.read("app-stdout.log"), "");
    assert_eq!(d.ctl_ok(&["tail", "app"]), "\n");
    let out = d.ctl(&["clear", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    d.shutdown_and_check();
}

#[test]
fn reopen_and_sigusr2_follow_moved_files() {
    let d = Daemon::start(
        "[program.ticker]\ncommand = \"sh -c 'while true; do echo tick; sleep 0.05; done'\"\nstartsecs = 0\n",
    );
    let log = d.sandbox.path("ticker-stdout.log");
    // Output in it, not only the file: a move must have something to move.
    wait_until("output", || d.sandbox.read("ticker-stdout.log").contains("tick"));
    for (round, how) in ["reopen", "SIGUSR2"].iter().enumerate() {
        let moved = d.sandbox.path(&format!("moved-{round}.log"));
        std::fs::rename(&log, &moved).unwrap();
        std::fs::rename(d.sandbox.path("taskmasterd.log"), d.sandbox.path(&format!("daemon-moved-{round}.log")))
            .unwrap();
        if *how == "reopen" {
            assert_eq!(d.ctl_ok(&["reopen"]), "Reopened log files\n");
        } else {
            d.signal(nix::sys::signal::Signal::SIGUSR2);
        }
        wait_until("a fresh log at the old path", || d.sandbox.read("ticker-stdout.log").contains("tick"));
        wait_until("a fresh daemon log", || d.sandbox.path("taskmasterd.log").exists());
        assert!(d.sandbox.read(&format!("moved-{round}.log")).contains("tick"));
    }
    d.shutdown_and_check();
}

#[test]
fn timestamps_and_lifecycle_markers() {
    let d = Daemon::start(
        "[program.stamped]\ncommand = \"sh -c 'printf \\\"one\\\\ntwo\\\\n\\\"; exec sleep 1000'\"\nstartsecs = 0\n\
         stdout_log_timestamps = true\nlog_lifecycle = true\n",
    );
    wait_until("two stamped lines", || d.sandbox.read("stamped-stdout.log").lines().count() >= 3);
    let log = d.sandbox.read("stamped-stdout.log");
    let lines: Vec<&str> = log.lines().collect();
    let pid = d.pid_of("stamped").unwrap();
    assert!(lines[0].starts_with(&format!("--- taskmaster: spawned with pid {pid} at ")), "{log}");
    for (line, text) in lines[1..].iter().zip(["one", "two"]) {
        let (stamp, rest) = line.split_once(' ').unwrap();
        assert_eq!(rest, text);
        assert!(chrono_like(stamp), "{stamp} is not RFC 3339");
    }
    d.ctl_ok(&["stop", "stamped"]);
    assert!(d.sandbox.read("stamped-stdout.log").contains("--- taskmaster: exited (terminated by SIGTERM) at "));
    d.shutdown_and_check();
}

/// `2026-11-25T14:10:10.388+00:00`
fn chrono_like(stamp: &str) -> bool {
    let bytes = stamp.as_bytes();
    stamp.len() >= 29 && bytes[4] == b'-' && bytes[10] == b'T' && bytes[19] == b'.' && stamp[..4].parse::<u32>().is_ok()
}

#[test]
fn fg_round_trip() {
    let d = Daemon::start("[program.echo]\ncommand = \"cat\"\nstartsecs = 0\n");
    d.wait_state("echo", "RUNNING");
    let mut fg = Command::new(BIN)
        .args(["ctl", "-c", &d.config(), "fg", "echo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = fg.stdin.take().unwrap();
    let mut reader = BufReader::new(fg.stdout.take().unwrap());
    // The attachment may not be in place when the first line goes: repeat until echoed.
    stdin.write_all(b"ping\n").unwrap();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "ping\n");
    stdin.write_all(b"pong\n").unwrap();
    line.clear();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line, "pong\n");
    // Detaching (end of input) leaves the process running, and logging.
    drop(stdin);
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert!(fg.wait().unwrap().success());
    assert_eq!(d.state("echo"), "RUNNING");
    wait_until("the log", || d.sandbox.read("echo-stdout.log") == "ping\npong\n");
    let out = d.ctl(&["fg", "nosuch"]);
    assert_eq!(out.status.code(), Some(4));
    d.shutdown_and_check();
}

#[test]
fn a_log_that_cannot_be_written_keeps_its_output_until_it_can() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.path("logs")).unwrap();
    sandbox.write_config(
        "[program.ticker]\ncommand = \"sh -c 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.02; done'\"\n\
         startsecs = 0\nstdout_logfile = \"%(here)s/logs/ticker.log\"\n",
    );
    let d = Daemon::start_in(sandbox);
    let log = d.sandbox.path("logs/ticker.log");
    wait_until("output", || d.sandbox.read("logs/ticker.log").contains("line 3\n"));
    // The directory goes away and the file is reopened: every write now fails.
    std::fs::rename(d.sandbox.path("logs"), d.sandbox.path("logs-old")).unwrap();
    d.ctl_ok(&["reopen"]);
    d.wait_log("can't write the log of ticker");
    let stalled = numbered_lines_in(&d.sandbox.read("logs-old/ticker.log"));
    // The daemon keeps going meanwhile.
    assert_eq!(d.ctl_ok(&["version"]).trim(), env!("CARGO_PKG_VERSION"));
    std::fs::create_dir(d.sandbox.path("logs")).unwrap();
    d.wait_log("the log of ticker is writable again; nothing was lost");
    wait_until("new lines in the new file", || log.exists() && !d.sandbox.read("logs/ticker.log").is_empty());
    let resumed = numbered_lines_in(&d.sandbox.read("logs/ticker.log"));
    let last_before = *stalled.last().unwrap();
    assert_eq!(resumed[0], last_before + 1, "the lines written while the disk failed were kept");
    assert_eq!(resumed, (resumed[0]..resumed[0] + resumed.len() as u64).collect::<Vec<_>>());
    d.shutdown_and_check();
}

fn numbered_lines_in(text: &str) -> Vec<u64> {
    text.lines().filter_map(|l| l.strip_prefix("line ")?.parse().ok()).collect()
}

#[test]
fn a_fifo_log_works_and_a_fifo_without_reader_does_not_stall_the_daemon() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path("out.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    sandbox.write_config(
        "[program.piped]\ncommand = \"sh -c 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.02; done'\"\n\
         startsecs = 0\nstdout_logfile = \"%(here)s/out.fifo\"\nstdout_logfile_maxbytes = \"1KB\"\n",
    );
    let d = Daemon::start_in(sandbox);
    d.wait_state("piped", "RUNNING");
    // Nobody reads the FIFO yet: the daemon still answers.
    assert_eq!(d.ctl_bounded(&["version"]).status.code(), Some(0));
    let reader = std::fs::File::open(&fifo).unwrap();
    let lines = lines_of(reader);
    // Lines flow through the FIFO, never rotated despite maxbytes (it is not a regular file).
    let mut seen = 0;
    while seen < 60 {
        let line = lines.recv_timeout(DEADLINE).expect("lines through the FIFO");
        assert!(line.starts_with("line "), "{line}");
        seen += 1;
    }
    assert!(!d.sandbox.path("out.fifo.1").exists());
    d.shutdown_and_check();
}
