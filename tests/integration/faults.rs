//! Fault injection: each test reproduces one way the daemon was broken (issue 11) through the
//! real binary, so it stays fixed. Full disks come from a small `RLIMIT_FSIZE`, hostile launch
//! conditions from a `pre_exec` in the test, planted files from the test's own temp dir.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;

use crate::harness::*;

/// Runs `taskmaster check` on `config` and returns (success, the start of stderr). Only the
/// start: a broken expansion could print gigabytes.
fn check(config: &str) -> (bool, String) {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.config_path(), config).unwrap();
    let out = sandbox.run(&["check"]);
    let mut err = stderr(&out);
    err.truncate(err.char_indices().nth(4000).map_or(err.len(), |(i, _)| i));
    (out.status.success(), err)
}

#[test]
fn a_huge_expansion_width_is_refused_with_its_place() {
    // Before the bound, this asked for a 1 GB string; the next digit asked for 10 GB.
    let (ok, err) =
        check("[program.w]\ncommand = \"sleep 1\"\nnumprocs = 2\nprocess_name = \"w%(process_num)999999999d\"\n");
    assert!(!ok);
    assert!(err.contains("taskmaster.toml:4:16: [program.w] process_name:"), "{err}");
    assert!(err.contains("width 999999999"), "{err}");
    // A width too large for any integer type is an error too, not silently no width.
    let (ok, err) = check("[program.w]\ncommand = \"echo %(program_name)99999999999999999999999s\"\n");
    assert!(!ok);
    assert!(err.contains("taskmaster.toml:2:11: [program.w] command:"), "{err}");
    // A reasonable width still works.
    let (ok, err) = check("[program.w]\ncommand = \"sleep 1\"\nnumprocs = 2\nprocess_name = \"w%(process_num)03d\"\n");
    assert!(ok, "{err}");
}

#[test]
fn a_nul_byte_is_refused_at_load_with_its_place() {
    let cases = [
        ("[program.w]\ncommand = \"sleep\\u00001\"\n", "2:11: [program.w] command:"),
        ("[program.w]\ncommand = \"sleep 1\"\nenvironment = { A = \"x\\u0000y\" }\n", "3:21: [program.w] environment:"),
        ("[program.w]\ncommand = \"sleep 1\"\nenvironment = \"A=x\\u0000y\"\n", "3:15: [program.w] environment:"),
        ("[program.w]\ncommand = \"sleep 1\"\ndirectory = \"/tmp\\u0000x\"\n", "3:13: [program.w] directory:"),
        (
            "[program.w]\ncommand = \"sleep 1\"\nstdout_logfile = \"/tmp/a\\u0000b\"\n",
            "3:18: [program.w] stdout_logfile:",
        ),
        ("[taskmasterd]\npidfile = \"/tmp/p\\u0000\"\n", "2:11: [taskmasterd] pidfile:"),
        ("[unix_server]\nfile = \"/tmp/s\\u0000\"\n", "2:8: [unix_server] file:"),
    ];
    for (config, place) in cases {
        let (ok, err) = check(config);
        assert!(!ok, "accepted: {config}");
        assert!(err.contains(&format!("taskmaster.toml:{place} contains a NUL byte")), "{config}\n{err}");
    }
}

#[test]
fn all_is_not_a_program_group_or_process_name() {
    let (ok, err) = check("[program.all]\ncommand = \"sleep 1\"\n");
    assert!(!ok);
    assert!(err.contains("[program.all]") && err.contains("'all' is reserved"), "{err}");
    let (ok, err) = check("[program.a]\ncommand = \"sleep 1\"\n[group.all]\nprograms = [\"a\"]\n");
    assert!(!ok);
    assert!(err.contains("[group.all]") && err.contains("'all' is reserved"), "{err}");
    let (ok, err) = check("[program.a]\ncommand = \"sleep 1\"\nprocess_name = \"all\"\n");
    assert!(!ok);
    assert!(
        err.contains("taskmaster.toml:3:16: [program.a] process_name:") && err.contains("'all' is reserved"),
        "{err}"
    );
}

#[test]
fn a_request_without_its_newline_is_answered_at_end_of_stream() {
    let d = Daemon::start("[program.app]\ncommand = \"sleep 1000\"\n");
    let mut s = UnixStream::connect(d.sandbox.socket()).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.write_all(b"{\"version\":1,\"type\":\"version\"}").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.contains(env!("CARGO_PKG_VERSION")) && reply.ends_with('\n'), "{reply:?}");
    d.shutdown_and_check();
}

/// A process's signal masks as /proc reports them (`SigBlk:`, `SigIgn:`).
#[cfg(target_os = "linux")]
fn signal_mask(status: &str, name: &str) -> u64 {
    let line = status.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in {status}"));
    u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn a_daemon_started_with_signals_blocked_still_obeys_them() {
    use std::os::unix::process::CommandExt;

    use nix::sys::signal::{SigSet, SigmaskHow, Signal, sigprocmask};

    let sandbox = Sandbox::new();
    // grep reports its own masks; the sleeper would take stopwaitsecs to stop if TERM were
    // blocked in it, far past the harness's deadline.
    sandbox.write_config(
        "[program.fresh]\ncommand = \"grep -E '^Sig(Ign|Blk)' /proc/self/status\"\n\
         stdout_logfile = \"%(here)s/signals.txt\"\nstartsecs = 0\nautorestart = false\n\n\
         [program.sleeper]\ncommand = \"sleep 1000\"\nstartsecs = 0\nstopwaitsecs = 3600\n",
    );
    let mut command = std::process::Command::new(BIN);
    command.args(["daemon", "-n", "-s", "-c"]).arg(sandbox.config_path());
    // SAFETY: runs between fork and exec and only calls sigprocmask, which is async-signal-safe,
    // on a set built on the stack.
    unsafe {
        command.pre_exec(|| {
            let mut blocked = SigSet::empty();
            for signal in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGINT, Signal::SIGCHLD] {
                blocked.add(signal);
            }
            sigprocmask(SigmaskHow::SIG_BLOCK, Some(&blocked), None).map_err(std::io::Error::from)
        });
    }
    let d = Daemon::launch(sandbox, command);
    d.wait_state("fresh", "EXITED");
    d.wait_state("sleeper", "RUNNING");
    // Polled: glibc's posix_spawn blocks every signal in the daemon for the instant it clones.
    wait_until("the daemon to have no signal blocked", || {
        let own = std::fs::read_to_string(format!("/proc/{}/status", d.pid)).unwrap();
        signal_mask(&own, "SigBlk:") == 0
    });
    wait_until("the child's report", || d.sandbox.read("signals.txt").lines().count() == 2);
    let report = d.sandbox.read("signals.txt");
    assert_eq!(signal_mask(&report, "SigBlk:"), 0, "{report}");
    assert_eq!(signal_mask(&report, "SigIgn:") & 0x7fff_ffff, 0, "{report}");
    d.signal(Signal::SIGHUP);
    d.wait_log("received SIGHUP indicating a config update request");
    // SIGTERM stops the daemon, and the sleeper with it, well before stopwaitsecs.
    d.shutdown_and_check();
}

/// Starts a daemon on `sandbox` whose files may not grow past `limit` bytes (RLIMIT_FSIZE):
/// a write that reaches it stops short, the next fails with EFBIG, as on a full disk.
#[cfg(target_os = "linux")]
fn start_with_file_size_limit(sandbox: Sandbox, limit: u64) -> Daemon {
    use std::os::unix::process::CommandExt;

    use nix::sys::resource::{Resource, setrlimit};

    let mut command = std::process::Command::new(BIN);
    command.args(["daemon", "-n", "-s", "-c"]).arg(sandbox.config_path());
    // SAFETY: runs between fork and exec and only calls setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || setrlimit(Resource::RLIMIT_FSIZE, limit, limit).map_err(std::io::Error::from));
    }
    Daemon::launch(sandbox, command)
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_disk_neither_duplicates_nor_splices_output() {
    const LIMIT: u64 = 64 * 1024;
    const LINES: usize = 6_000;
    let sandbox = Sandbox::new();
    // The daemon's own log stays small (info level); the child writes 35-byte lines, about 3.2
    // times LIMIT, as fast as it can, so writes stop short in the middle of chunks and lines.
    const LINE_BYTES: usize = 35;
    std::fs::write(
        sandbox.config_path(),
        format!(
            "[unix_server]\nfile = \"%(here)s/tm.sock\"\n\n[taskmasterd]\nlogfile = \"%(here)s/taskmasterd.log\"\n\
             pidfile = \"%(here)s/taskmasterd.pid\"\nchildlogdir = \"%(here)s\"\nloglevel = \"info\"\n\n\
             [program.talk]\ncommand = \"sh -c 'seq -f \\\"line %%06g of the numbered output\\\" 1 {LINES}; exec sleep 1000'\"\n\
             stdout_logfile = \"%(here)s/talk.log\"\nstdout_logfile_maxbytes = 0\nstartsecs = 0\n"
        ),
    )
    .unwrap();
    let d = start_with_file_size_limit(sandbox, LIMIT);
    let log = d.sandbox.path("talk.log");
    let last = format!("line {LINES:06} of the numbered output\n");
    let mut parts: Vec<std::path::PathBuf> = Vec::new();
    // Each time the log is full, move it away (as logrotate would); the daemon's retry then
    // writes what it held back into a new file, until everything is out.
    loop {
        let mut all_written = false;
        wait_until("the log to fill up or hold the last line", || {
            let size = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
            all_written = size < LIMIT && std::fs::read_to_string(&log).unwrap_or_default().ends_with(&last);
            all_written || size >= LIMIT
        });
        if all_written {
            break;
        }
        assert!(parts.len() <= LINES * LINE_BYTES / LIMIT as usize, "the log kept filling up: output repeated");
        assert_eq!(d.state("talk"), "RUNNING");
        let part = d.sandbox.path(&format!("talk.log.part{}", parts.len()));
        std::fs::rename(&log, &part).unwrap();
        parts.push(part);
    }
    assert_eq!(parts.len(), LINES * LINE_BYTES / LIMIT as usize, "the log should have filled up this often");
    let mut text = String::new();
    for file in parts.iter().chain([&log]) {
        text.push_str(&std::fs::read_to_string(file).unwrap());
    }
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let expected = format!("line {:06} of the numbered output", i + 1);
        assert_eq!(*line, expected, "line {} of the concatenated logs", i + 1);
    }
    assert_eq!(lines.len(), LINES);
    d.wait_log("is writable again; nothing was lost");
    d.shutdown_and_check();
}

/// A config with no childlogdir, so AUTO logs go to the default directory.
fn auto_log_config(sandbox: &Sandbox, extra: &str) {
    std::fs::write(
        sandbox.config_path(),
        format!(
            "[unix_server]\nfile = \"%(here)s/tm.sock\"\n\n[taskmasterd]\nlogfile = \"%(here)s/taskmasterd.log\"\n\
             pidfile = \"%(here)s/taskmasterd.pid\"\n{extra}\n\
             [program.app]\ncommand = \"sh -c 'echo out; echo err >&2; exec sleep 1000'\"\nstartsecs = 0\n"
        ),
    )
    .unwrap();
}

/// Starts the daemon with `TMPDIR` pointing into the sandbox, so its default directories are
/// the test's own.
fn start_with_tmpdir(sandbox: Sandbox) -> Daemon {
    let tmp = sandbox.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = std::process::Command::new(BIN);
    command.args(["daemon", "-n", "-s", "-c"]).arg(sandbox.config_path()).env("TMPDIR", &tmp);
    Daemon::launch(sandbox, command)
}

#[test]
fn auto_logs_never_follow_a_planted_symlink_nor_reuse_a_planted_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let sandbox = Sandbox::new();
    auto_log_config(&sandbox, "");
    let tmp = sandbox.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // What a local user could plant in a shared temp dir at the names of the old scheme.
    let target = sandbox.path("root-only.txt");
    std::fs::write(&target, "secret\n").unwrap();
    std::os::unix::fs::symlink(&target, tmp.join("app-stdout.log")).unwrap();
    std::fs::write(tmp.join("app-stderr.log"), "planted\n").unwrap();
    std::fs::set_permissions(tmp.join("app-stderr.log"), std::fs::Permissions::from_mode(0o666)).unwrap();

    let d = start_with_tmpdir(sandbox);
    d.wait_state("app", "RUNNING");
    // tail prints what it read, then a newline, as supervisorctl.
    wait_until("the output to be logged", || d.ctl_ok(&["tail", "app", "stderr"]) == "err\n\n");
    assert_eq!(d.ctl_ok(&["tail", "app"]), "out\n\n");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "secret\n", "wrote through the symlink");
    assert_eq!(std::fs::read_to_string(tmp.join("app-stderr.log")).unwrap(), "planted\n", "reused a planted file");
    // The logs are in a directory only the daemon's user can enter.
    let private = tmp.join(format!("taskmaster-{}", nix::unistd::geteuid()));
    let meta = std::fs::symlink_metadata(&private).unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.mode() & 0o777, 0o700);
    assert_eq!(std::fs::read_to_string(private.join("app-stdout.log")).unwrap(), "out\n");
    assert_eq!(d.ctl_ok(&["clear", "app"]), "app: cleared\n");
    assert_eq!(d.ctl_ok(&["tail", "app"]), "\n");
    d.shutdown_and_check();
}

#[test]
fn a_default_log_directory_that_is_not_private_is_refused() {
    use std::os::unix::fs::PermissionsExt;

    let sandbox = Sandbox::new();
    auto_log_config(&sandbox, "");
    let tmp = sandbox.path("tmp");
    let private = tmp.join(format!("taskmaster-{}", nix::unistd::geteuid()));
    std::fs::create_dir_all(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut daemon = std::process::Command::new(BIN)
        .args(["daemon", "-n", "-s", "-c"])
        .arg(sandbox.config_path())
        .env("TMPDIR", &tmp)
        .current_dir(sandbox.dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A daemon that accepted the directory would run on: bound the wait, then stop it.
    let mut exited = None;
    let start = std::time::Instant::now();
    while exited.is_none() && start.elapsed() < DEADLINE {
        exited = daemon.try_wait().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if exited.is_none() {
        let _ =
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(daemon.id() as i32), nix::sys::signal::Signal::SIGTERM);
    }
    let out = daemon.wait_with_output().unwrap();
    assert!(exited.is_some(), "the daemon started with a log directory open to everyone");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{} is not a private directory", private.display())), "{err}");
    assert!(err.contains("childlogdir"), "{err}");
}

#[test]
fn auto_logs_in_a_chosen_directory_refuse_symlinks_and_hard_links() {
    let sandbox = Sandbox::new();
    let shared = sandbox.path("shared");
    std::fs::create_dir(&shared).unwrap();
    auto_log_config(&sandbox, "childlogdir = \"%(here)s/shared\"\n");
    let target = sandbox.path("root-only.txt");
    std::fs::write(&target, "secret\n").unwrap();
    let linked = sandbox.path("other.txt");
    std::fs::write(&linked, "other\n").unwrap();
    std::os::unix::fs::symlink(&target, shared.join("app-stdout.log")).unwrap();
    std::fs::hard_link(&linked, shared.join("app-stderr.log")).unwrap();

    let d = Daemon::start_in(sandbox);
    d.wait_state("app", "RUNNING");
    d.wait_log("can't write the log of app");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "secret\n");
    assert_eq!(std::fs::read_to_string(&linked).unwrap(), "other\n");
    // tail refuses to read through them too, and says why.
    let out = d.ctl(&["tail", "app"]);
    assert!(!out.status.success() && stderr(&out).contains("is a symbolic link"), "{}", stderr(&out));
    let out = d.ctl(&["tail", "app", "stderr"]);
    assert!(!out.status.success() && stderr(&out).contains("has other hard links"), "{}", stderr(&out));
    d.shutdown_and_check();
}
