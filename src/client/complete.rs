//! Command-line completion for bash, zsh and fish: the installed scripts (generated in
//! `cmd::generate`) call back into the binary, `taskmasterctl __complete ...`, which answers
//! with the interactive shell's own completer: actions, options and their values, signal names,
//! channels, states, and the process and group names of the running daemon (asked with a short
//! timeout; quietly none when it does not answer). So the shells and the interactive shell
//! cannot disagree, and names are always the daemon's current ones.
//!
//! The entry point is not part of the grammar (it is intercepted before clap parses, and no
//! help shows it). Its input is either `--line LINE` (the command line up to the cursor; bash)
//! or `--cword N -- WORD...` (the words, and which one is being completed; zsh, fish). Its
//! output is one line saying how to complete, `words` or `files` (a FILE argument: the shell
//! completes paths itself), then one candidate per line.

use std::path::PathBuf;

use clap::CommandFactory;

use super::shell;
use crate::cli::{self, CtlArgs, Personality};

/// The hidden first argument that asks for completions.
pub const ENTRY: &str = "__complete";

/// What to complete, and how.
#[derive(Debug, PartialEq, Eq)]
pub struct Completion {
    pub files: bool,
    pub candidates: Vec<String>,
}

impl Completion {
    fn words(candidates: Vec<String>) -> Self {
        Completion { files: false, candidates }
    }

    fn files() -> Self {
        Completion { files: true, candidates: Vec::new() }
    }

    pub fn render(&self) -> String {
        let mut out = String::from(if self.files { "files\n" } else { "words\n" });
        for candidate in &self.candidates {
            out.push_str(candidate);
            out.push('\n');
        }
        out
    }
}

/// `taskmasterctl __complete ARGS...` (`args` after the entry word): prints the answer.
pub fn run(args: &[String]) -> u8 {
    let Some((words, partial)) = parse_request(args) else {
        eprintln!("usage: {ENTRY} --line LINE | --cword N -- WORD...");
        return 2;
    };
    print!("{}", complete(&words, &partial).render());
    0
}

/// The complete words before the cursor (the command's name first) and the partial word.
fn parse_request(args: &[String]) -> Option<(Vec<String>, String)> {
    match args.first().map(String::as_str) {
        Some("--line") => {
            let line = args.get(1)?;
            // A word being typed may have an open quote: close it to split.
            let mut words = shlex::split(line)
                .or_else(|| shlex::split(&format!("{line}'")))
                .or_else(|| shlex::split(&format!("{line}\"")))?;
            let partial = if line.ends_with(char::is_whitespace) || line.is_empty() {
                String::new()
            } else {
                words.pop().unwrap_or_default()
            };
            Some((words, partial))
        }
        Some("--cword") => {
            let cword: usize = args.get(1)?.parse().ok()?;
            let rest = args.get(2).filter(|a| *a == "--").map(|_| &args[3..])?;
            let words = rest.get(..cword.min(rest.len()))?.to_vec();
            let partial = rest.get(cword).cloned().unwrap_or_default();
            Some((words, partial))
        }
        _ => None,
    }
}

/// The candidates for `partial` after `words` (`words[0]` is the command as typed).
pub fn complete(words: &[String], partial: &str) -> Completion {
    let Some(program) = words.first() else { return Completion::words(Vec::new()) };
    let rest = &words[1..];
    match cli::personality_from_argv0(program) {
        Personality::Ctl => complete_ctl(rest, partial),
        Personality::Daemon => complete_options(&crate::cli::DaemonArgs::command(), rest, partial),
        Personality::Main => match rest.split_first() {
            None => {
                let command = crate::cli::Cli::command();
                let names = command.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| s.get_name().to_string());
                Completion::words(matching(names.collect(), partial))
            }
            Some((sub, after)) if sub == "ctl" => complete_ctl(after, partial),
            Some((sub, after)) => match crate::cli::Cli::command().find_subcommand(sub) {
                Some(command) => complete_options(command, after, partial),
                None => Completion::words(Vec::new()),
            },
        },
    }
}

fn matching(candidates: Vec<String>, partial: &str) -> Vec<String> {
    let mut found: Vec<String> = candidates.into_iter().filter(|c| c.starts_with(partial)).collect();
    found.sort();
    found
}

/// Whether `word` is an option of `command` that takes a value (`-c`, `--configuration`).
fn takes_value(command: &clap::Command, word: &str) -> bool {
    command.get_arguments().any(|a| {
        a.get_action().takes_values()
            && !a.is_positional()
            && (a.get_short().is_some_and(|s| word == format!("-{s}"))
                || a.get_long().is_some_and(|l| word == format!("--{l}")))
    })
}

fn option_names(command: &clap::Command) -> Vec<String> {
    let mut names = Vec::new();
    for arg in command.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
        names.extend(arg.get_long().map(|l| format!("--{l}")));
        names.extend(arg.get_short().map(|s| format!("-{s}")));
    }
    names
}

/// A command of options only (the daemon, `check`): its options, and paths for their values.
fn complete_options(command: &clap::Command, words: &[String], partial: &str) -> Completion {
    if words.last().is_some_and(|w| takes_value(command, w)) {
        return Completion::files();
    }
    if partial.starts_with('-') {
        return Completion::words(matching(option_names(command), partial));
    }
    Completion::words(Vec::new())
}

/// taskmasterctl's line: global options, then an action that the interactive shell's completer
/// completes, asking the daemon the global options point at.
fn complete_ctl(words: &[String], partial: &str) -> Completion {
    let command = CtlArgs::command();
    let mut globals = CtlArgs { configuration: None, serverurl: None, interactive: false, version: None, action: None };
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        if !word.starts_with('-') {
            break;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (word.as_str(), None),
        };
        if takes_value(&command, flag) {
            let value = match inline {
                Some(value) => Some(value),
                None => {
                    index += 1;
                    words.get(index).cloned()
                }
            };
            let Some(value) = value else { return Completion::files() };
            match flag {
                "-c" | "--configuration" => globals.configuration = Some(PathBuf::from(value)),
                "-s" | "--serverurl" => globals.serverurl = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        index += 1;
    }
    let action_words = &words[index.min(words.len())..];
    if action_words.is_empty() && partial.starts_with('-') {
        return Completion::words(matching(option_names(&command), partial));
    }
    // The line as the interactive shell would see it, up to the cursor.
    let mut before: String = action_words.iter().map(|w| format!("{w} ")).collect();
    before.push_str(partial);
    let socket = super::socket_path(&globals).ok();
    let fetch = |request| socket.as_deref().and_then(|path| shell::fetch(path, request));
    let (_, candidates) = shell::complete(&shell::line_command(cli::CTL_NAME), &before, &fetch);
    Completion::words(candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn requests_parse_from_a_line_or_from_words() {
        let line = |l: &str| parse_request(&words(&["--line", l])).unwrap();
        assert_eq!(line("taskmasterctl st"), (words(&["taskmasterctl"]), "st".to_string()));
        assert_eq!(line("taskmasterctl stop "), (words(&["taskmasterctl", "stop"]), String::new()));
        assert_eq!(line("taskmasterctl stop 'we"), (words(&["taskmasterctl", "stop"]), "we".to_string()));
        let cword = |n: &str, w: &[&str]| {
            let mut args = words(&["--cword", n, "--"]);
            args.extend(words(w));
            parse_request(&args).unwrap()
        };
        assert_eq!(cword("2", &["taskmasterctl", "stop", "we"]), (words(&["taskmasterctl", "stop"]), "we".into()));
        assert_eq!(cword("2", &["taskmasterctl", "stop"]), (words(&["taskmasterctl", "stop"]), String::new()));
        assert_eq!(parse_request(&words(&["--cword", "x"])), None);
    }

    #[test]
    fn the_grammar_completes_without_a_daemon() {
        let nowhere = ["taskmasterctl", "-s", "/nonexistent/taskmaster.sock"];
        let ctl = |rest: &[&str], partial: &str| {
            let mut all = words(&nowhere);
            all.extend(words(rest));
            complete(&all, partial)
        };
        assert!(ctl(&[], "sta").candidates == ["start", "status"], "{:?}", ctl(&[], "sta"));
        assert_eq!(ctl(&["signal"], "HU").candidates, ["HUP"]);
        assert_eq!(ctl(&["tail", "-f", "web"], "std").candidates, ["stderr", "stdout"]);
        assert!(ctl(&["wait", "--state"], "RUN").candidates.contains(&"RUNNING".to_string()));
        // Names come from the daemon: none is running, so none, quietly.
        assert_eq!(ctl(&["stop"], ""), Completion::words(Vec::new()));
        // A FILE value: the shell completes paths.
        assert!(complete(&words(&["taskmasterctl", "-c"]), "").files);
        assert!(complete(&words(&["taskmaster", "check", "-c"]), "").files);
        assert_eq!(complete(&words(&["taskmaster"]), "c").candidates, ["check", "convert", "ctl"]);
        assert!(complete(&words(&["taskmaster", "ctl", "-s", "/nonexistent"]), "rel").candidates == ["reload"]);
        assert!(complete(&words(&["taskmasterd"]), "--noda").candidates == ["--nodaemon"]);
    }
}
