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

fn environment_section() -> Roff {
    simple_section(
        "ENVIRONMENT",
        [
            bold(CONFIG_ENV),
            roman(" names the config file when "),
            bold("-c"),
            roman(" is not given; see "),
            bold("taskmaster.toml"),
            roman("(5) for the rest of the search."),
        ],
    )
}

/// The daemon page's HTTP AND XML-RPC section: what supervisord's clients get, and how to open
/// the TCP listener safely.
fn http_section() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["HTTP AND XML-RPC"]);
    roff.text([
        roman(
            "The daemon speaks supervisord's HTTP API as well as its own protocol: XML-RPC (API version 3.0, \
         the whole supervisor and system namespaces) at POST /RPC2, and the log streams GET /logtail/NAME, \
         /logtail/NAME/stderr and /mainlogtail. The unix socket answers both protocols, told apart by a \
         connection's first bytes; ",
        ),
        bold("[inet_http_server] port"),
        roman(" adds a TCP listener. With a "),
        bold("username"),
        roman(" and "),
        bold("password"),
        roman(
            " (plain, or {SHA} and the hex SHA-1 of the password) on the listener's section, HTTP clients must \
         present them (HTTP basic auth; otherwise 401). Tools known to work, tested against taskmasterd: \
         supervisorctl 4.3 (every action, over the socket and over TCP) and Python's xmlrpc.client.",
        ),
    ]);
    roff.control("PP", []);
    roff.text([roman(
        "Anyone who reaches the TCP port and knows the password controls every process and can read \
         every log, and basic auth travels in clear text. Listen on 127.0.0.1 (port = \"127.0.0.1:9001\") \
         unless other hosts must connect; then set a password, and put a TLS-terminating proxy (nginx, \
         Caddy, stunnel) in front when the network is not trusted. The daemon warns at start when it \
         listens beyond loopback without a password.",
    )]);
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

/// The web side of the HTTP listeners (`daemon::web`): the dashboard, the JSON API, metrics.
fn http_api_section() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["WEB DASHBOARD, JSON API AND METRICS"]);
    roff.text([
        roman("The HTTP listeners (the unix socket, and "),
        bold("[inet_http_server]"),
        roman(" on TCP) serve, beside supervisord's XML-RPC API: a dashboard at "),
        bold("GET /"),
        roman(", a JSON API under "),
        bold("/api/v1/"),
        roman(", and Prometheus metrics at "),
        bold("GET /metrics"),
        roman(
            ". The listener's username and password apply to all of them. Every request that changes \
               state is a POST; a POST whose Origin (or Referer) header names another site than the \
               request's Host (or X-Forwarded-Host) is refused with 403. Nothing acts on a GET.",
        ),
    ]);
    roff.control("PP", []);
    roff.text([roman(
        "The dashboard lists every process with its group, state, pid, uptime, description and last exit \
         status, kept live by server-sent events; it filters by name and state, starts, stops, restarts and \
         signals a process, a group or all, follows a process's stdout or stderr and the daemon's log, \
         clears logs, and rereads and applies the config file. Without JavaScript it still lists the \
         processes.",
    )]);
    roff.control("SS", ["JSON API"]);
    roff.text([roman(
        "NAME is a process as GROUP:NAME (or NAME), GROUP:* or all, percent-encoded in the path. Answers \
         are JSON; an error is {\"error\": {\"code\": CODE, \"message\": TEXT}} with CODE one of \
         bad_request (400), unauthorized (401), cross_origin (403), not_found (404), method_not_allowed \
         (405), or one of the request layer's (supervisord's fault classes): no_such_process and \
         no_such_group (404), bad_signal (400), failed, already_started, not_running, no_file, \
         not_executable, spawn_error, abnormal_termination, already_added (409). Actions answer {\"ok\": BOOL, \"results\": \
         [{\"name\", \"message\", \"error\"}]}, error being null or one of those codes.",
    )]);
    let endpoints: [(&str, &str); 12] = [
        ("GET /api/v1/daemon", "identification, version, pid, hostname, state, start time and uptime."),
        (
            "GET /api/v1/processes",
            "every process: name, group, state, pid, start_time, stop_time, uptime, \
          description, exit_status ({\"code\": N} or {\"signal\": N}), spawn_error, health, status_text.",
        ),
        ("GET /api/v1/processes/NAME", "one process."),
        (
            "POST /api/v1/processes/NAME/start|stop|restart",
            "acts; with ?wait=true (or {\"wait\": true}) answers once the processes have settled.",
        ),
        (
            "POST /api/v1/processes/NAME/signal",
            "sends ?signal=HUP (or {\"signal\": \"HUP\"}) to the running processes.",
        ),
        ("POST /api/v1/processes/NAME/clear", "empties the processes' log files."),
        (
            "GET /api/v1/processes/NAME/log/stdout|stderr",
            "?offset=N&length=N reads from byte N (without offset: the last length bytes; length at most \
             1 MiB, 64 KiB by default): {offset, next_offset, size, reset, data}; reset says the file was \
             shorter than offset (cleared or rotated) and the read started at 0.",
        ),
        ("GET /api/v1/processes/NAME/log/stdout|stderr/stream", "the log's last KiB, then its output as it comes."),
        ("GET /api/v1/daemon/log[/stream]", "the same for the daemon's own log."),
        ("POST /api/v1/reread", "what an update would change: {\"changes\": [{\"name\", \"change\"}]}."),
        ("POST /api/v1/update", "applies the config file (?name=GROUP or {\"names\": [...]} to limit it)."),
        (
            "GET /api/v1/events",
            "server-sent events: hello (the daemon, on connecting), process (a process whose state or pid \
             changed, as /api/v1/processes shows it), processes (processes were added or removed).",
        ),
    ];
    for (endpoint, what) in endpoints {
        roff.control("TP", []);
        roff.text([bold(endpoint)]);
        roff.text([roman(what)]);
    }
    roff.control("SS", ["Metrics"]);
    roff.text([roman(
        "GET /metrics answers Prometheus' text format: taskmaster_process_state{process,group,state} (1 for \
         the current state, 0 for the others), taskmaster_process_up, taskmaster_process_spawns_total, \
         taskmaster_process_start_time_seconds, taskmaster_process_uptime_seconds, \
         taskmaster_process_exit_code, taskmaster_process_exit_signal, \
         taskmaster_process_log_bytes_total{channel}, taskmaster_process_healthy (with a health check); and for the daemon taskmaster_build_info, \
         taskmaster_daemon_start_time_seconds, taskmaster_daemon_uptime_seconds, \
         taskmaster_daemon_resident_memory_bytes, taskmaster_daemon_open_fds, \
         taskmaster_daemon_clients{protocol}, taskmaster_daemon_wakeups_total and \
         taskmaster_daemon_log_write_failures_total.",
    )]);
    roff
}

/// What the daemon promises when the disk fills up, and about the permissions of what it creates.
fn guarantees_sections() -> Roff {
    let mut roff = simple_section(
        "FULL DISK",
        [roman(
            "When a program's log cannot be written (a full disk, a file size limit, a file that \
             cannot be opened), the daemon keeps reading the program's output into a backlog of at \
             most 4 MiB per log, and retries the log at the program's next output and on a back-off \
             of the log's own (1, 2, 4 ... 32 seconds). A write that stopped short resumes at the \
             exact byte where it stopped, so once writing works again every line is in the log once, \
             in order and unbroken. The daemon log says once that a log fails and once that it works \
             again, with the bytes written; only when a backlog is full is its oldest output \
             dropped, and the daemon log then says how many bytes. Once a program has stopped, its \
             backlog is written, or dropped when the back-off reaches 32 seconds, and the daemon log \
             says which, with the byte count. Lines the daemon log itself cannot write are counted \
             (the failure is said once, on stderr), and its first line once it can write again is \
             \"N log lines could not be written\". The file size limit (RLIMIT_FSIZE) never ends the \
             daemon: SIGXFSZ is caught, and programs start with its default action.",
        )],
    );
    roff.control("SH", ["FILES AND PERMISSIONS"]);
    roff.text([
        roman("The control socket is created with the permissions of "),
        bold("[unix_server] chmod"),
        roman(
            " (0700 by default) from its first instant, whatever the umask, so it is never more open \
             than configured; then it is chowned if asked. AUTO program logs go to ",
        ),
        bold("childlogdir"),
        roman(
            "; without one, to taskmaster-UID in the temporary directory, which the daemon creates \
             with mode 0700 and refuses (it does not start) if another user owns it or others may \
             use it. An AUTO log is created with mode 0600, is never opened through a symbolic link, \
             and a file at its name that another user owns or that has other hard links is refused \
             (for writing, tail and clear alike) and reported in the daemon log. Logs at explicit \
             paths are opened as given. The daemon clears any signal mask it was started with; \
             programs start with no signal blocked and every signal at its default action.",
        ),
    ]);
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

/// What the daemon promises after a crash, about crash loops, and about who did what.
fn recovery_sections() -> Roff {
    let mut roff = simple_section(
        "AFTER A CRASH",
        [roman(
            "The daemon records each child's pid, process group, start time and stop settings in \
             PIDFILE.children, beside its pidfile. A daemon started after one that was killed \
             (SIGKILL, the OOM killer) finds the children its predecessor left running and stops \
             them the way a stop would: stopsignal (to the process group with stopasgroup), then \
             SIGKILL after stopwaitsecs (to the group with killasgroup). It logs each one, and \
             starts its own programs only then; start-up waits at most the largest stopwaitsecs \
             plus 5 seconds. A recorded pid whose start time differs from the record now belongs \
             to another process and is never signalled, and a record that is not a private file of \
             the daemon's user (a symlink, another owner, group- or world-writable) is ignored. A \
             clean shutdown removes the record.",
        )],
    );
    roff.control("SH", ["CRASH LOOPS"]);
    roff.text([roman(
        "A process that exits less than a second after its spawn is restarted no sooner than a \
         second after that spawn, so autorestart never becomes a fork bomb; one that ran longer \
         restarts at once.",
    )]);
    roff.control("SH", ["WHO DID WHAT"]);
    roff.text([roman(
        "Every request that changes something (start, stop, restart, signal, update, add, remove, \
         reload, shutdown, clear, reopen, fg) is logged with the uid and pid of the client that \
         sent it, as the kernel reports them for the socket; an fg session is logged again when it \
         ends, with the bytes of input it sent to the process.",
    )]);
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

/// supervisord's event types with their payloads, as `daemon::events` writes them.
const EVENT_PAYLOADS: &[(&str, &str)] = &[
    (
        "PROCESS_STATE_STARTING, PROCESS_STATE_BACKOFF",
        "processname:NAME groupname:GROUP from_state:STATE tries:N (N: the failed starts so far)",
    ),
    (
        "PROCESS_STATE_RUNNING, PROCESS_STATE_STOPPING, PROCESS_STATE_STOPPED",
        "processname:NAME groupname:GROUP from_state:STATE pid:PID (0 when there was none)",
    ),
    ("PROCESS_STATE_EXITED", "processname:NAME groupname:GROUP from_state:STATE expected:0|1 pid:PID"),
    ("PROCESS_STATE_FATAL", "processname:NAME groupname:GROUP from_state:STATE"),
    (
        "PROCESS_LOG_STDOUT, PROCESS_LOG_STDERR",
        "processname:NAME groupname:GROUP pid:PID channel:stdout|stderr, a newline, then the output (with stdout_events_enabled or stderr_events_enabled)",
    ),
    (
        "PROCESS_COMMUNICATION_STDOUT, PROCESS_COMMUNICATION_STDERR",
        "processname:NAME groupname:GROUP pid:PID, a newline, then what the process wrote between <!--XSUPERVISOR:BEGIN--> and <!--XSUPERVISOR:END--> (with stdout_capture_maxbytes or stderr_capture_maxbytes)",
    ),
    ("REMOTE_COMMUNICATION", "type:TYPE, a newline, then the data (sent by a client through the API)"),
    (
        "SUPERVISOR_STATE_CHANGE_RUNNING, SUPERVISOR_STATE_CHANGE_STOPPING",
        "empty: the daemon started (or reloaded), or began to stop",
    ),
    ("PROCESS_GROUP_ADDED, PROCESS_GROUP_REMOVED", "groupname:GROUP and a newline"),
    ("TICK_5, TICK_60, TICK_3600", "when:EPOCH, the start of the period that just began"),
    (
        "PROCESS_HEALTH",
        "ours, not supervisord's (a subtype of EVENT): a process's health check changed its verdict. \
         processname:NAME groupname:GROUP from_health:HEALTH to_health:HEALTH pid:PID, each HEALTH \
         one of none (no check running: before a run, or once it ended), starting (no verdict yet), \
         healthy or unhealthy",
    ),
];

/// The EVENTS section of the config page: the types, the payloads, the listener protocol.
fn events_section(roff: &mut Roff) {
    roff.control("SH", ["EVENTS"]);
    roff.text([roman(
        "The daemon emits supervisord's events, and sends them to the event listener pools that \
         subscribe to them ([eventlistener.NAME], above) with supervisord's protocol, byte for \
         byte, so that listeners written for supervisord (superlance's crashmail, memmon, httpok, \
         or any written with supervisor.childutils) run unchanged. taskmasterctl events follows \
         the same events without a listener. The supertypes EVENT (every type), PROCESS_STATE, \
         PROCESS_LOG, PROCESS_COMMUNICATION, SUPERVISOR_STATE_CHANGE, TICK and PROCESS_GROUP \
         subscribe to each type of their kind; a pool subscribed both to a supertype and to one of \
         its types receives such events twice, as under supervisord. The types and their payloads:",
    )]);
    for (types, payload) in EVENT_PAYLOADS {
        roff.control("TP", []);
        roff.text([bold(*types)]);
        roff.text([roman(*payload)]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "The protocol: a listener writes READY and a newline on its stdout when it can take an \
         event. The daemon then writes on its stdin a header line, ver:3.0 server:supervisor \
         serial:N pool:POOL poolserial:N eventname:TYPE len:N, and the payload of len characters. \
         The listener answers RESULT 2, a newline and OK when it handled the event, or RESULT 4, a \
         newline and FAIL to have it sent again; then READY again. serial counts the events any \
         pool took over the daemon's life; poolserial the events of that pool. A listener that \
         writes anything else enters the UNKNOWN state and gets no more events until it is \
         restarted; one that exits with an event unanswered has that event sent again to the pool. \
         Events wait in the pool's buffer of buffer_size until a listener is READY; when it is \
         full the oldest is discarded and the daemon log says so. A listener's stdout carries the \
         protocol and is logged as supervisord logs it; its stderr is an ordinary log. Every \
         child, listener or not, gets SUPERVISOR_ENABLED=1, SUPERVISOR_PROCESS_NAME, \
         SUPERVISOR_GROUP_NAME and SUPERVISOR_SERVER_URL (unix:// and the control socket's path).",
    )]);
}

/// How a value of each kind is written. The match is exhaustive so that a new kind cannot be
/// added to the key table without its syntax being documented.
fn kind_syntax(kind: Kind) -> &'static str {
    match kind {
        // Both are "string" to the reader, and only one of them is listed: the same text for both.
        Kind::Str | Kind::ExpandedStr => "A TOML string. Expansions apply in some keys (see EXPANSIONS).",
        Kind::Path => {
            "A string naming a file or directory. The expansions below apply; a relative path is \
             relative to the directory of the config file."
        }
        Kind::Bool => "true or false.",
        Kind::Int { .. } => "A TOML integer, within the range given with each key.",
        Kind::Size => {
            "A number of bytes: an integer, or a string of digits followed by KB, MB or GB (powers \
             of 1024, case-insensitive), such as \"50MB\". 0 means no limit."
        }
        Kind::Octal => {
            "A permission mode in octal, at most 7777: a string such as \"022\" or \"0o022\", or a \
             TOML octal integer such as 0o022. A bare 022 is not valid TOML (no integer may start \
             with 0): it is reported as an error with its fix, \"022\", and the rest of the file is \
             still checked. A decimal integer such as 18 is an error too, so that 22 is never taken \
             for 022."
        }
        Kind::Signal => {
            "A signal name with or without the SIG prefix, in any case (\"TERM\", \"SIGHUP\"), or its \
             number."
        }
        Kind::Command => {
            "A command line, split into words with shell quoting rules, but run without a shell (no \
             pipes, redirections or variables; use sh -c for those). A bare program name is looked \
             up in PATH. The expansions below apply before splitting."
        }
        Kind::LogFile => {
            "AUTO (NAME-stdout.log or NAME-stderr.log in childlogdir, removed when the daemon starts \
             unless nocleanup is set; created with mode 0600, never opened through a symbolic link, and \
             refused if another user owns it or it has other hard links), NONE (discarded), or a path \
             (opened as given, symbolic links included, as /dev/stdout needs; created 0666 less the \
             umask); the expansions below apply to a path."
        }
        Kind::Environment => {
            "Variables, either as a TOML table, { KEY = \"value\", OTHER = \"1\" }, or as \
             supervisord's string form, KEY=\"value\",OTHER='1', where commas inside quotes stay in \
             the value. Names are letters, digits and _, not starting with a digit. The expansions \
             below apply to the values."
        }
        Kind::AutoRestart => "\"unexpected\", or true or false.",
        Kind::ExitCodes => "A list of integers from 0 to 255, such as [0, 2], or a single one.",
        Kind::StrList => "A list of strings, such as [\"a\", \"b\"].",
        Kind::LogLevel => "One of critical, error, warn, info, debug, trace, blather.",
        Kind::Chown => "A user name, or user:group; names or numeric ids.",
        Kind::HealthCheck => {
            "A TOML table, usually written as its own section, [program.NAME.healthcheck], with the \
             keys listed under healthcheck."
        }
        Kind::Readiness => "\"none\", \"notify\", \"healthcheck\", or a table { log_line = \"TEXT\" }.",
        Kind::DependsOn => {
            "A list of program names, [\"db\"], or a table of program name to condition, { db = \
             \"healthy\" }."
        }
        Kind::InetAddress => {
            "A TCP address: HOST:PORT, or *:PORT, :PORT or a bare PORT for every interface; a string, \
             or an integer for a bare port."
        }
    }
}

/// Whether `%(...)` expansions apply to values of this kind (see `config::validate`, which
/// expands exactly these).
fn expands(kind: Kind) -> bool {
    match kind {
        Kind::ExpandedStr | Kind::Path | Kind::Command | Kind::LogFile | Kind::Environment => true,
        Kind::Str
        | Kind::Bool
        | Kind::Int { .. }
        | Kind::Size
        | Kind::Octal
        | Kind::Signal
        | Kind::AutoRestart
        | Kind::ExitCodes
        | Kind::StrList
        | Kind::LogLevel
        | Kind::Chown
        | Kind::HealthCheck
        | Kind::Readiness
        | Kind::DependsOn
        | Kind::InetAddress => false,
    }
}

fn section_title(section: Section) -> String {
    if section.is_named() { format!("[{}.NAME]", section.table_name()) } else { format!("[{}]", section.table_name()) }
}

/// The kinds the table uses, once per name a reader sees, in alphabetical order.
fn kinds_in_use() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    for key in KEYS {
        if !kinds.iter().any(|k| k.describe() == key.kind.describe()) {
            kinds.push(key.kind);
        }
    }
    kinds.sort_by_key(|k| k.describe().to_ascii_lowercase());
    kinds
}

fn key_entry(roff: &mut Roff, key: &Key) {
    let mut header = vec![bold(key.name), roman(" ("), italic(key.kind.describe())];
    if let Kind::Int { min, max } = key.kind {
        header.push(roman(format!(", {min} to {max}")));
    }
    header.push(roman(")"));
    roff.control("TP", []);
    roff.text(header);
    roff.text([roman(key.doc)]);
    let default = match key.default {
        DefaultValue::Required => vec![bold("Required.")],
        DefaultValue::Unset => vec![roman("Default: unset.")],
        DefaultValue::Value(literal) => vec![roman("Default: "), bold(literal), roman(".")],
        DefaultValue::Computed(how) => vec![roman(format!("Default: {how}."))],
    };
    // Not roff's line_break(): at the start of a line it leaves an empty line, a paragraph break.
    roff.control("br", []);
    roff.text(default);
}

/// A config that shows most of the syntax. A test checks that it validates.
const EXAMPLE: &str = r#"[unix_server]
file = "/run/taskmaster.sock"
chmod = "0770"

[taskmasterd]
logfile = "/var/log/taskmaster/taskmasterd.log"
childlogdir = "/var/log/taskmaster"
loglevel = "info"
environment = { LANG = "C.UTF-8" }

# One web server, restarted whatever its exit status.
[program.web]
command = "/usr/bin/python3 -m http.server 8080"
directory = "/srv/www"
autorestart = true
stopsignal = "INT"
redirect_stderr = true
stdout_logfile = "/var/log/taskmaster/%(program_name)s.log"
stdout_logfile_maxbytes = "10MB"

# Four workers, worker_00 to worker_03, stopped with their children.
[program.worker]
command = "/usr/local/bin/worker --id %(process_num)d"
numprocs = 4
process_name = "%(program_name)s_%(process_num)02d"
environment = 'WORKER_ID="%(process_num)d",NODE="%(host_node_name)s"'
startsecs = 5
startretries = 5
exitcodes = [0, 2]
stopwaitsecs = 30
stopasgroup = true
umask = "002"

# Addressed as app:web, app:worker_00 ... and app:* for all of them.
[group.app]
programs = ["web", "worker"]
priority = 100

# An event listener pool: superlance's crashmail mails when a process crashes.
[eventlistener.crashmail]
command = "crashmail -a -m ops@example.com"
events = ["PROCESS_STATE_EXITED"]

[include]
files = ["conf.d/*.toml"]
"#;

fn config_page() -> Vec<u8> {
    let mut roff = Roff::new();
    roff.control("SH", ["NAME"]);
    roff.text([roman("taskmaster.toml - configuration file of the taskmaster process supervisor")]);

    roff.control("SH", ["SYNOPSIS"]);
    let candidates = search_path_with(Some(PathBuf::from("$XDG_CONFIG_HOME/taskmaster")));
    for (i, path) in candidates.iter().enumerate() {
        if i > 0 {
            roff.control("br", []);
        }
        roff.text([bold(path.display().to_string())]);
    }
    roff.control("br", []);
    roff.text([roman("then supervisord's own (see SUPERVISORD FORMAT)")]);

    roff.control("SH", ["DESCRIPTION"]);
    roff.text([
        bold(DAEMON_NAME),
        roman(
            "(8) reads one TOML file (or a supervisord config as it is: see SUPERVISORD FORMAT) that \
             describes the programs it supervises and its own settings; ",
        ),
        bold(CTL_NAME),
        roman("(1) reads it for the path of the daemon's socket, and "),
        bold("taskmaster check"),
        roman(
            " validates it without running anything. The keys and their meanings follow supervisord's. \
             Every problem in the file is reported at once with its line and column; an unknown \
             section or key is an error, with a suggestion when it looks like a typo.",
        ),
    ]);
    roff.control("PP", []);
    roff.text([
        roman("The file is the one given with "),
        bold("-c"),
        roman(" FILE; else the one named by the environment variable "),
        bold(CONFIG_ENV),
        roman(" when it is set and not empty; else the first of the files listed in SYNOPSIS that exists, "),
        roman(
            "relative ones being looked for in the current directory. Both the .toml and the .conf \
             names hold TOML.",
        ),
    ]);
    roff.control("PP", []);
    let sections: Vec<String> = Section::ALL.iter().map(|s| section_title(*s)).collect();
    roff.text([roman(format!(
        "The file holds the tables {}, described under SECTIONS; each is optional. \
         Each key is listed with the kind of its value (see VALUES) and its default.",
        sections.join(", ")
    ))]);

    roff.control("SH", ["VALUES"]);
    for kind in kinds_in_use() {
        roff.control("TP", []);
        roff.text([italic(kind.describe())]);
        roff.text([roman(kind_syntax(kind))]);
    }

    roff.control("SH", ["EXPANSIONS"]);
    roff.text([roman(
        "Some values may contain supervisord's Python-style expansions: %(NAME)s inserts a value as \
         text, %(NAME)d a number, and a width may come between, as in %(process_num)02d, which pads \
         with zeros to two digits (a width is at most 1024). %% is a literal percent sign. An \
         unknown name is an error. These \
         names are known everywhere:",
    )]);
    let everywhere = [
        ("%(here)s", "the directory of the config file"),
        ("%(host_node_name)s", "the host name"),
        ("%(ENV_X)s", "the value of the environment variable X when the file is read; an unset X is an error"),
    ];
    let in_program = [
        ("%(program_name)s", "the NAME of [program.NAME]"),
        ("%(group_name)s", "the name of the program's group: its [group.NAME], else the program's own name"),
        ("%(process_num)d", "the process's number, from numprocs_start up; also as %(process_num)02d and so on"),
        ("%(numprocs)d", "the program's numprocs"),
    ];
    for (name, meaning) in everywhere {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(meaning)]);
    }
    roff.control("PP", []);
    roff.text([roman("and these in [program.NAME] tables only:")]);
    for (name, meaning) in in_program {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(meaning)]);
    }
    roff.control("PP", []);
    let expanded: Vec<String> = Section::ALL
        .iter()
        .filter_map(|s| {
            let names: Vec<&str> = keys_of(*s).filter(|k| expands(k.kind)).map(|k| k.name).collect();
            (!names.is_empty()).then(|| format!("in {}: {}", section_title(*s), names.join(", ")))
        })
        .collect();
    roff.text([roman(format!("Expansions apply to these keys ({}).", expanded.join("; ")))]);

    roff.control("SH", ["SECTIONS"]);
    for section in Section::ALL {
        roff.control("SS", [section_title(section).as_str()]);
        roff.text([roman(section.doc())]);
        for key in keys_of(section) {
            key_entry(&mut roff, key);
        }
    }

    events_section(&mut roff);
    supervisord_format(&mut roff);

    roff.control("SH", ["EXAMPLE"]);
    roff.control("PP", []);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in EXAMPLE.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);

    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold(DAEMON_NAME),
        roman("(8), "),
        bold(CTL_NAME),
        roman("(1), "),
        bold(MAIN_NAME),
        roman("(1), "),
        bold("supervisord.conf"),
        roman(" in the supervisord documentation."),
    ]);

    let mut page = Page::new();
    page.push_str(&title_line("taskmaster.toml", "5"));
    page.push_roff(&roff);
    page.into_bytes()
}

/// The SUPERVISORD FORMAT section of the config page: how a supervisord.conf is read, from the
/// reader's own tables.
fn supervisord_format(roff: &mut Roff) {
    roff.control("SH", ["SUPERVISORD FORMAT"]);
    roff.text([roman(
        "A supervisord config file (supervisord 4.3's INI dialect) is read as it is, wherever a TOML \
         one is: the format is decided by the content, not the file name (a [supervisord], \
         [unix_http_server], [supervisorctl], [program:NAME] or similar section header means INI), and \
         taskmaster check says which it read. It is parsed the way supervisord parses it: ; and # \
         start a comment at the start of a line or after whitespace; indented lines continue a value; \
         key = value or key: value, keys in any case; a key given twice takes the later value (with a \
         warning); booleans are true, false, yes, no, on, off, 1 or 0; every value takes the \
         expansions; [group:NAME] programs is comma-separated and [include] files blank-separated, \
         relative to the main file, with globs (an included file's own [include] is not followed, as \
         in supervisord); [supervisorctl] serverurl is a unix:// URL.",
    )]);
    roff.control("PP", []);
    roff.text([roman("Its sections map onto the tables above, keys of the same names:")]);
    for (ini, table, why) in crate::config::section_mapping() {
        roff.control("TP", []);
        roff.text([bold(ini)]);
        match table {
            Some(section) => roff.text([roman("is "), bold(section_title(section))]),
            None => roff.text([roman(format!("gives a warning: {why}."))]),
        };
    }
    roff.control("PP", []);
    roff.text([roman(
        "supervisord's standard [rpcinterface:supervisor] is accepted silently: it describes the \
         control interface taskmaster always serves. These supervisord keys have no table entry; set \
         to supervisord's default they change nothing, set otherwise they give a warning:",
    )]);
    let mapping = crate::config::section_mapping();
    for (section, key, why) in crate::config::supervisord_only_keys() {
        let ini = mapping.iter().find(|(_, table, _)| *table == Some(section)).map_or("", |(ini, _, _)| *ini);
        roff.control("TP", []);
        roff.text([bold(format!("{ini} {key}"))]);
        roff.text([roman(why)]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "A key or section supervisord does not know is ignored with a warning naming its place and \
         the likely intended name, since supervisord ignores it silently. Errors (a bad value, a \
         missing command, a [DEFAULT] section, which supervisord would apply to every section) are \
         reported as for TOML, with FILE:LINE:COLUMN. Two differences from supervisord: relative paths \
         are relative to the directory of the file they are written in (supervisord's are relative to \
         its working directory), and a section defined again in another included file is an error \
         (supervisord merges the two).",
    )]);
    roff.control("PP", []);
    roff.text([roman(
        "When no taskmaster config file is found, supervisord's own search path is tried: \
         ../etc/supervisord.conf and ../supervisord.conf relative to the directory of the executable, \
         then supervisord.conf and etc/supervisord.conf in the current directory, then \
         /etc/supervisord.conf and /etc/supervisor/supervisord.conf.",
    )]);
    roff.control("PP", []);
    roff.text([
        bold("taskmaster convert"),
        roman(
            " FILE prints the equivalent TOML, comments kept above the keys they were written above, \
             included files inlined, and what has no TOML equivalent yet kept as comments.",
        ),
    ]);
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
