//! taskmaster.toml(5): every section and key of the key table with its syntax, default and
//! meaning, an example, and the supervisord INI format; generated from the validator's own tables.

use super::*;

/// How a value of each kind is written. The match is exhaustive so that a new kind cannot be
/// added to the key table without its syntax being documented.
pub(super) fn kind_syntax(kind: Kind) -> &'static str {
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
pub(super) fn expands(kind: Kind) -> bool {
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

pub(super) fn section_title(section: Section) -> String {
    if section.is_named() { format!("[{}.NAME]", section.table_name()) } else { format!("[{}]", section.table_name()) }
}

/// The kinds the table uses, once per name a reader sees, in alphabetical order.
pub(super) fn kinds_in_use() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    for key in KEYS {
        if !kinds.iter().any(|k| k.describe() == key.kind.describe()) {
            kinds.push(key.kind);
        }
    }
    kinds.sort_by_key(|k| k.describe().to_ascii_lowercase());
    kinds
}

pub(super) fn key_entry(roff: &mut Roff, key: &Key) {
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
pub(super) const EXAMPLE: &str = r#"[unix_server]
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

pub(super) fn config_page() -> Vec<u8> {
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
pub(super) fn supervisord_format(roff: &mut Roff) {
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
