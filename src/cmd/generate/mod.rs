//! The files derived from the sources of truth: shell completions (`completions/`) from the clap
//! grammar in [`crate::cli`], and man pages (`man/`) from the same grammar plus the config key
//! table in [`crate::config::keys`].
//!
//! They are generated in memory ([`generated_files`]) and committed, so that `make install` and
//! packagers need neither a build script nor a run of the binary to get them. The test
//! `generated_files_are_fresh` fails when a committed file differs from what this module
//! produces, and rewrites them all when [`REGENERATE_ENV`] is `1`; so the grammar and the key
//! table stay the only places a help text or a default is written down.
//!
//! Everything here must be deterministic: no dates, no paths of the build machine, no hash-map
//! order. The man pages carry the crate version, so a version bump means regenerating them.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Command, CommandFactory};
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::{CTL_NAME, Cli, CtlArgs, DAEMON_NAME, DaemonArgs, MAIN_NAME};
use crate::config::keys::{DefaultValue, KEYS, Key, Kind, Section, keys_of};
use crate::config::{CONFIG_ENV, search_path_with};

mod config_page;
mod prose;

use config_page::config_page;
#[cfg(test)]
use config_page::{EXAMPLE, section_title};
use prose::*;

/// Set to `1` to make `generated_files_are_fresh` rewrite the committed files.
pub const REGENERATE_ENV: &str = "TASKMASTER_REGENERATE";

/// The command that rewrites every generated file.
pub const REGENERATE_COMMAND: &str = "TASKMASTER_REGENERATE=1 cargo test --lib generated_files_are_fresh";

/// The directories that hold generated files only; [`write_all`] deletes anything else in them.
pub const GENERATED_DIRS: [&str; 2] = ["completions", "man"];

const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell];

const MANUAL: &str = "Taskmaster Manual";

/// Every generated file: its path relative to the repository root, and its exact contents.
pub fn generated_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = completions();
    files.extend([
        (PathBuf::from("man/taskmaster.1"), main_page()),
        (PathBuf::from("man/taskmasterd.8"), daemon_page()),
        (PathBuf::from("man/taskmasterctl.1"), ctl_page()),
        (PathBuf::from("man/taskmaster.toml.5"), config_page()),
    ]);
    files
}

/// Writes every generated file under `root`, and removes files of [`GENERATED_DIRS`] that are no
/// longer generated (a dropped shell or page would otherwise linger and still be installed).
pub fn write_all(root: &Path) -> io::Result<()> {
    let files = generated_files();
    for (path, contents) in &files {
        let full = root.join(path);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir)?;
        }
        // Leaving unchanged files alone keeps their mtimes, which make and editors watch.
        if fs::read(&full).ok().as_deref() != Some(contents.as_slice()) {
            fs::write(&full, contents)?;
        }
    }
    for orphan in orphans(root, &files)? {
        fs::remove_file(root.join(orphan))?;
    }
    Ok(())
}

/// Files in [`GENERATED_DIRS`] that `files` does not account for.
fn orphans(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in GENERATED_DIRS {
        let entries = match fs::read_dir(root.join(dir)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = Path::new(dir).join(entry?.file_name());
            if !files.iter().any(|(p, _)| *p == path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The three grammars, by the name each is installed under.
fn commands() -> [(&'static str, Command); 3] {
    [(MAIN_NAME, Cli::command()), (DAEMON_NAME, DaemonArgs::command()), (CTL_NAME, CtlArgs::command())]
}

fn completions() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for (name, cmd) in commands() {
        for shell in SHELLS {
            let script = match dynamic_script(shell, name) {
                Some(script) => script.into_bytes(),
                None => {
                    let mut script = Vec::new();
                    clap_complete::generate(shell, &mut cmd.clone(), name, &mut script);
                    script
                }
            };
            files.push((Path::new("completions").join(shell.file_name(name)), script));
        }
    }
    files
}

/// bash, zsh and fish complete `taskmaster` and `taskmasterctl` by asking the binary
/// (`client::complete`), which knows the daemon's live process and group names; the other
/// shells, and `taskmasterd` (options only), get clap_complete's static scripts.
fn dynamic_script(shell: Shell, name: &str) -> Option<String> {
    if name == DAEMON_NAME {
        return None;
    }
    let entry = crate::client::complete::ENTRY;
    let function = format!("_{name}_complete");
    Some(match shell {
        // COMP_WORDS splits at ':' (GROUP:NAME), so the line itself is sent, and the part of
        // each candidate before the current word's last ':' is taken off again.
        Shell::Bash => format!(
            "# bash completion for {name}: the binary answers, with the running daemon's names.
{function}() {{
    local IFS=$'\\n' line=\"${{COMP_LINE:0:$COMP_POINT}}\" cur out
    # mapfile, not $(...) in an array: a candidate such as web:* must not glob.
    mapfile -t out < <(command \"${{COMP_WORDS[0]}}\" {entry} --line \"$line\" 2>/dev/null)
    cur=\"${{line##*[[:space:]]}}\"
    if [[ ${{out[0]}} == files ]]; then
        COMPREPLY=($(compgen -f -- \"${{COMP_WORDS[COMP_CWORD]}}\"))
    else
        COMPREPLY=(\"${{out[@]:1}}\")
        if [[ $cur == *:* ]]; then
            local prefix=\"${{cur%:*}}:\"
            COMPREPLY=(\"${{COMPREPLY[@]#\"$prefix\"}}\")
        fi
    fi
}}
complete -F {function} {name}
"
        ),
        Shell::Zsh => format!(
            "#compdef {name}
# zsh completion for {name}: the binary answers, with the running daemon's names.
{function}() {{
    local -a out
    out=(\"${{(@f)$(command ${{words[1]}} {entry} --cword $((CURRENT - 1)) -- \"${{(@)words[1,CURRENT]}}\" 2>/dev/null)}}\")
    if [[ ${{out[1]}} == files ]]; then
        _files
    else
        compadd -- \"${{(@)out[2,-1]}}\"
    fi
}}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    {function} \"$@\"
else
    compdef {function} {name}
fi
"
        ),
        Shell::Fish => format!(
            "# fish completion for {name}: the binary answers, with the running daemon's names.
function {function}
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out (command $tokens[1] {entry} --cword (count $tokens) -- $tokens $current 2>/dev/null)
    if test \"$out[1]\" = files
        __fish_complete_path $current
    else
        printf '%s\\n' $out[2..-1]
    end
end
complete -c {name} -f -a '({function})'
"
        ),
        _ => return None,
    })
}

/// roff source assembled from parts rendered by clap_mangen and by the roff crate. Both start
/// every rendering with the same preamble (it defines the apostrophe string); a page carries it
/// once, at the top.
struct Page(String);

impl Page {
    fn new() -> Page {
        Page(Roff::new().render())
    }

    fn push_str(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn push_roff(&mut self, roff: &Roff) {
        self.push_str(&strip_preamble(roff.render()));
    }

    fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// Runs one of clap_mangen's `render_*` methods into a string without the preamble.
fn rendered(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut out = Vec::new();
    render(&mut out).expect("rendering into a Vec cannot fail");
    strip_preamble(String::from_utf8(out).expect("clap_mangen renders UTF-8 from UTF-8 help texts"))
}

fn strip_preamble(text: String) -> String {
    let preamble = Roff::new().render();
    text.strip_prefix(&preamble).map(str::to_string).unwrap_or(text)
}

/// Inside a command's `.SS`, a part clap_mangen rendered for a whole page loses its `.SH`: the
/// first one is replaced by `lead` (a paragraph break, or nothing right after the `.SS`), and a
/// later one (a clap help heading) becomes a bold paragraph title, man having no level below.
fn demote_headings(part: &str, lead: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    for line in part.lines() {
        match line.strip_prefix(".SH ") {
            Some(_) if first => out.push_str(lead),
            Some(title) => {
                out.push_str(".PP\n.B ");
                out.push_str(title);
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        first = false;
    }
    out
}

/// The `.TH` line, written by hand: clap_mangen and the roff crate drop an empty argument
/// instead of quoting it, so an empty date would shift the source into the date's place.
/// The date stays empty so that regenerating changes nothing on another day.
fn title_line(name: &str, section: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(".TH {} {section} \"\" \"{MAIN_NAME} {version}\" \"{MANUAL}\"\n", name.to_ascii_uppercase())
}

/// The title, NAME, SYNOPSIS, DESCRIPTION and OPTIONS of a command's page. The rest (its
/// subcommands, SEE ALSO) each page adds itself, since clap_mangen would point every subcommand
/// to a page of its own (`taskmasterctl-status(1)`) that does not exist.
fn page_head(name: &str, cmd: &Command, section: &str) -> Page {
    let man = Man::new(cmd.clone());
    let mut page = Page::new();
    page.push_str(&title_line(name, section));
    page.push_str(&rendered(|w| man.render_name_section(w)));
    let mut synopsis = Roff::new();
    synopsis.control("SH", ["SYNOPSIS"]);
    synopsis.text(synopsis_line(cmd, name));
    page.push_roff(&synopsis);
    page.push_str(&rendered(|w| man.render_description_section(w)));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        page.push_str(&rendered(|w| man.render_options_section(w)));
    }
    page
}

/// A synopsis with each option's value placeholder (`[-c|--configuration FILE]`), which
/// clap_mangen leaves out, and `...` after a repeatable argument.
fn synopsis_line(cmd: &Command, bin: &str) -> Vec<clap_mangen::roff::Inline> {
    let mut line = vec![bold(bin)];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        line.push(roman(" "));
        let values: Vec<String> =
            arg.get_value_names().map(|names| names.iter().map(|n| n.to_string()).collect()).unwrap_or_default();
        let takes_value = arg.get_action().takes_values();
        let repeated = matches!(arg.get_num_args(), Some(range) if range.max_values() > 1);
        if arg.is_positional() {
            let name = values.first().cloned().unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
            let dots = if repeated { "..." } else { "" };
            if arg.is_required_set() {
                line.extend([italic(name), roman(dots)]);
            } else {
                line.extend([roman("["), italic(name), roman(format!("{dots}]"))]);
            }
            continue;
        }
        line.push(roman("["));
        if let Some(short) = arg.get_short() {
            line.push(bold(format!("-{short}")));
            if arg.get_long().is_some() {
                line.push(roman("|"));
            }
        }
        if let Some(long) = arg.get_long() {
            line.push(bold(format!("--{long}")));
        }
        if takes_value {
            let name = values.first().cloned().unwrap_or_else(|| "VALUE".to_string());
            line.extend([roman(" "), italic(name)]);
        }
        line.push(roman("]"));
    }
    if cmd.has_subcommands() {
        let name = cmd.get_subcommand_value_name().unwrap_or("COMMAND").to_string();
        line.extend([roman(" ["), italic(name), roman(" ...]")]);
    }
    line
}

/// Prepares a grammar for a man page: built (so subcommands know their full `bin_name`), without
/// clap's `help` subcommand (it documents nothing), and with `-h` kept to the top level, said
/// once in the page rather than under every subcommand.
fn for_man_page(cmd: Command) -> Command {
    // clap's help says COMMAND when the grammar names none; clap_mangen would say "subcommands".
    let cmd = if cmd.get_subcommand_value_name().is_none() { cmd.subcommand_value_name("COMMAND") } else { cmd };
    let mut cmd = cmd.disable_help_subcommand(true).mut_subcommands(|sub| sub.disable_help_flag(true));
    cmd.build();
    cmd
}

/// One `.SS` per subcommand: its synopsis, its description and its options, then `note`.
fn push_subcommands(page: &mut Page, cmd: &Command, heading: &str, note: impl Fn(&Command) -> Option<Roff>) {
    let mut intro = Roff::new();
    intro.control("SH", [heading]);
    intro.text([roman("Each also accepts "), bold("-h"), roman(", "), bold("--help"), roman(".")]);
    page.push_roff(&intro);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let man = Man::new(sub.clone());
        let mut title = Roff::new();
        title.control("SS", [sub.get_name()]);
        title.text(synopsis_line(sub, sub.get_bin_name().unwrap_or(sub.get_name())));
        page.push_roff(&title);
        page.push_str(&demote_headings(&rendered(|w| man.render_description_section(w)), ".PP\n"));
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.push_str(&demote_headings(&rendered(|w| man.render_options_section(w)), ""));
        }
        if let Some(note) = note(sub) {
            page.push_roff(&note);
        }
    }
}

/// A `.SH` holding one paragraph.
fn simple_section(heading: &str, text: impl Into<Vec<clap_mangen::roff::Inline>>) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [heading]);
    roff.text(text);
    roff
}

fn see_also(pages: &[(&str, &str)]) -> Roff {
    let mut text = Vec::new();
    for (i, (name, section)) in pages.iter().enumerate() {
        if i > 0 {
            text.push(roman(", "));
        }
        text.push(bold(*name));
        text.push(roman(format!("({section})")));
    }
    simple_section("SEE ALSO", text)
}

fn main_page() -> Vec<u8> {
    let cmd = for_man_page(Cli::command());
    let mut page = page_head(MAIN_NAME, &cmd, "1");
    push_subcommands(&mut page, &cmd, "COMMANDS", |sub| {
        let mut note = Roff::new();
        note.control("PP", []);
        match sub.get_name() {
            "daemon" => {
                note.text([roman("Described fully in "), bold(DAEMON_NAME), roman("(8).")]);
            }
            "ctl" => {
                let actions: Vec<&str> =
                    sub.get_subcommands().filter(|a| !a.is_hide_set()).map(|a| a.get_name()).collect();
                note.text([
                    roman("The actions, described in "),
                    bold(CTL_NAME),
                    roman(format!("(1), are: {}.", actions.join(", "))),
                ]);
            }
            "convert" => {
                note.text([
                    roman("How a supervisord config is read: "),
                    bold("taskmaster.toml"),
                    roman("(5), SUPERVISORD FORMAT."),
                ]);
            }
            _ => return None,
        }
        Some(note)
    });
    page.push_roff(&environment_section());
    page.push_roff(&tagged(
        "FILES",
        &[
            (
                "taskmaster.toml, taskmaster.conf",
                "The config file, looked for (without -c or $TASKMASTER_CONFIG) in the current directory, \
                 $XDG_CONFIG_HOME/taskmaster/ (default ~/.config/taskmaster/), /usr/local/etc/taskmaster/, \
                 /etc/taskmaster/ and /etc/, then where supervisord looks for supervisord.conf; see \
                 taskmaster.toml(5).",
            ),
            ("~/.local/share/taskmaster/history", "The interactive shell's history (taskmasterctl(1))."),
        ],
    ));
    page.push_roff(&tagged(
        "EXIT STATUS",
        &[
            ("daemon", "As taskmasterd(8) says."),
            ("ctl", "As taskmasterctl(1) says."),
            (
                "check",
                "0 when the config is valid, 1 when it has errors (each printed with its place) or is not found.",
            ),
        ],
    ));
    page.push_roff(&examples(&[
        ("taskmaster check -c /etc/taskmaster/taskmaster.toml", "Validate a config file, as nginx -t does."),
        ("taskmaster daemon -n", "Run the daemon in the foreground on the config found by the usual search."),
        ("taskmaster ctl status", "The same as taskmasterctl status."),
    ]));
    page.push_roff(&see_also(&[(DAEMON_NAME, "8"), (CTL_NAME, "1"), ("taskmaster.toml", "5")]));
    page.into_bytes()
}

/// A `.SH` of plain paragraphs.
fn paragraphs(heading: &str, texts: &[&str]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [heading]);
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            roff.control("PP", []);
        }
        roff.text([roman(*text)]);
    }
    roff
}

/// A `.SH` of tagged paragraphs: a bold term, then its meaning.
fn tagged(heading: &str, entries: &[(&str, &str)]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [heading]);
    for (term, text) in entries {
        roff.control("TP", []);
        roff.text([bold(*term)]);
        roff.text([roman(*text)]);
    }
    roff
}

fn daemon_page() -> Vec<u8> {
    let cmd = for_man_page(DaemonArgs::command());
    let mut page = page_head(DAEMON_NAME, &cmd, "8");
    page.push_roff(&paragraphs(
        "RUNNING UNDER SYSTEMD",
        &[
            "Run it in the foreground (-n) as a Type=notify service. When NOTIFY_SOCKET is set (a path, \
             or an abstract socket written @NAME) the daemon speaks the sd_notify protocol: READY=1 once \
             its socket is bound and the autostart programs were started; RELOADING=1 then READY=1 around \
             a reload (the reload action, or SIGHUP); STOPPING=1 when it begins to shut down; and \
             STATUS= with a one-line count of processes by state (as `systemctl status` shows it) \
             whenever that count changes. The variable is removed from the programs' environment.",
            "The unit contrib/taskmaster.service is installed by `make install` into \
             PREFIX/lib/systemd/system with the installed binary's path; enable it with \
             `systemctl daemon-reload && systemctl enable --now taskmaster`. Its ExecReload sends SIGHUP \
             (apply the changed config, restarting only the programs whose settings changed), and its \
             KillMode=mixed sends SIGTERM to the daemon alone, which stops its programs itself in \
             reverse priority order; systemd kills whatever is left once the daemon has exited.",
        ],
    ));
    page.push_roff(&paragraphs(
        "LOGS, ROTATION AND SYSLOG",
        &[
            "The daemon rotates its own log and the program logs at their *_maxbytes. To let logrotate(8) \
             rotate them instead, use contrib/logrotate.d/taskmaster (installed by `make install` into \
             SYSCONFDIR/logrotate.d: /etc for PREFIX /usr and /usr/local), which renames the files and then \
             runs `taskmasterctl reopen` (SIGUSR2 does the same); set logfile_maxbytes = 0 and each \
             program's stdout_logfile_maxbytes and stderr_logfile_maxbytes = 0 with it, so that only \
             logrotate rotates.",
            "With logfile = \"syslog\" in [taskmasterd] the activity log goes to syslog (facility daemon, \
             tag taskmasterd[PID]); with stdout_syslog or stderr_syslog in a [program.NAME] each line of \
             that output also goes to syslog, tagged with the process name (daemon.info for stdout, \
             daemon.err for stderr), besides its log file. Messages are datagrams to /dev/log, or to the \
             socket TASKMASTER_SYSLOG_SOCKET names; a syslog that is missing or full loses lines, never \
             stalls the daemon.",
        ],
    ));
    page.push_roff(&paragraphs(
        "CONTAINERS",
        &[
            "As PID 1 the daemon is the parent of every orphan and reaps them. Otherwise, on Linux, it \
             makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), so that a process a program leaves \
             behind when it exits (a double fork, a shell's background job) is adopted and reaped by \
             the daemon rather than by init; those still running when the daemon shuts down get \
             SIGTERM once every program has stopped (with /proc, on Linux).",
            "Two [taskmasterd] keys end the daemon when its work is over, as a container's main process \
             should: exit_with_program = \"NAME\" shuts down (stopping the other programs) when a process \
             of program NAME ends on its own and will not be restarted (EXITED, or FATAL), and exits with \
             its exit code (128+N after signal N, 1 after FATAL); exit_when_all_fatal = true shuts down \
             with exit code 1 once no process is starting, running, in backoff or stopping and at least \
             one is FATAL. An operator's stop does not count.",
        ],
    ));
    page.push_roff(&http_section());
    page.push_roff(&http_api_section());
    page.push_roff(&guarantees_sections());
    page.push_roff(&recovery_sections());
    page.push_roff(&tagged(
        "ENVIRONMENT",
        &[
            (
                CONFIG_ENV,
                "Names the config file when -c is not given; see taskmaster.toml(5) for the rest of the search.",
            ),
            (
                "XDG_CONFIG_HOME",
                "The per-user config directory searched after the current directory: \
                 $XDG_CONFIG_HOME/taskmaster/, or ~/.config/taskmaster/ when it is unset.",
            ),
            ("NOTIFY_SOCKET", "Set by systemd for a Type=notify service: where the sd_notify messages go."),
            ("TASKMASTER_SYSLOG_SOCKET", "The syslog socket to send to instead of /dev/log."),
        ],
    ));
    page.push_roff(&tagged(
        "FILES",
        &[
            (
                "/etc/taskmaster/taskmaster.toml",
                "The system-wide config file (see taskmaster.toml(5) for the whole search).",
            ),
            (
                "taskmasterd.pid, taskmasterd.log",
                "The pidfile (locked while the daemon runs) and the activity log, next to the config file by default.",
            ),
            ("PREFIX/lib/systemd/system/taskmaster.service", "The systemd unit."),
            ("SYSCONFDIR/logrotate.d/taskmaster", "The logrotate configuration."),
        ],
    ));
    page.push_roff(&examples(&[
        ("taskmasterd -n -c /etc/taskmaster/taskmaster.toml", "Run in the foreground (under systemd, in a container)."),
        ("taskmasterd", "Daemonize; returns once the daemon serves, or prints why it could not start."),
        ("kill -HUP $(cat taskmasterd.pid)", "Apply the changed config file, as taskmasterctl update does."),
    ]));
    page.push_roff(&tagged(
        "EXIT STATUS",
        &[
            ("0", "The daemon was asked to stop (a signal, or the shutdown action) and did."),
            ("1", "It could not start (a config error, a locked pidfile, a socket in use), or exit_when_all_fatal ended it."),
            ("N", "exit_with_program ended it: the exit code of that program's process (128+N after signal N)."),
        ],
    ));
    page.push_roff(&see_also(&[(CTL_NAME, "1"), ("taskmaster.toml", "5"), (MAIN_NAME, "1")]));
    page.into_bytes()
}

/// A `.SH` of example command lines, each with what it does.
fn examples(entries: &[(&str, &str)]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    for (command, meaning) in entries {
        roff.control("TP", []);
        roff.text([bold(*command)]);
        roff.text([roman(*meaning)]);
    }
    roff
}

fn ctl_page() -> Vec<u8> {
    let cmd = for_man_page(CtlArgs::command());
    let mut page = page_head(CTL_NAME, &cmd, "1");
    push_subcommands(&mut page, &cmd, "ACTIONS", |_| None);
    page.push_roff(&paragraphs(
        "THE INTERACTIVE SHELL",
        &[
            "With no ACTION, or with -i after one, taskmasterctl reads actions from its standard input. \
             On a terminal it shows status, then prompts with [taskmasterctl] prompt (the prompt says \
             \"(not connected)\" while the daemon does not answer). A line is parsed exactly as a command \
             line is. Besides the actions, the shell knows: help and help ACTION (the --help texts), and \
             exit, quit or Ctrl-D to leave. Tab completes actions, options, their values, signal names \
             and the names the daemon knows; Ctrl-R searches the history; Ctrl-C clears the line, or \
             abandons a waiting action (start, wait, tail -f, fg) without stopping anything on the \
             daemon. reload and shutdown ask for confirmation unless given -y.",
            "The history is kept in [taskmasterctl] history_file, by default \
             $XDG_DATA_HOME/taskmaster/history, else ~/.local/share/taskmaster/history.",
            "With standard input not a terminal (a pipe, a file), each line is an action: no prompt, no \
             banner, no questions; # starts a comment. An error names its line (\"line 3: ...\"), and \
             the exit status is that of the last action that failed.",
        ],
    ));
    let mut json = Roff::new();
    json.control("SH", ["JSON OUTPUT"]);
    json.text([roman(
        "With --json, an action prints one JSON document on standard output: an array with one \
         object per process (or program), each holding its name; names that matched nothing are \
         reported on standard error, and the exit status is the same as without --json. The fields:",
    )]);
    for (actions, fields) in crate::client::render::JSON_SHAPES {
        json.control("TP", []);
        json.text([bold(actions)]);
        json.text([roman(fields)]);
    }
    json.control("PP", []);
    json.text([roman("reread and update print [] when nothing changed.")]);
    page.push_roff(&json);
    page.push_roff(&simple_section(
        "EVENT STREAM",
        [
            bold("events"),
            roman(
                " writes one line per event until interrupted. In text: the local time, the event \
                 type and the first line of supervisord's payload, then data:\"...\" (a JSON string) \
                 for log and communication data. With --json, one object per line: eventname (the \
                 type), time (seconds since the epoch), headers (the payload's first line as \
                 key/value strings, such as processname, groupname, from_state, pid, tries, \
                 expected), data (what follows the first line, or null) and payload (supervisord's \
                 payload, exactly as a listener receives it). A follower that falls more than 4 MiB \
                 behind is disconnected. The types and payloads are in ",
            ),
            bold("taskmaster.toml"),
            roman("(5), EVENTS."),
        ],
    ));
    page.push_roff(&tagged(
        "ENVIRONMENT",
        &[
            (
                CONFIG_ENV,
                "Names the config file when -c is not given; see taskmaster.toml(5) for the rest of the search.",
            ),
            ("NO_COLOR", "When set and not empty, status prints no colours (they are used on a terminal only)."),
            ("XDG_CONFIG_HOME", "Where the per-user config directory taskmaster/ is looked for (default ~/.config)."),
            ("XDG_DATA_HOME", "Where the shell's history is kept, under taskmaster/history (default ~/.local/share)."),
            (
                "XDG_RUNTIME_DIR",
                "Holds the default socket, taskmaster.sock, when the config names none and the user is not root.",
            ),
        ],
    ));
    page.push_roff(&tagged(
        "FILES",
        &[
            ("~/.local/share/taskmaster/history", "The interactive shell's history."),
            (
                "$XDG_RUNTIME_DIR/taskmaster.sock, /run/taskmaster.sock, /tmp/taskmaster-UID.sock",
                "The default socket: for a user with a runtime directory, for root, and otherwise.",
            ),
        ],
    ));
    page.push_roff(&tagged(
        "EXIT STATUS",
        &[
            ("0", "Success."),
            ("1", "An action failed (a spawn error, a timeout of wait, an error from the daemon)."),
            ("2", "Bad arguments (an unknown action or option, a bad signal, a broken config file)."),
            ("3", "status found a process that is not RUNNING."),
            ("4", "A name matched no process, or the daemon could not be reached."),
            ("7", "There is no socket file: the daemon is not running."),
        ],
    ));
    page.push_roff(&examples(&[
        ("taskmasterctl status", "The state of every process."),
        ("taskmasterctl restart web:*", "Restart every process of group web, waiting until each is RUNNING."),
        ("taskmasterctl signal HUP nginx", "Send SIGHUP to nginx."),
        ("taskmasterctl tail -f worker stderr", "Follow worker's stderr until Ctrl-C."),
        ("taskmasterctl wait --timeout 30 all", "Wait up to 30 seconds for everything to be RUNNING."),
        (
            "taskmasterctl status --json | jq -r '.[] | select(.state != \"RUNNING\") | .name'",
            "The processes not running.",
        ),
        ("printf 'stop web\\nupdate\\n' | taskmasterctl", "A script: one action per line."),
    ]));
    page.push_roff(&see_also(&[(DAEMON_NAME, "8"), ("taskmaster.toml", "5"), (MAIN_NAME, "1")]));
    page.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os(REGENERATE_ENV).is_some_and(|v| v == "1") {
            write_all(root).expect("writing the generated files");
            return;
        }
        let files = generated_files();
        let mut stale: Vec<String> = files
            .iter()
            .filter(|(path, contents)| fs::read(root.join(path)).ok().as_deref() != Some(contents.as_slice()))
            .map(|(path, _)| path.display().to_string())
            .collect();
        let orphans = orphans(root, &files).expect("listing the generated directories");
        stale.extend(orphans.iter().map(|p| format!("{} (no longer generated)", p.display())));
        assert!(
            stale.is_empty(),
            "stale generated files:\n  {}\nregenerate them with:\n  {REGENERATE_COMMAND}",
            stale.join("\n  ")
        );
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generated_files(), generated_files());
    }

    #[test]
    fn every_shell_and_command_has_a_completion() {
        let paths: Vec<PathBuf> = generated_files().into_iter().map(|(p, _)| p).collect();
        for name in [MAIN_NAME, DAEMON_NAME, CTL_NAME] {
            for file in [format!("{name}.bash"), format!("_{name}"), format!("{name}.fish"), format!("{name}.elv")]
                .into_iter()
                .chain([format!("_{name}.ps1")])
            {
                assert!(paths.contains(&Path::new("completions").join(&file)), "no completions/{file}");
            }
        }
    }

    fn page(path: &str) -> String {
        let (_, contents) = generated_files().into_iter().find(|(p, _)| p == Path::new(path)).unwrap();
        String::from_utf8(contents).unwrap()
    }

    #[test]
    fn ctl_page_documents_every_action_and_its_arguments() {
        let text = page("man/taskmasterctl.1");
        assert_eq!(text.matches(".ie \\n(.g").count(), 1, "the preamble is repeated");
        for action in CtlArgs::command().get_subcommands() {
            assert!(text.contains(&format!(".SS {}\n", action.get_name())), "{} missing", action.get_name());
            if let Some(about) = action.get_about() {
                assert!(text.contains(&about.to_string().replace('-', "\\-").replace('\'', "\\*(Aq")));
            }
            for arg in action.get_arguments().filter(|a| a.get_id() != "help") {
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(!help.is_empty(), "{} {} has no help text", action.get_name(), arg.get_id());
            }
        }
        assert!(!text.contains("taskmasterctl-status"), "points to per-action pages that do not exist");
    }

    #[test]
    fn config_page_documents_every_section_and_key() {
        let text = page("man/taskmaster.toml.5");
        for section in Section::ALL {
            assert!(text.contains(&section_title(section)), "{section:?} missing");
        }
        for key in KEYS {
            let entry = format!("\\fB{}\\fR (\\fI{}\\fR", key.name.replace('-', "\\-"), key.kind.describe());
            assert!(text.contains(&entry), "{}.{} missing", key.section.table_name(), key.name);
        }
        assert!(text.contains(CONFIG_ENV));
    }

    #[test]
    fn config_page_example_is_valid() {
        // A directory that cannot exist keeps the include glob from finding real files.
        let path = Path::new("/nonexistent-taskmaster-example/taskmaster.toml");
        if let Err(errors) = crate::config::parse_str(EXAMPLE, path) {
            panic!("the EXAMPLE of taskmaster.toml(5) is invalid:\n{errors}");
        }
    }

    #[test]
    fn man_pages_carry_no_date() {
        for path in ["man/taskmaster.1", "man/taskmasterd.8", "man/taskmasterctl.1", "man/taskmaster.toml.5"] {
            let text = page(path);
            let th = text.lines().find(|l| l.starts_with(".TH ")).unwrap();
            assert!(th.contains(" \"\" "), "{path}: {th}");
        }
    }
}
