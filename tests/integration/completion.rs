//! Shell completion through the completion entry point (`NAME __complete ...`), and through
//! the installed bash script run by a real bash: live process and group names from the daemon,
//! signal names, channels, states, and quietly nothing when the daemon is not running.

use std::process::Command;

use crate::harness::*;

const PROGRAMS: &str = "[program.app]\ncommand = \"sleep 1000\"\nstartsecs = 0\n\n\
                        [program.web]\ncommand = \"sleep 1000\"\nnumprocs = 2\nstartsecs = 0\n";

/// `taskmasterctl __complete --cword N -- WORDS...` (as zsh and fish call it): the mode line,
/// then the candidates.
fn entry(d: &Sandbox, words: &[&str]) -> Vec<String> {
    let mut args = vec!["__complete".to_string(), "--cword".to_string(), (words.len() - 1).to_string(), "--".into()];
    args.extend(words.iter().map(|w| w.to_string()));
    let out = Command::new(BIN).args(&args).current_dir(d.dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn the_entry_point_completes_names_signals_channels_and_states() {
    let d = Daemon::start(PROGRAMS);
    d.wait_state("web_1", "RUNNING");
    let config = d.config();
    let ctl = |rest: &[&str]| {
        let mut words = vec!["taskmasterctl", "-c", &config];
        words.extend_from_slice(rest);
        entry(&d.sandbox, &words)
    };
    assert_eq!(ctl(&["stop", "web"]), ["words", "web:*", "web_0", "web_1"]);
    assert_eq!(ctl(&["signal", "HU"]), ["words", "HUP"]);
    assert_eq!(ctl(&["signal", "HUP", "a"]), ["words", "all", "app"]);
    assert_eq!(ctl(&["tail", "app", "std"]), ["words", "stderr", "stdout"]);
    assert_eq!(ctl(&["wait", "--state", "FA"]), ["words", "FATAL"]);
    // A value with no candidates completes nothing, never file names.
    assert_eq!(ctl(&["wait", "--timeout", ""]), ["words"]);
    assert_eq!(ctl(&["-c", ""])[0], "files");
    // `taskmaster ctl` is the same grammar.
    let main = entry(&d.sandbox, &["taskmaster", "ctl", "-c", &config, "restart", "ap"]);
    assert_eq!(main, ["words", "app"]);
    d.shutdown_and_check();

    // No daemon: quietly nothing.
    let sandbox = Sandbox::new();
    let none = entry(&sandbox, &["taskmasterctl", "-s", &sandbox.socket().display().to_string(), "stop", ""]);
    assert_eq!(none, ["words"]);
}

/// Runs the committed bash script in bash with COMP_LINE as typed, and returns COMPREPLY.
fn bash_complete(dir: &std::path::Path, line: &str) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/taskmasterctl.bash");
    let program = format!(
        "source '{script}'\nCOMP_LINE=\"$LINE\"; COMP_POINT=${{#COMP_LINE}}\n\
         read -ra COMP_WORDS <<< \"$COMP_LINE\"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n\
         COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n_taskmasterctl_complete\nprintf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env("PATH", path)
        .env("LINE", line)
        .current_dir(dir)
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn the_bash_script_completes_live_names() {
    let d = Daemon::start(PROGRAMS);
    d.wait_state("web_1", "RUNNING");
    // The script runs the command as typed: taskmasterctl, found in PATH.
    std::os::unix::fs::symlink(BIN, d.sandbox.path("taskmasterctl")).unwrap();
    let config = d.config();
    let line = |rest: &str| bash_complete(d.sandbox.dir.path(), &format!("taskmasterctl -c {config} {rest}"));
    assert_eq!(line("sto"), ["stop"]);
    assert_eq!(line("stop web"), ["web:*", "web_0", "web_1"]);
    // bash splits words at ':': the candidates are given from after the colon.
    assert_eq!(line("stop web:"), ["*", "web_0", "web_1"]);
    assert_eq!(line("signal SIGUS"), ["SIGUSR1", "SIGUSR2"]);
    // `*` came back literally: a candidate is not a glob.
    std::fs::write(d.sandbox.path("web:stray"), "").unwrap();
    assert_eq!(line("stop web:"), ["*", "web_0", "web_1"]);
    d.shutdown_and_check();
}
