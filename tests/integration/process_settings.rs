//! Per-program settings, observed from inside the children.

use crate::harness::*;

#[test]
fn numprocs_environment_directory_and_umask() {
    let sandbox = Sandbox::new();
    let work = sandbox.path("work");
    std::fs::create_dir(&work).unwrap();
    sandbox.write_config(&format!(
        "[taskmasterd.environment]\nFROM_DAEMON = \"d\"\n\n\
         [program.env]\n\
         command = \"sh -c 'env > env-%(process_num)d.txt; pwd > pwd.txt; umask > umask.txt; exec sleep 1000'\"\n\
         numprocs = 3\nnumprocs_start = 1\nstartsecs = 0\ndirectory = \"{}\"\numask = \"027\"\n\
         environment = 'FROM_PROGRAM=\"p,q\",NUM=\"%(process_num)02d\"'\n",
        work.display()
    ));
    let d = Daemon::start_in(sandbox);
    for n in 1..=3 {
        d.wait_state(&format!("env_{n}"), "RUNNING");
    }
    wait_until("env files", || {
        (1..=3).all(|n| work.join(format!("env-{n}.txt")).exists()) && work.join("umask.txt").exists()
    });
    wait_until("env file content", || std::fs::read_to_string(work.join("env-2.txt")).unwrap().contains("NUM=02"));
    let env = std::fs::read_to_string(work.join("env-2.txt")).unwrap();
    for line in [
        "FROM_DAEMON=d",
        "FROM_PROGRAM=p,q",
        "NUM=02",
        "TASKMASTER_PROCESS_NAME=env_2",
        "TASKMASTER_GROUP_NAME=env",
        &format!("TASKMASTER_SERVER_URL={}", d.sandbox.socket().display()),
    ] {
        assert!(env.lines().any(|l| l == line), "{line} missing from:\n{env}");
    }
    assert!(env.lines().any(|l| l.starts_with("PATH=")), "the daemon's environment is inherited");
    wait_until("pwd", || !std::fs::read_to_string(work.join("pwd.txt")).unwrap().is_empty());
    assert_eq!(std::fs::read_to_string(work.join("pwd.txt")).unwrap().trim(), work.display().to_string());
    wait_until("umask", || std::fs::read_to_string(work.join("umask.txt")).unwrap().trim() == "0027");
    d.shutdown_and_check();
}

#[test]
fn stopsignal_is_sent() {
    let sandbox = Sandbox::new();
    let marker = sandbox.path("stopped-by");
    sandbox.write_config(&format!(
        "[program.polite]\ncommand = \"sh -c 'trap \\\"echo INT > {}; exit 0\\\" INT; while true; do sleep 0.05; done'\"\n\
         startsecs = 0\nstopsignal = \"SIGINT\"\n",
        marker.display()
    ));
    let d = Daemon::start_in(sandbox);
    d.wait_state("polite", "RUNNING");
    assert_eq!(d.ctl_ok(&["stop", "polite"]), "polite: stopped\n");
    assert_eq!(d.sandbox.read("stopped-by"), "INT\n");
    d.wait_log("stopped: polite (exit status 0)");
    d.shutdown_and_check();
}

#[test]
fn stopwaitsecs_escalates_to_sigkill() {
    let d = Daemon::start(
        "[program.stubborn]\ncommand = \"sh -c 'trap \\\"\\\" TERM; while true; do sleep 0.05; done'\"\n\
         startsecs = 0\nstopwaitsecs = 1\n",
    );
    d.wait_state("stubborn", "RUNNING");
    let pid = d.pid_of("stubborn").unwrap();
    assert_eq!(d.ctl_ok(&["stop", "stubborn"]), "stubborn: stopped\n");
    assert!(!alive(pid));
    let log = d.log();
    assert!(log.contains(&format!("killing 'stubborn' ({pid}) with SIGKILL")), "{log}");
    assert!(log.contains("stopped: stubborn (terminated by SIGKILL)"), "{log}");
    d.shutdown_and_check();
}

#[test]
fn stopasgroup_kills_grandchildren() {
    let sandbox = Sandbox::new();
    let grandchild = sandbox.path("grandchild.pid");
    sandbox.write_config(&format!(
        "[program.family]\ncommand = \"sh -c 'sleep 1000 & echo $! > {}; wait'\"\nstartsecs = 0\nstopasgroup = true\n\n\
         [program.lonely]\ncommand = \"sh -c 'sleep 1000 & echo $! > {}.2; wait'\"\nstartsecs = 0\n",
        grandchild.display(),
        grandchild.display()
    ));
    let d = Daemon::start_in(sandbox);
    wait_until("grandchild pids", || {
        d.sandbox.read("grandchild.pid").trim().parse::<u32>().is_ok()
            && d.sandbox.read("grandchild.pid.2").trim().parse::<u32>().is_ok()
    });
    let grandchild: u32 = d.sandbox.read("grandchild.pid").trim().parse().unwrap();
    let orphan: u32 = d.sandbox.read("grandchild.pid.2").trim().parse().unwrap();
    assert!(alive(grandchild));
    assert_eq!(d.ctl_ok(&["stop", "family", "lonely"]), "family: stopped\nlonely: stopped\n");
    wait_until("the grandchild to die with its group", || !alive(grandchild));
    // Without stopasgroup only the direct child is signalled, as in supervisord.
    assert!(alive(orphan), "lonely's grandchild should survive a plain stop");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(orphan as i32), nix::sys::signal::Signal::SIGKILL).unwrap();
    d.shutdown_and_check();
}

#[test]
fn children_get_only_stdio_descriptors() {
    let d = Daemon::start("[program.fds]\ncommand = \"sleep 1000\"\nstartsecs = 0\n");
    d.wait_state("fds", "RUNNING");
    let pid = d.pid_of("fds").unwrap();
    let mut fds: Vec<u32> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().parse().unwrap())
        .collect();
    fds.sort();
    assert_eq!(fds, [0, 1, 2]);
    d.shutdown_and_check();
}

#[test]
fn user_switches_when_root() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("skipped: needs root to switch users");
        return;
    }
    let sandbox = Sandbox::new();
    // The child writes into a directory `nobody` can write to.
    std::fs::set_permissions(sandbox.dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    sandbox.write_config(
        "[program.dropped]\ncommand = \"sh -c 'id -u > uid.txt; id -G > groups.txt; exec sleep 1000'\"\n\
         directory = \"%(here)s\"\nstartsecs = 0\nuser = \"nobody\"\nstdout_logfile = \"NONE\"\nstderr_logfile = \"NONE\"\n",
    );
    let d = Daemon::start_in(sandbox);
    d.wait_state("dropped", "RUNNING");
    let nobody = nix::unistd::User::from_name("nobody").unwrap().unwrap();
    wait_until("uid file", || !d.sandbox.read("uid.txt").is_empty());
    assert_eq!(d.sandbox.read("uid.txt").trim(), nobody.uid.to_string());
    wait_until("groups file", || !d.sandbox.read("groups.txt").is_empty());
    assert!(!d.sandbox.read("groups.txt").split_whitespace().any(|g| g == "0"), "root's group dropped");
    d.shutdown_and_check();
}

#[test]
fn children_start_with_default_signal_dispositions() {
    let sandbox = Sandbox::new();
    // grep reports its own masks: it is the daemon's child itself, with nothing in between.
    sandbox.write_config(
        "[program.fresh]\ncommand = \"grep -E '^Sig(Ign|Blk)' /proc/self/status\"\n\
         stdout_logfile = \"%(here)s/signals.txt\"\nstartsecs = 0\nautorestart = false\n",
    );
    let d = Daemon::start_with_ignored_signals(sandbox);
    d.wait_state("fresh", "EXITED");
    wait_until("the child's report", || d.sandbox.read("signals.txt").lines().count() == 2);
    let report = d.sandbox.read("signals.txt");
    let mask = |name: &str| {
        let line = report.lines().find(|l| l.starts_with(name)).unwrap();
        u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
    };
    assert_eq!(mask("SigBlk:"), 0, "{report}");
    // Signals 1-31. (glibc's posix_spawn leaves its own internal real-time signals 32 and 33
    // ignored; every glibc program re-arms them at start-up.)
    assert_eq!(mask("SigIgn:") & 0x7fff_ffff, 0, "{report}");
    d.shutdown_and_check();
}
