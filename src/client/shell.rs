//! The interactive shell: `taskmasterctl` with no action, or with `-i` after one.
//!
//! A shell line is split with shell quoting rules and parsed by the same clap grammar as the
//! command line ([`CtlLine`]), then run by the same [`execute`], so actions, options, error
//! messages and `--help` texts cannot differ between the two. Each action opens its own
//! connection, which is why a daemon that goes away and comes back needs no reconnection step;
//! the prompt says whether the daemon answers a connect, checked afresh before each prompt.
//!
//! With stdin a terminal, the shell is a rustyline editor with history kept in a file and tab
//! completion derived from the clap definitions (actions, options, possible values) and from the
//! daemon (process and group names, fetched when Tab is pressed, with a short timeout). With
//! stdin not a terminal, it is a plain script reader: no prompt, no banner, and the exit status
//! of the last command that failed.
//!
//! Ctrl-C: at the prompt rustyline reads it as a key (the terminal is in raw mode) and clears
//! the line. While a command runs, the terminal is back in cooked mode and Ctrl-C raises SIGINT;
//! the shell turns it into a byte on a self-pipe (`client::waiting`), and
//! `Connection::read_response` polls that pipe together with the socket, so a command waiting
//! for the daemon returns `waiting::interrupted()` and its connection is dropped; the
//! daemon just loses a client and stops nothing. Outside the interactive shell no handler is
//! installed and Ctrl-C kills the client, as usual.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Command, CommandFactory, FromArgMatches};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Editor, Helper};

use super::waiting::{clear_interrupt, install_interrupt};
use super::{execute, exit, socket_path};
use crate::cli::{self, Action, CtlArgs, CtlLine, Personality};
use crate::config;
use crate::protocol::{self, AvailInfo, ProcessInfo, Request, RequestEnvelope, Response};

/// How long a Tab press may wait for the daemon before completing nothing.
const COMPLETION_TIMEOUT: Duration = Duration::from_millis(500);

/// The words the shell understands besides the actions.
const LEAVE_WORDS: [&str; 2] = ["exit", "quit"];

const RELOAD_QUESTION: &str = "Really restart the remote taskmasterd process y/N? ";
const SHUTDOWN_QUESTION: &str = "Really shut the remote taskmasterd process down y/N? ";

/// `taskmasterctl` with no action, or with `-i`: runs the action if any, then the shell.
pub fn run(args: &CtlArgs) -> u8 {
    let socket = match socket_path(args) {
        Ok(path) => path,
        Err(failure) => {
            eprintln!("taskmasterctl: {}", failure.message);
            return failure.code;
        }
    };
    let settings = ctl_settings(args);
    let interactive = std::io::stdin().is_terminal();
    if interactive && let Err(e) = install_interrupt() {
        eprintln!("taskmasterctl: warning: Ctrl-C will quit instead of interrupting a command: {e}");
    }
    let mut shell = Shell::new(socket, interactive);
    let mut last_failure = exit::SUCCESS;
    if let Some(action) = &args.action {
        last_failure = shell.run_action(action);
    }
    if interactive {
        interactive_loop(&mut shell, &settings, args.action.is_none())
    } else {
        scripted_loop(&mut shell, std::io::stdin().lock(), last_failure)
    }
}

/// The `[taskmasterctl]` settings the shell uses. The socket came from [`socket_path`], which
/// already reported a config that cannot be read; when it did not need the config (`-s`, or no
/// config file anywhere), the defaults do.
fn ctl_settings(args: &CtlArgs) -> config::CtlConfig {
    config::find_config_file(args.configuration.as_deref())
        .ok()
        .and_then(|path| config::load(&path).ok())
        .or_else(|| config::parse_str("", Path::new("taskmaster.toml")).ok())
        .map(|c| c.ctl)
        .unwrap_or_else(|| config::CtlConfig {
            serverurl: PathBuf::new(),
            prompt: "taskmaster".to_string(),
            history_file: None,
        })
}

/// What a shell line asks for.
#[derive(Debug)]
enum Parsed {
    Nothing,
    Leave,
    Action(Action),
    /// clap's answer: an error, or the help text it shows as one.
    Clap(clap::Error),
    Unbalanced,
}

/// What the caller does after a line.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Continue(u8),
    Leave,
}

/// The name the command line was invoked with, so the shell's help and usage lines read
/// exactly as `--help` does: `taskmasterctl`, or `taskmaster ctl`.
fn invoked_name() -> String {
    let argv0 = std::env::args_os().next().map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
    let file = Path::new(&argv0).file_name().map_or_else(|| cli::CTL_NAME.into(), |f| f.to_string_lossy());
    match cli::personality_from_argv0(&argv0) {
        Personality::Ctl | Personality::Daemon => file.into_owned(),
        Personality::Main => format!("{file} ctl"),
    }
}

/// The grammar of a shell line: [`CtlLine`], presented as `taskmasterctl`'s actions.
pub(super) fn line_command(bin_name: &str) -> Command {
    let mut command = CtlLine::command()
        .bin_name(bin_name.to_string())
        .subcommand_value_name("ACTION")
        .subcommand_help_heading("Actions")
        .after_help("In the shell: exit, quit or Ctrl-D leaves; Ctrl-C abandons a waiting command.");
    command.build();
    command
}

fn parse_line(command: &mut Command, line: &str) -> Parsed {
    let Some(mut words) = shlex::split(line) else { return Parsed::Unbalanced };
    match words.first().map(String::as_str) {
        None => return Parsed::Nothing,
        Some(first) if LEAVE_WORDS.contains(&first) => return Parsed::Leave,
        Some(_) => {}
    }
    cli::rewrite_numeric_tail_flag(&mut words);
    match command.try_get_matches_from_mut(words).and_then(|mut m| CtlLine::from_arg_matches_mut(&mut m)) {
        Ok(line) => Parsed::Action(line.action),
        Err(e) => Parsed::Clap(e),
    }
}

/// What every way of running the shell shares: the grammar and the daemon's address.
struct Shell {
    command: Command,
    socket: PathBuf,
    interactive: bool,
    /// In scripted use, the number of the line being run, named in its errors.
    line: Option<usize>,
}

impl Shell {
    fn new(socket: PathBuf, interactive: bool) -> Shell {
        Shell { command: line_command(&invoked_name()), socket, interactive, line: None }
    }

    /// `line 3: ` while a script's line runs, else nothing.
    fn place(&self) -> String {
        self.line.map(|n| format!("line {n}: ")).unwrap_or_default()
    }

    /// Runs one action and reports its failure; returns the exit code.
    fn run_action(&self, action: &Action) -> u8 {
        let mut stdout = std::io::stdout();
        let outcome = execute(action, &self.socket, &mut stdout);
        let _ = stdout.flush();
        match outcome {
            Ok(code) => code,
            Err(failure) if failure.is_interrupted() => {
                eprintln!("interrupted; nothing was stopped on the daemon");
                failure.code
            }
            Err(failure) => {
                eprintln!("taskmasterctl: {}{}", self.place(), failure.message);
                failure.code
            }
        }
    }

    /// Parses and runs one line. `confirm` asks a yes/no question (the interactive shell's
    /// reload); it is not called in scripted use.
    fn run_line(&mut self, line: &str, confirm: &mut dyn FnMut(&str) -> bool) -> Step {
        match parse_line(&mut self.command, line) {
            Parsed::Nothing => Step::Continue(exit::SUCCESS),
            Parsed::Leave => Step::Leave,
            Parsed::Unbalanced => {
                eprintln!("taskmasterctl: {}unbalanced quotes in: {}", self.place(), line.trim());
                Step::Continue(exit::BAD_ARGUMENTS)
            }
            Parsed::Clap(e) if self.line.is_some() && e.use_stderr() => {
                eprint!("taskmasterctl: {}{}", self.place(), e.render());
                Step::Continue(u8::try_from(e.exit_code()).unwrap_or(exit::BAD_ARGUMENTS))
            }
            Parsed::Clap(e) => {
                // Help goes to stdout and errors to stderr, as on the command line; neither exits.
                let _ = e.print();
                Step::Continue(u8::try_from(e.exit_code()).unwrap_or(exit::BAD_ARGUMENTS))
            }
            Parsed::Action(Action::Reload { yes: false }) if self.interactive && !confirm(RELOAD_QUESTION) => {
                Step::Continue(exit::SUCCESS)
            }
            Parsed::Action(Action::Shutdown { yes: false }) if self.interactive && !confirm(SHUTDOWN_QUESTION) => {
                Step::Continue(exit::SUCCESS)
            }
            Parsed::Action(action) => {
                let code = self.run_action(&action);
                // A script's reader learns which line failed, even when the failure itself was
                // printed as a result (`web: ERROR (no such process)`). A `status` that found a
                // process not running is a report, not a failure.
                if code != exit::SUCCESS && code != exit::NOT_RUNNING && self.line.is_some() {
                    eprintln!("taskmasterctl: {}'{}' failed (exit status {code})", self.place(), line.trim());
                }
                Step::Continue(code)
            }
        }
    }
}

/// Scripted use: one command per line, no decorations; the status of the last failure.
fn scripted_loop(shell: &mut Shell, mut input: impl BufRead, mut last_failure: u8) -> u8 {
    let mut bytes = Vec::new();
    for number in 1.. {
        shell.line = Some(number);
        bytes.clear();
        match input.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("taskmasterctl: can't read the commands: {e}");
                return exit::ERROR;
            }
        }
        // A stray byte that is not UTF-8 spoils one line (clap then names it), not the script.
        let line = String::from_utf8_lossy(&bytes);
        match shell.run_line(line.trim_end_matches(['\n', '\r']), &mut |_| true) {
            Step::Leave => break,
            Step::Continue(code) if code != exit::SUCCESS => last_failure = code,
            Step::Continue(_) => {}
        }
    }
    last_failure
}

fn prompt_text(prompt: &str, connected: bool) -> String {
    if connected { format!("{prompt}> ") } else { format!("{prompt} (not connected)> ") }
}

/// Connects without ever blocking: a daemon too busy to accept counts as not there.
fn connect_quickly(path: &Path) -> std::io::Result<UnixStream> {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, connect, socket};
    let fd = socket(AddressFamily::Unix, SockType::Stream, SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC, None)?;
    connect(std::os::fd::AsRawFd::as_raw_fd(&fd), &UnixAddr::new(path)?)?;
    let stream = UnixStream::from(fd);
    stream.set_nonblocking(false)?;
    Ok(stream)
}

/// Asks the daemon one question for completion, giving up quickly.
pub(super) fn fetch(socket: &Path, request: Request) -> Option<Response> {
    let stream = connect_quickly(socket).ok()?;
    stream.set_read_timeout(Some(COMPLETION_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(COMPLETION_TIMEOUT)).ok()?;
    (&stream).write_all(&protocol::encode_line(&RequestEnvelope::new(request))).ok()?;
    let mut line = Vec::new();
    BufReader::new(&stream).take(protocol::MAX_LINE as u64).read_until(b'\n', &mut line).ok()?;
    serde_json::from_slice(&line).ok()
}

/// The history file, and whether writing it still works (a failure is reported once).
struct History {
    path: Option<PathBuf>,
}

impl History {
    fn open(path: Option<PathBuf>, editor: &mut Editor<ShellHelper, FileHistory>) -> History {
        let Some(path) = path else { return History { path: None } };
        match editor.load_history(&path) {
            Ok(()) => {}
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => eprintln!("taskmasterctl: warning: can't read the history file {}: {e}", path.display()),
        }
        History { path: Some(path) }
    }

    /// Records a line, appending it to the file at once so that a killed shell (or a second one
    /// running alongside) loses nothing.
    fn add(&mut self, editor: &mut Editor<ShellHelper, FileHistory>, line: &str) {
        if editor.add_history_entry(line).is_err() {
            return;
        }
        let Some(path) = &self.path else { return };
        let written = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(ReadlineError::Io),
            _ => Ok(()),
        }
        .and_then(|()| editor.append_history(path));
        if let Err(e) = written {
            eprintln!(
                "taskmasterctl: warning: can't write the history file {}: {e}; this session's history will not be kept",
                path.display()
            );
            self.path = None;
        }
    }
}

fn interactive_loop(shell: &mut Shell, settings: &config::CtlConfig, banner: bool) -> u8 {
    let editor_config = rustyline::Config::builder()
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.history_ignore_space(true).completion_type(CompletionType::List).auto_add_history(false).build());
    let editor = editor_config.and_then(Editor::<ShellHelper, FileHistory>::with_config);
    let mut editor = match editor {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("taskmasterctl: can't open the interactive shell: {e}");
            return exit::ERROR;
        }
    };
    editor.set_helper(Some(ShellHelper { command: shell.command.clone(), socket: shell.socket.clone() }));
    let mut history = History::open(settings.history_file.clone(), &mut editor);

    if banner {
        shell.run_action(&Action::Status { json: false, names: Vec::new() });
    }
    loop {
        let prompt = prompt_text(&settings.prompt, connect_quickly(&shell.socket).is_ok());
        // Before reading, not after: a Ctrl-C pressed once the line is entered belongs to it.
        clear_interrupt();
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    history.add(&mut editor, &line);
                }
                let mut confirm = |question: &str| {
                    clear_interrupt();
                    matches!(editor.readline(question), Ok(answer) if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
                };
                if shell.run_line(&line, &mut confirm) == Step::Leave {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => {
                println!();
                break;
            }
            Err(e) => {
                eprintln!("taskmasterctl: can't read a command: {e}");
                return exit::ERROR;
            }
        }
    }
    exit::SUCCESS
}

/// Tab completion. Everything about the grammar comes from the clap command; names come from
/// the daemon when Tab is pressed.
struct ShellHelper {
    command: Command,
    socket: PathBuf,
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, words) = complete(&self.command, &line[..pos], &|request| fetch(&self.socket, request));
        let pairs =
            words.into_iter().map(|word| Pair { display: word.clone(), replacement: format!("{word} ") }).collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

/// Where process names for a NAME argument come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameSource {
    /// Processes the daemon runs; `several` when the argument takes more than one, which makes
    /// `GROUP:*` and `all` candidates too.
    Processes { several: bool },
    /// Groups in the config but not active (`add`).
    Inactive,
    /// Active groups (`remove`).
    Active,
}

/// Completes the last word of `before` (the line up to the cursor). Returns where the word
/// starts and the candidates, sorted, each a replacement for that word. `fetch` asks the
/// daemon; `None` means no answer.
pub(super) fn complete(
    command: &Command,
    before: &str,
    fetch: &dyn Fn(Request) -> Option<Response>,
) -> (usize, Vec<String>) {
    let start =
        before.len() - before.chars().rev().take_while(|c| !c.is_whitespace()).map(char::len_utf8).sum::<usize>();
    let partial = &before[start..];
    let words: Vec<&str> = before[..start].split_whitespace().collect();
    let mut found = match words.split_first() {
        None => action_names(command, partial),
        Some((&"help", [])) => action_names(command, partial),
        Some((action, rest)) => match command.find_subcommand(action) {
            Some(sub) if sub.get_name() != "help" => argument_candidates(sub, rest, partial, fetch),
            _ => Vec::new(),
        },
    };
    found.retain(|c| !words.contains(&c.as_str()));
    found.sort();
    found.dedup();
    (start, found)
}

fn action_names(command: &Command, partial: &str) -> Vec<String> {
    command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .chain(LEAVE_WORDS.iter().map(|w| w.to_string()))
        .filter(|name| name.starts_with(partial))
        .collect()
}

/// Candidates for the word `partial` being typed after an action and the words `typed` before
/// it. Possible values and signal names match without regard to case and come back as the
/// grammar spells them.
fn argument_candidates(
    action: &Command,
    typed: &[&str],
    partial: &str,
    fetch: &dyn Fn(Request) -> Option<Response>,
) -> Vec<String> {
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let option = |word: &str| {
        action.get_arguments().find(|arg| match word.strip_prefix("--") {
            Some(long) => arg.get_long() == Some(long),
            None => word.len() == 2 && arg.get_short() == word.strip_prefix('-').and_then(|s| s.chars().next()),
        })
    };

    if let Some((name, value)) = partial.strip_prefix("--").and_then(|rest| rest.split_once('=')) {
        let Some(arg) = option(&format!("--{name}")) else { return Vec::new() };
        return matching_values(arg, value).into_iter().map(|v| format!("--{name}={v}")).collect();
    }
    if partial.starts_with('-') {
        return action
            .get_arguments()
            .filter(|arg| !arg.is_positional() && !arg.is_hide_set())
            .flat_map(|arg| {
                let long = arg.get_long().map(|l| format!("--{l}"));
                let short = arg.get_short().map(|s| format!("-{s}"));
                long.into_iter().chain(short)
            })
            .filter(|option| option.starts_with(partial))
            .collect();
    }

    // Walk the words typed so far to know which argument the current word fills.
    let mut positionals_seen = 0;
    let mut pending_value = None;
    let mut only_positionals = false;
    for word in typed {
        if pending_value.take().is_some() {
            continue;
        }
        if only_positionals || !word.starts_with('-') || *word == "-" {
            positionals_seen += 1;
        } else if *word == "--" {
            only_positionals = true;
        } else if !word.contains('=') {
            pending_value = option(word).filter(|arg| takes_value(arg));
        }
    }
    if let Some(arg) = pending_value {
        return matching_values(arg, partial);
    }
    let positionals: Vec<&clap::Arg> = action.get_arguments().filter(|a| a.is_positional()).collect();
    let several = |arg: &clap::Arg| arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    let arg = match positionals.get(positionals_seen) {
        Some(arg) => *arg,
        None => match positionals.last() {
            Some(last) if several(last) => *last,
            _ => return Vec::new(),
        },
    };
    let values = matching_values(arg, partial);
    if !values.is_empty() {
        return values;
    }
    match arg.get_value_names().and_then(|names| names.first()).map(|n| n.as_str()) {
        Some("SIGNAL") => signal_names(partial),
        Some("NAME" | "GROUP") => {
            let source = match action.get_name() {
                "add" => NameSource::Inactive,
                "remove" => NameSource::Active,
                _ => NameSource::Processes { several: several(arg) },
            };
            name_candidates(source, partial, fetch)
        }
        _ => Vec::new(),
    }
}

/// The possible values of `arg` that start with `partial`, ignoring case (`wait --state run`).
fn matching_values(arg: &clap::Arg, partial: &str) -> Vec<String> {
    arg.get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .filter(|v| v.to_ascii_lowercase().starts_with(&partial.to_ascii_lowercase()))
        .collect()
}

/// The platform's signal names, with SIG when the user started with it.
fn signal_names(partial: &str) -> Vec<String> {
    let upper = partial.to_ascii_uppercase();
    let with_sig = upper.starts_with("SIG");
    nix::sys::signal::Signal::iterator()
        .map(|s| {
            let name = s.as_str();
            if with_sig { name.to_string() } else { name.trim_start_matches("SIG").to_string() }
        })
        .filter(|name| name.starts_with(&upper))
        .collect()
}

/// Names the daemon knows, as the user can write them: `web_0`, `web:*`, and `web:web_0` once a
/// colon is typed.
fn name_candidates(source: NameSource, partial: &str, fetch: &dyn Fn(Request) -> Option<Response>) -> Vec<String> {
    match source {
        NameSource::Processes { several } => {
            let Some(Response::Status { processes, .. }) = fetch(Request::Status { names: Vec::new() }) else {
                return Vec::new();
            };
            process_names(&processes, partial.contains(':'), several)
        }
        NameSource::Inactive | NameSource::Active => {
            let Some(Response::Avail { programs }) = fetch(Request::Avail) else { return Vec::new() };
            avail_groups(&programs, source == NameSource::Active)
        }
    }
    .into_iter()
    .filter(|name| name.starts_with(partial))
    .collect()
}

fn process_names(processes: &[ProcessInfo], qualified: bool, several: bool) -> Vec<String> {
    let mut names = Vec::new();
    for p in processes {
        names.push(if qualified { format!("{}:{}", p.group, p.name) } else { p.name.clone() });
        // A group of one process named after it is already covered by that name.
        let group_of_its_own = p.group == p.name && processes.iter().filter(|q| q.group == p.group).count() == 1;
        if several && !group_of_its_own {
            names.push(format!("{}:*", p.group));
        }
    }
    if several && !qualified {
        names.push("all".to_string());
    }
    names
}

fn avail_groups(programs: &[AvailInfo], in_use: bool) -> Vec<String> {
    programs.iter().filter(|p| p.in_use == in_use).map(|p| p.group.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ProcessState;

    fn command() -> Command {
        line_command("taskmasterctl")
    }

    fn info(group: &str, name: &str) -> ProcessInfo {
        ProcessInfo { pid: Some(1), ..crate::client::render::tests::info(name, group, ProcessState::Running) }
    }

    fn daemon(request: Request) -> Option<Response> {
        match request {
            Request::Status { .. } => Some(Response::Status {
                now: 0.0,
                processes: vec![info("app", "app"), info("web", "web_0"), info("web", "web_1")],
                unknown: Vec::new(),
            }),
            Request::Avail => Some(Response::Avail {
                programs: [("app", true), ("web", true), ("web", true), ("extra", false)]
                    .map(|(group, in_use)| AvailInfo {
                        name: group.into(),
                        group: group.into(),
                        in_use,
                        autostart: true,
                        priority: 999,
                    })
                    .into(),
            }),
            _ => None,
        }
    }

    fn words(before: &str) -> Vec<String> {
        complete(&command(), before, &daemon).1
    }

    #[test]
    fn actions_complete_from_the_grammar() {
        assert_eq!(words("sta"), ["start", "status"]);
        assert_eq!(words("resta"), ["restart"]);
        assert_eq!(words("q"), ["quit"]);
        assert_eq!(words("help sh"), ["shutdown"]);
        assert!(words("").contains(&"maintail".to_string()));
        assert_eq!(complete(&command(), "  rel", &daemon).0, 2);
    }

    #[test]
    fn options_and_their_values_complete_from_the_grammar() {
        assert_eq!(words("stop --n"), ["--no-wait"]);
        assert_eq!(words("wait --st"), ["--state"]);
        assert_eq!(
            words("wait --state "),
            ["BACKOFF", "EXITED", "FATAL", "RUNNING", "STARTING", "STOPPED", "STOPPING"]
        );
        assert_eq!(words("wait --state run"), ["RUNNING"]);
        assert_eq!(words("wait --state=STO"), ["--state=STOPPED", "--state=STOPPING"]);
        assert_eq!(words("tail -f app stde"), ["stderr"]);
        assert!(words("tail -").contains(&"-n".to_string()));
        assert!(words("status --").contains(&"--help".to_string()));
        assert_eq!(words("wait --timeout "), Vec::<String>::new());
    }

    #[test]
    fn names_complete_from_the_daemon() {
        assert_eq!(words("status web"), ["web:*", "web_0", "web_1"]);
        assert_eq!(words("start web_"), ["web_0", "web_1"]);
        assert_eq!(words("stop web:"), ["web:*", "web:web_0", "web:web_1"]);
        assert_eq!(words("status a"), ["all", "app"]);
        assert_eq!(words("stop web_0 web_"), ["web_1"], "names already given are not offered again");
        assert_eq!(words("tail w"), ["web_0", "web_1"], "one process: no group forms");
        assert_eq!(words("tail app "), ["stderr", "stdout"]);
        assert_eq!(words("fg a"), ["app"]);
        assert_eq!(words("wait --state STOPPED w"), ["web:*", "web_0", "web_1"]);
        assert_eq!(words("signal HUP w"), ["web:*", "web_0", "web_1"]);
        assert_eq!(words("add "), ["extra"]);
        assert_eq!(words("remove "), ["app", "web"]);
        assert_eq!(complete(&command(), "status w", &|_| None).1, Vec::<String>::new(), "no daemon: nothing");
    }

    #[test]
    fn signals_complete_by_name() {
        assert_eq!(words("signal HU"), ["HUP"]);
        assert_eq!(words("signal SIGUSR"), ["SIGUSR1", "SIGUSR2"]);
        assert_eq!(words("signal ter"), ["TERM"]);
        assert_eq!(words("signal TERM w"), ["web:*", "web_0", "web_1"]);
    }

    #[test]
    fn lines_parse_with_the_command_line_grammar() {
        let mut command = command();
        assert!(matches!(parse_line(&mut command, "  "), Parsed::Nothing));
        assert!(matches!(parse_line(&mut command, "# a comment"), Parsed::Nothing));
        assert!(matches!(parse_line(&mut command, "quit"), Parsed::Leave));
        assert!(matches!(parse_line(&mut command, "exit now"), Parsed::Leave));
        assert!(matches!(parse_line(&mut command, "stop 'web"), Parsed::Unbalanced));
        assert!(matches!(
            parse_line(&mut command, "tail -3000 'my app'"),
            Parsed::Action(Action::Tail { bytes: Some(3000), ref name, .. }) if name == "my app"
        ));
        let Parsed::Clap(e) = parse_line(&mut command, "frobnicate") else { panic!() };
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("unrecognized subcommand 'frobnicate'"), "{e}");
        let Parsed::Clap(e) = parse_line(&mut command, "start") else { panic!() };
        assert_eq!(e.exit_code(), 2);
        assert!(!e.use_stderr() || e.to_string().contains("Usage: taskmasterctl start"), "{e}");
    }

    #[test]
    fn help_is_the_command_lines_help() {
        let mut command = command();
        let Parsed::Clap(e) = parse_line(&mut command, "help stop") else { panic!() };
        assert_eq!(e.exit_code(), 0);
        assert!(!e.use_stderr());
        let help = e.to_string();
        let expected = CtlArgs::command().try_get_matches_from(["taskmasterctl", "stop", "--help"]).unwrap_err();
        assert_eq!(help, expected.to_string());
        assert!(help.contains("Usage: taskmasterctl stop [OPTIONS] <NAME>..."), "{help}");
        let Parsed::Clap(e) = parse_line(&mut command, "stop --help") else { panic!() };
        assert_eq!(e.to_string(), help);
        let Parsed::Clap(e) = parse_line(&mut command, "help") else { panic!() };
        assert!(e.to_string().contains("Actions:"), "{e}");
    }

    #[test]
    fn the_prompt_says_when_the_daemon_is_away() {
        assert_eq!(prompt_text("taskmaster", true), "taskmaster> ");
        assert_eq!(prompt_text("tm", false), "tm (not connected)> ");
    }

    #[test]
    fn scripts_exit_with_the_last_failure() {
        let dir = tempfile::tempdir().unwrap();
        let mut shell = Shell::new(dir.path().join("none.sock"), false);
        // Lines that print nothing: the integration tests cover the rest.
        assert_eq!(scripted_loop(&mut shell, "\n  # nothing here\n".as_bytes(), 0), exit::SUCCESS);
        assert_eq!(scripted_loop(&mut shell, "exit\nstatus\n".as_bytes(), 0), exit::SUCCESS);
        assert_eq!(scripted_loop(&mut shell, "".as_bytes(), 3), 3, "the -i action's failure counts");
    }
}
