//! The validator's contract, from the outside: `parse_str` / `load` on small configs, checking
//! the model it builds and the exact place and wording of every error it reports.

use std::path::{Path, PathBuf};

use super::keys::{self, DefaultValue, KEYS, Section};
use super::*;

/// The name in-memory configs are parsed under; nothing is read from its directory.
const FILE: &str = "/cfg/taskmaster.toml";

/// Test configs are written as raw strings starting on the line after the opening quote.
fn text(config: &str) -> &str {
    config.strip_prefix('\n').unwrap_or(config)
}

#[track_caller]
fn parse(config: &str) -> Config {
    parse_str(text(config), Path::new(FILE)).unwrap_or_else(|e| panic!("unexpected errors:\n{e}"))
}

/// Every error's Display form, in the order reported.
#[track_caller]
fn errors(config: &str) -> Vec<String> {
    match parse_str(text(config), Path::new(FILE)) {
        Ok(_) => panic!("expected errors from:\n{config}"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// Every warning's Display form, of a config that loads.
#[track_caller]
fn warnings(config: &str) -> Vec<String> {
    parse(config).warnings.iter().map(ToString::to_string).collect()
}

/// The one warning a config that loads has.
#[track_caller]
fn warning(config: &str) -> String {
    let all = warnings(config);
    assert_eq!(all.len(), 1, "expected one warning, got {all:#?}");
    all.into_iter().next().unwrap()
}

/// The one error a config has.
#[track_caller]
fn error(config: &str) -> String {
    let all = errors(config);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.into_iter().next().unwrap()
}

/// Asserts an error's place and its `[section] key: message` start.
#[track_caller]
fn assert_error(actual: &str, line: usize, column: usize, start: &str) {
    let want = format!("{FILE}:{line}:{column}: {start}");
    assert!(actual.starts_with(&want), "error\n  {actual}\ndoes not start with\n  {want}");
}

#[track_caller]
fn only_process(config: &Config) -> &ProcessConfig {
    let all: Vec<_> = config.processes().collect();
    assert_eq!(all.len(), 1, "expected one process");
    all[0]
}

/// The single process of a `[program.x]` with `command = "x"` and the given extra lines.
#[track_caller]
fn process_with(lines: &str) -> ProcessConfig {
    only_process(&parse(&format!("[program.x]\ncommand = \"x\"\n{lines}\n"))).clone()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn signal(name: &str) -> Signal {
    Signal::parse(name).unwrap()
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text(contents)).unwrap();
}

// ---- defaults -------------------------------------------------------------------------------

/// The key table's default literal of a key, as written in the table.
fn table_default(section: Section, name: &str) -> &'static str {
    match keys::find(section, name).unwrap().default {
        DefaultValue::Value(literal) => literal,
        other => panic!("{name} has no literal default: {other:?}"),
    }
}

#[test]
fn key_table_documents_the_required_defaults() {
    let program = |name| table_default(Section::Program, name);
    let daemon = |name| table_default(Section::Taskmasterd, name);
    assert_eq!(program("numprocs"), "1");
    assert_eq!(program("numprocs_start"), "0");
    assert_eq!(program("priority"), "999");
    assert_eq!(program("autostart"), "true");
    assert_eq!(program("startsecs"), "1");
    assert_eq!(program("startretries"), "3");
    assert_eq!(program("autorestart"), "\"unexpected\"");
    assert_eq!(program("exitcodes"), "[0]");
    assert_eq!(program("stopsignal"), "\"TERM\"");
    assert_eq!(program("stopwaitsecs"), "10");
    assert_eq!(program("stopasgroup"), "false");
    assert_eq!(program("killasgroup"), "false");
    assert_eq!(program("stdout_logfile"), "\"AUTO\"");
    assert_eq!(program("stdout_logfile_maxbytes"), "\"50MB\"");
    assert_eq!(program("stdout_logfile_backups"), "10");
    assert_eq!(program("stderr_logfile_maxbytes"), "\"50MB\"");
    assert_eq!(program("stderr_logfile_backups"), "10");
    assert_eq!(daemon("logfile_maxbytes"), "\"50MB\"");
    assert_eq!(daemon("logfile_backups"), "10");
    assert_eq!(daemon("umask"), "\"022\"");
    assert_eq!(keys::find(Section::Program, "command").unwrap().default, DefaultValue::Required);
}

#[test]
fn minimal_program_gets_every_default() {
    let config = parse(
        r#"
[program.x]
command = "x"
"#,
    );
    assert_eq!(config.programs.len(), 1);
    let program = &config.programs[0];
    assert_eq!((program.name.as_str(), program.group.as_str(), program.priority), ("x", "x", 999));
    let auto_log = |channel: &str| LogConfig {
        destination: LogDestination::File(default_childlogdir(None).join(format!("x-{channel}.log"))),
        maxbytes: 50 << 20,
        backups: 10,
        timestamps: false,
        syslog: false,
        auto: true,
    };
    let want = ProcessConfig {
        name: "x".into(),
        program: "x".into(),
        group: "x".into(),
        process_num: 0,
        command: strings(&["x"]),
        priority: 999,
        autostart: true,
        startsecs: 1,
        startretries: 3,
        autorestart: AutoRestart::Unexpected,
        exitcodes: vec![0],
        stopsignal: signal("TERM"),
        stopwaitsecs: 10,
        stopasgroup: false,
        killasgroup: false,
        user: None,
        redirect_stderr: false,
        stdout: auto_log("stdout"),
        stderr: auto_log("stderr"),
        environment: vec![],
        directory: None,
        umask: None,
        log_lifecycle: false,
        health: Default::default(),
        output_events: Default::default(),
    };
    assert_eq!(only_process(&config), &want);
    assert_eq!(only_process(&config).qualified_name(), "x");
}

#[test]
fn minimal_config_gets_every_daemon_server_and_client_default() {
    let config = parse("[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.source, Path::new(FILE));
    let socket = validate::default_socket_path();
    assert_eq!(config.unix_server, UnixServerConfig { file: socket.clone(), chmod: 0o700, chown: None });
    let want = DaemonConfig {
        logfile: Some("/cfg/taskmasterd.log".into()),
        logfile_maxbytes: 50 << 20,
        logfile_backups: 10,
        loglevel: LogLevel::Info,
        pidfile: "/cfg/taskmasterd.pid".into(),
        umask: 0o022,
        user: None,
        directory: None,
        environment: vec![],
        childlogdir: std::env::temp_dir().join(format!("taskmaster-{}", nix::unistd::geteuid())),
        nodaemon: false,
        silent: false,
        minfds: 1024,
        syslog: false,
        nocleanup: false,
        exit_when_all_fatal: false,
        exit_with_program: None,
        identifier: "supervisor".into(),
    };
    assert_eq!(config.daemon, want);
    let ctl =
        CtlConfig { serverurl: socket, prompt: "taskmaster".into(), history_file: validate::default_history_file() };
    assert_eq!(config.ctl, ctl);
}

#[test]
fn writing_every_table_default_explicitly_changes_nothing() {
    let listener = "[eventlistener.l]\ncommand = \"l\"\nevents = [\"TICK_5\"]";
    let base = format!("[program.x]\ncommand = \"x\"\n[group.g]\nprograms = [\"x\"]\n{listener}\n");
    let mut explicit = String::new();
    for section in Section::ALL {
        let header = match section {
            Section::Program => "[program.x]\ncommand = \"x\"".to_string(),
            Section::Group => "[group.g]\nprograms = [\"x\"]".to_string(),
            Section::EventListener => listener.to_string(),
            other => format!("[{}]", other.table_name()),
        };
        let lines: Vec<String> = keys::keys_of(section)
            .filter_map(|k| match k.default {
                DefaultValue::Value(literal) => Some(format!("{} = {literal}", k.name)),
                _ => None,
            })
            .collect();
        if !lines.is_empty() {
            explicit += &format!("{header}\n{}\n", lines.join("\n"));
        }
    }
    if !explicit.contains("[eventlistener.l]") {
        explicit += &format!("{listener}\n");
    }
    let mut explicit_config = parse(&explicit);
    let base_config = parse(&base);
    // Warnings, if any, stand at other lines.
    explicit_config.warnings = base_config.warnings.clone();
    assert_eq!(explicit_config, base_config, "with every default written out:\n{explicit}");
}

#[test]
fn every_key_in_the_table_is_checked() {
    for key in KEYS {
        let (header, rest) = match key.section {
            Section::Program => ("[program.x]".to_string(), ""),
            Section::Group => ("[group.g]".to_string(), "[program.x]\ncommand = \"x\"\n"),
            Section::EventListener => ("[eventlistener.l]".to_string(), ""),
            other => (format!("[{}]", other.table_name()), "[program.x]\ncommand = \"x\"\n"),
        };
        let label = header.trim_matches(['[', ']']);
        let config = format!("{header}\n{} = 1979-05-27\n{rest}", key.name);
        let all = errors(&config);
        let want = format!("{FILE}:2:{}: [{label}] {}: ", key.name.len() + 4, key.name);
        assert!(all.iter().any(|e| e.starts_with(&want)), "a datetime {} gives {all:#?}", key.name);
    }
}

// ---- value syntaxes -------------------------------------------------------------------------

#[test]
fn sizes_accept_integers_and_unit_strings() {
    let p = process_with("stdout_logfile_maxbytes = 1024\nstderr_logfile_maxbytes = \"2MB\"");
    assert_eq!((p.stdout.maxbytes, p.stderr.maxbytes), (1024, 2 << 20));
    let config = parse("[taskmasterd]\nlogfile_maxbytes = \"1GB\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.daemon.logfile_maxbytes, 1 << 30);
    assert_eq!(process_with("stdout_logfile_maxbytes = \"10 kb\"").stdout.maxbytes, 10 << 10);
    assert_eq!(process_with("stdout_logfile_maxbytes = 0").stdout.maxbytes, 0);
}

#[test]
fn bad_sizes_are_rejected_at_the_value() {
    let e = error("\n[program.x]\ncommand = \"x\"\nstdout_logfile_maxbytes = \"5XB\"\n");
    assert_error(&e, 3, 27, "[program.x] stdout_logfile_maxbytes: '5XB' is not a size");
    let e = error("\n[program.x]\ncommand = \"x\"\nstdout_logfile_maxbytes = -1\n");
    assert_error(&e, 3, 27, "[program.x] stdout_logfile_maxbytes: -1 is negative");
}

#[test]
fn umask_accepts_octal_strings_and_octal_integers() {
    assert_eq!(process_with("umask = \"022\"").umask, Some(0o022));
    assert_eq!(process_with("umask = 0o027").umask, Some(0o027));
    assert_eq!(process_with("umask = \"0o077\"").umask, Some(0o077));
    let config = parse("[taskmasterd]\numask = 0o002\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.daemon.umask, 0o002);
    let config = parse("[unix_server]\nchmod = \"0770\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.unix_server.chmod, 0o770);
}

#[test]
fn umask_rejects_decimal_non_octal_and_out_of_range() {
    let e = error("\n[program.x]\ncommand = \"x\"\numask = 22\n");
    assert_error(&e, 3, 9, "[program.x] umask: 22 is a decimal integer; write an octal mode as \"022\" or 0o22");
    let e = error("\n[program.x]\ncommand = \"x\"\numask = \"089\"\n");
    assert_error(&e, 3, 9, "[program.x] umask: '089' is not an octal mode");
    let e = error("\n[program.x]\ncommand = \"x\"\numask = 0o17777\n");
    assert_error(&e, 3, 9, "[program.x] umask: 0o17777 is out of range (at most 0o7777)");
    let e = error("\n[program.x]\ncommand = \"x\"\numask = \"+22\"\n");
    assert_error(&e, 3, 9, "[program.x] umask: '+22' is not an octal mode");
}

#[test]
fn stopsignal_accepts_names_with_or_without_sig_and_numbers() {
    assert_eq!(process_with("stopsignal = \"HUP\"").stopsignal, signal("SIGHUP"));
    assert_eq!(process_with("stopsignal = \"SIGINT\"").stopsignal.number(), libc::SIGINT);
    assert_eq!(process_with("stopsignal = \"usr1\"").stopsignal.number(), libc::SIGUSR1);
    assert_eq!(process_with("stopsignal = 9").stopsignal.short_name(), "KILL");
    assert_eq!(process_with("stopsignal = \"15\"").stopsignal.short_name(), "TERM");
}

#[test]
fn bad_signal_names_and_numbers_are_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\nstopsignal = \"SIGBOGUS\"\n");
    assert_error(&e, 3, 14, "[program.x] stopsignal: unknown signal 'SIGBOGUS'");
    let e = error("\n[program.x]\ncommand = \"x\"\nstopsignal = 0\n");
    assert_error(&e, 3, 14, "[program.x] stopsignal: 0 is not a signal number");
    let e = error("\n[program.x]\ncommand = \"x\"\nstopsignal = 1000\n");
    assert_error(&e, 3, 14, "[program.x] stopsignal: 1000 is not a signal number");
}

#[test]
fn autorestart_accepts_unexpected_and_booleans() {
    assert_eq!(process_with("autorestart = true").autorestart, AutoRestart::Always);
    assert_eq!(process_with("autorestart = false").autorestart, AutoRestart::Never);
    assert_eq!(process_with("autorestart = \"unexpected\"").autorestart, AutoRestart::Unexpected);
    assert_eq!(process_with("autorestart = \"true\"").autorestart, AutoRestart::Always);
    let e = error("\n[program.x]\ncommand = \"x\"\nautorestart = \"sometimes\"\n");
    assert_error(&e, 3, 15, "[program.x] autorestart: 'sometimes' is not one of unexpected, true, false");
}

#[test]
fn exitcodes_accept_a_list_a_number_or_a_comma_string() {
    assert_eq!(process_with("exitcodes = [0, 2]").exitcodes, vec![0, 2]);
    assert_eq!(process_with("exitcodes = 3").exitcodes, vec![3]);
    assert_eq!(process_with("exitcodes = \"0, 2\"").exitcodes, vec![0, 2]);
    let e = error("\n[program.x]\ncommand = \"x\"\nexitcodes = [0, 256]\n");
    assert_error(&e, 3, 13, "[program.x] exitcodes: 256 is out of range (0 to 255)");
}

#[test]
fn booleans_must_be_toml_booleans() {
    assert!(!process_with("autostart = false").autostart);
    let e = error("\n[program.x]\ncommand = \"x\"\nautostart = \"yes\"\n");
    assert_error(&e, 3, 13, "[program.x] autostart: expected true or false, found a string");
}

#[test]
fn command_is_split_with_shell_quoting() {
    let config = parse(
        r#"
[program.x]
command = "sh -c 'echo \"a b\"; exit 3' --flag=\"x y\""
"#,
    );
    assert_eq!(only_process(&config).command, strings(&["sh", "-c", "echo \"a b\"; exit 3", "--flag=x y"]));
}

#[test]
fn command_with_unbalanced_quotes_is_rejected() {
    let e = error("\n[program.x]\ncommand = \"echo 'oops\"\n");
    assert_error(&e, 2, 11, "[program.x] command: unbalanced quotes in 'echo 'oops'");
}

#[test]
fn log_destinations_are_auto_none_or_paths() {
    let p = process_with("stdout_logfile = \"NONE\"\nstderr_logfile = \"logs/err.log\"");
    assert_eq!(p.stdout.destination, LogDestination::None);
    assert_eq!(p.stderr.destination, LogDestination::File("/cfg/logs/err.log".into()));
    let p = process_with("stdout_logfile = \"/var/log/x.log\"\nstderr_logfile = \"none\"");
    assert_eq!(p.stdout.destination, LogDestination::File("/var/log/x.log".into()));
    assert_eq!(p.stderr.destination, LogDestination::None);
    let config = parse("[taskmasterd]\nchildlogdir = \"/logs\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(only_process(&config).stdout.destination, LogDestination::File("/logs/x-stdout.log".into()));
}

#[test]
fn redirect_stderr_drops_the_stderr_log() {
    let p = process_with("redirect_stderr = true");
    assert!(p.redirect_stderr);
    assert_eq!(p.stderr.destination, LogDestination::None);
}

#[test]
fn daemon_logfile_none_disables_it() {
    let config = parse("[taskmasterd]\nlogfile = \"NONE\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.daemon.logfile, None);
}

#[test]
fn daemon_and_client_settings_are_read() {
    let config = parse(
        r#"
[unix_server]
file = "run/tm.sock"
[taskmasterd]
loglevel = "debug"
pidfile = "/run/tm.pid"
nodaemon = true
silent = true
minfds = 4096
directory = "/"
[taskmasterctl]
prompt = "tm"
history_file = "/h"
[program.x]
command = "x"
"#,
    );
    assert_eq!(config.unix_server.file, Path::new("/cfg/run/tm.sock"));
    assert_eq!(config.ctl.serverurl, Path::new("/cfg/run/tm.sock"), "serverurl follows [unix_server] file");
    assert_eq!(config.daemon.loglevel, LogLevel::Debug);
    assert_eq!(config.daemon.pidfile, Path::new("/run/tm.pid"));
    assert!(config.daemon.nodaemon && config.daemon.silent);
    assert_eq!(config.daemon.minfds, 4096);
    assert_eq!(config.daemon.directory.as_deref(), Some(Path::new("/")));
    assert_eq!(config.ctl.prompt, "tm");
    assert_eq!(config.ctl.history_file.as_deref(), Some(Path::new("/h")));
}

#[test]
fn bad_loglevel_is_rejected() {
    let e = error("\n[taskmasterd]\nloglevel = \"loud\"\n[program.x]\ncommand = \"x\"\n");
    assert_error(&e, 2, 12, "[taskmasterd] loglevel: 'loud' is not one of critical, error, warn");
}

#[test]
fn unknown_users_are_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\nuser = \"no-such-user-here\"\n");
    assert_error(&e, 3, 8, "[program.x] user: no such user 'no-such-user-here'");
    let e = error("\n[unix_server]\nchown = \"no-such-user-here:x\"\n[program.x]\ncommand = \"x\"\n");
    assert_error(&e, 2, 9, "[unix_server] chown: no such user 'no-such-user-here'");
}

#[test]
fn known_users_are_accepted() {
    assert_eq!(process_with("user = \"root\"").user.as_deref(), Some("root"));
    let config = parse("[unix_server]\nchown = \"root\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.unix_server.chown, Some(Chown { user: "root".into(), group: None }));
}

// ---- environment ----------------------------------------------------------------------------

#[test]
fn environment_as_a_string_keeps_quoted_commas() {
    let p = process_with(r#"environment = "A=\"x,y\",B=2,C=' padded '""#);
    assert_eq!(p.environment, pairs(&[("A", "x,y"), ("B", "2"), ("C", " padded ")]));
}

#[test]
fn environment_as_a_table_keeps_order_and_stringifies_scalars() {
    let p = process_with("environment = { Z = \"last\", N = 3, F = 1.5, B = true }");
    assert_eq!(p.environment, pairs(&[("Z", "last"), ("N", "3"), ("F", "1.5"), ("B", "true")]));
}

#[test]
fn environment_values_are_expanded_per_process() {
    let config = parse(
        r#"
[program.w]
command = "w"
numprocs = 2
environment = "NUM=%(process_num)d,NAME=%(program_name)s"
"#,
    );
    let envs: Vec<_> = config.processes().map(|p| p.environment.clone()).collect();
    assert_eq!(envs, vec![pairs(&[("NUM", "0"), ("NAME", "w")]), pairs(&[("NUM", "1"), ("NAME", "w")])]);
}

#[test]
fn daemon_environment_is_read_and_expanded() {
    let config = parse("[taskmasterd]\nenvironment = { DIR = \"%(here)s\" }\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(config.daemon.environment, pairs(&[("DIR", "/cfg")]));
}

#[test]
fn bad_environment_names_and_quotes_are_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\nenvironment = 'A=\"open'\n");
    assert_error(&e, 3, 15, "[program.x] environment: the value of A has an unclosed quote");
    let e = error("\n[program.x]\ncommand = \"x\"\nenvironment = { \"1A\" = \"x\" }\n");
    assert_error(&e, 3, 15, "[program.x] environment: '1A' is not a valid environment variable name");
}

// ---- expansions -----------------------------------------------------------------------------

#[test]
fn program_name_expands_in_the_command() {
    let config = parse("[program.web]\ncommand = \"/bin/%(program_name)s --name=%(program_name)s\"\n");
    assert_eq!(only_process(&config).command, strings(&["/bin/web", "--name=web"]));
}

#[test]
fn process_num_expands_with_python_width_and_zero_padding() {
    let config = parse(
        r#"
[program.w]
command = "w %(process_num)d"
numprocs = 2
numprocs_start = 8
process_name = "%(program_name)s-%(process_num)02d"
"#,
    );
    let got: Vec<_> = config.processes().map(|p| (p.name.clone(), p.process_num, p.command[1].clone())).collect();
    assert_eq!(got, vec![("w-08".into(), 8, "8".into()), ("w-09".into(), 9, "9".into())]);
}

#[test]
fn group_name_expands_to_the_programs_group() {
    let config = parse(
        r#"
[program.x]
command = "x"
environment = { G = "%(group_name)s" }
[program.y]
command = "y"
environment = { G = "%(group_name)s" }
[group.g]
programs = ["x"]
"#,
    );
    let groups: Vec<_> = config.processes().map(|p| p.environment[0].1.clone()).collect();
    assert_eq!(groups, ["g", "y"]);
}

#[test]
fn here_expands_to_the_config_files_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taskmaster.toml");
    write(&path, "[program.x]\ncommand = \"%(here)s/run\"\ndirectory = \"%(here)s/work\"\n");
    let config = load(&path).unwrap();
    let p = only_process(&config);
    assert_eq!(p.command, [dir.path().join("run").display().to_string()]);
    assert_eq!(p.directory.as_deref(), Some(dir.path().join("work").as_path()));
}

#[test]
fn relative_paths_are_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taskmaster.toml");
    write(&path, "[taskmasterd]\npidfile = \"tm.pid\"\n[program.x]\ncommand = \"x\"\ndirectory = \"work\"\n");
    let config = load(&path).unwrap();
    assert_eq!(config.daemon.pidfile, dir.path().join("tm.pid"));
    assert_eq!(only_process(&config).directory, Some(dir.path().join("work")));
}

#[test]
fn env_expansion_reads_the_daemons_environment() {
    // PATH is read, never written, so this is safe beside tests running in parallel.
    let path = std::env::var("PATH").expect("PATH is set");
    let p = process_with("environment = { P = \"%(ENV_PATH)s\" }");
    assert_eq!(p.environment, pairs(&[("P", path.as_str())]));
}

#[test]
fn double_percent_is_a_literal_percent() {
    let config = parse("[program.x]\ncommand = \"printf 100%%\"\n");
    assert_eq!(only_process(&config).command, strings(&["printf", "100%"]));
}

#[test]
fn unknown_expansions_are_rejected_at_the_value() {
    let e = error("\n[program.x]\ncommand = \"x %(ENV_SURELY_NOT_SET_ANYWHERE)s\"\n");
    assert_error(&e, 2, 11, "[program.x] command: unknown expansion '%(ENV_SURELY_NOT_SET_ANYWHERE)'");
}

#[test]
fn a_bad_process_name_expansion_is_reported_once() {
    let e = error("\n[program.x]\ncommand = \"x\"\nprocess_name = \"%(nope)s\"\n");
    assert_error(&e, 3, 16, "[program.x] process_name: unknown expansion '%(nope)'");
}

// ---- numprocs -------------------------------------------------------------------------------

#[test]
fn numprocs_expands_into_numbered_processes() {
    let config = parse("[program.w]\ncommand = \"w\"\nnumprocs = 3\n");
    let got: Vec<_> = config.processes().map(|p| (p.name.as_str(), p.process_num, p.program.as_str())).collect();
    assert_eq!(got, [("w_0", 0, "w"), ("w_1", 1, "w"), ("w_2", 2, "w")]);
    let qualified: Vec<_> = config.processes().map(ProcessConfig::qualified_name).collect();
    assert_eq!(qualified, ["w:w_0", "w:w_1", "w:w_2"]);
}

#[test]
fn numprocs_start_offsets_the_numbers() {
    let config = parse("[program.w]\ncommand = \"w\"\nnumprocs = 2\nnumprocs_start = 10\n");
    let names: Vec<_> = config.processes().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["w_10", "w_11"]);
}

#[test]
fn numprocs_gives_each_process_its_own_auto_logs() {
    let config = parse("[taskmasterd]\nchildlogdir = \"/l\"\n[program.w]\ncommand = \"w\"\nnumprocs = 2\n");
    let logs: Vec<_> = config.processes().map(|p| p.stdout.destination.clone()).collect();
    let file = |s: &str| LogDestination::File(PathBuf::from(s));
    assert_eq!(logs, [file("/l/w_0-stdout.log"), file("/l/w_1-stdout.log")]);
}

#[test]
fn numprocs_without_process_num_in_process_name_is_one_error() {
    let e = error("\n[program.w]\ncommand = \"w\"\nnumprocs = 2\nprocess_name = \"w\"\n");
    assert_error(&e, 4, 16, "[program.w] process_name: must contain %(process_num) when numprocs is 2");
}

// ---- groups ---------------------------------------------------------------------------------

const GROUPED: &str = r#"
[program.api]
command = "api"
[program.worker]
command = "worker"
numprocs = 2
priority = 5
[program.solo]
command = "solo"
[group.backend]
programs = ["api", "worker"]
priority = 100
"#;

#[test]
fn group_members_carry_the_group_name() {
    let config = parse(GROUPED);
    let groups: Vec<_> = config.programs.iter().map(|p| (p.name.as_str(), p.group.as_str())).collect();
    assert_eq!(groups, [("api", "backend"), ("worker", "backend"), ("solo", "solo")]);
    let qualified: Vec<_> = config.processes().map(ProcessConfig::qualified_name).collect();
    assert_eq!(qualified, ["backend:api", "backend:worker_0", "backend:worker_1", "solo"]);
}

#[test]
fn group_priority_is_inherited_only_by_programs_without_their_own() {
    let config = parse(GROUPED);
    let priorities: Vec<_> = config.programs.iter().map(|p| (p.name.as_str(), p.priority)).collect();
    assert_eq!(priorities, [("api", 100), ("worker", 5), ("solo", 999)]);
    let process_priorities: Vec<_> = config.processes().map(|p| p.priority).collect();
    assert_eq!(process_priorities, [100, 5, 5, 999]);
}

#[test]
fn a_group_may_share_its_name_with_one_of_its_members() {
    let config = parse(
        "[program.web]\ncommand = \"w\"\n[program.api]\ncommand = \"a\"\n[group.web]\nprograms = [\"web\", \"api\"]\n",
    );
    let qualified: Vec<_> = config.processes().map(ProcessConfig::qualified_name).collect();
    assert_eq!(qualified, ["web", "web:api"]);
}

#[test]
fn unknown_group_members_are_reported_at_the_member() {
    let all = errors("\n[program.worker]\ncommand = \"w\"\n[group.g]\nprograms = [\"api\", \"wroker\"]\n");
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_error(&all[0], 4, 13, "[group.g] programs: no program named 'api'");
    assert!(all[0].ends_with("'api'"), "{}", all[0]);
    assert_error(&all[1], 4, 20, "[group.g] programs: no program named 'wroker'; did you mean 'worker'?");
}

#[test]
fn a_program_in_two_groups_is_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\n[group.a]\nprograms = [\"x\"]\n[group.b]\nprograms = [\"x\"]\n");
    assert_error(&e, 6, 13, "[group.b] programs: 'x' is already in group 'a'");
}

#[test]
fn a_program_listed_twice_in_one_group_is_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\n[group.g]\nprograms = [\"x\", \"x\"]\n");
    assert_eq!(e, format!("{FILE}:4:18: [group.g] programs: 'x' is listed twice"));
}

#[test]
fn a_group_named_like_another_program_is_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\n[program.y]\ncommand = \"y\"\n[group.x]\nprograms = [\"y\"]\n");
    assert_error(&e, 5, 8, "[group.x]: the group name 'x' is also a program's name");
}

#[test]
fn a_group_needs_programs() {
    let e = error("\n[program.x]\ncommand = \"x\"\n[group.g]\npriority = 1\n");
    assert_error(&e, 3, 8, "[group.g] programs: is required");
    let e = error("\n[program.x]\ncommand = \"x\"\n[group.g]\nprograms = []\n");
    assert_error(&e, 4, 12, "[group.g] programs: a group needs at least one program");
}

// ---- includes -------------------------------------------------------------------------------

#[test]
fn includes_are_globbed_relative_to_the_including_file() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("etc/taskmaster.toml");
    write(&main, "[include]\nfiles = [\"conf.d/*.toml\"]\n[program.main]\ncommand = \"main\"\n");
    write(&dir.path().join("etc/conf.d/b.toml"), "[group.g]\nprograms = [\"a\", \"main\"]\n");
    write(&dir.path().join("etc/conf.d/a.toml"), "[program.a]\ncommand = \"a\"\n");
    write(&dir.path().join("etc/conf.d/ignored.conf"), "[program.z]\ncommand = \"z\"\n");
    let config = load(&main).unwrap();
    let programs: Vec<_> = config.programs.iter().map(|p| (p.name.as_str(), p.group.as_str())).collect();
    assert_eq!(programs, [("main", "g"), ("a", "g")]);
}

#[test]
fn here_in_an_included_file_is_that_files_directory() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("taskmaster.toml");
    write(&main, "[include]\nfiles = [\"conf.d/*.toml\"]\n");
    write(&dir.path().join("conf.d/a.toml"), "[program.a]\ncommand = \"%(here)s/a\"\ndirectory = \"work\"\n");
    let config = load(&main).unwrap();
    let p = only_process(&config);
    assert_eq!(p.command, [dir.path().join("conf.d/a").display().to_string()]);
    assert_eq!(p.directory, Some(dir.path().join("conf.d/work")));
}

#[test]
fn included_files_may_hold_only_program_and_group_tables() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("taskmaster.toml");
    write(&main, "[include]\nfiles = [\"*.inc\"]\n");
    let inc = dir.path().join("x.inc");
    write(&inc, "[program.a]\ncommand = \"a\"\n[taskmasterd]\nnodaemon = true\n");
    let e = load(&main).unwrap_err().to_string();
    let want = format!(
        "{}:3:2: [taskmasterd]: only [program.*], [group.*] and [eventlistener.*] tables may stand in an included file",
        inc.display()
    );
    assert_eq!(e, want);
}

#[test]
fn a_section_defined_in_two_files_names_the_first_place() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("taskmaster.toml");
    write(&main, "[include]\nfiles = [\"a.inc\"]\n\n[program.a]\ncommand = \"a\"\n");
    let inc = dir.path().join("a.inc");
    write(&inc, "[program.a]\ncommand = \"again\"\n");
    let e = load(&main).unwrap_err().to_string();
    let want = format!("{}:1:10: [program.a]: defined again (first at {}:4)", inc.display(), main.display());
    assert_eq!(e, want);
}

#[test]
fn include_files_must_be_a_list_of_strings() {
    let e = error("\n[include]\nfiles = \"conf.d/*.toml\"\n[program.x]\ncommand = \"x\"\n");
    assert_error(&e, 2, 9, "[include] files: expected an array of strings, found a string");
}

#[test]
fn syntax_errors_in_included_files_name_that_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("taskmaster.toml");
    write(&main, "[include]\nfiles = [\"*.inc\"]\n");
    let inc = dir.path().join("bad.inc");
    write(&inc, "[program.a]\ncommand = \"a\"\npriority = = 3\n");
    let e = load(&main).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:3:", inc.display())), "{e}");
    assert!(e.contains("TOML syntax"), "{e}");
}

#[test]
fn include_patterns_expand_here_and_escape_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc [1]");
    let main = etc.join("taskmaster.toml");
    write(&main, "[include]\nfiles = [\"%(here)s/conf.d/*.toml\", \"more/*.toml\"]\n");
    write(&etc.join("conf.d/a.toml"), "[program.a]\ncommand = \"a\"\n");
    write(&etc.join("more/b.toml"), "[program.b]\ncommand = \"b\"\n");
    let config = load(&main).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<_> = config.programs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

// ---- errors ---------------------------------------------------------------------------------

#[test]
fn toml_syntax_errors_carry_their_line() {
    let all = errors("\n[program.x]\ncommand = \"x\"\nautostart = \n");
    assert!(all[0].starts_with(&format!("{FILE}:3:")), "{all:#?}");
    assert!(all[0].contains("TOML syntax"), "{all:#?}");
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let e = error("\n[program.x]\ncommand = \"x\"\nautostrat = false\n");
    assert_error(&e, 3, 1, "[program.x] autostrat: unknown key; did you mean 'autostart'?");
    let e = error("\n[taskmasterd]\n  logfile_maxbyte = 1\n[program.x]\ncommand = \"x\"\n");
    assert_error(&e, 2, 3, "[taskmasterd] logfile_maxbyte: unknown key; did you mean 'logfile_maxbytes'?");
}

#[test]
fn unknown_keys_far_from_any_are_errors_without_a_suggestion() {
    let e = error("\n[program.x]\ncommand = \"x\"\nxyzzy = 1\n");
    assert_eq!(e, format!("{FILE}:3:1: [program.x] xyzzy: unknown key"));
}

#[test]
fn unknown_sections_are_errors_with_a_suggestion() {
    let e = error("\n[programs.x]\ncommand = \"x\"\n");
    assert_eq!(e, format!("{FILE}:1:2: [programs]: unknown section; did you mean [program]?"));
    let e = error("\n[taskmasterd_]\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(e, format!("{FILE}:1:2: [taskmasterd_]: unknown section; did you mean [taskmasterd]?"));
}

#[test]
fn a_key_before_any_section_is_rejected() {
    let e = error("\ncommand = \"x\"\n[program.x]\ncommand = \"x\"\n");
    assert_eq!(e, format!("{FILE}:1:1: command: is outside any section; keys go under a table such as [program.NAME]"));
}

#[test]
fn a_missing_command_is_required_at_the_section() {
    let e = error("\n[program.web]\nautostart = false\n");
    assert_eq!(e, format!("{FILE}:1:10: [program.web] command: is required"));
}

#[test]
fn empty_commands_are_rejected() {
    let e = error("\n[program.x]\ncommand = \"\"\n");
    assert_eq!(e, format!("{FILE}:2:11: [program.x] command: is empty"));
    let e = error("\n[program.x]\ncommand = \"   \"\n");
    assert_eq!(e, format!("{FILE}:2:11: [program.x] command: is empty"));
}

#[test]
fn duplicate_process_names_are_rejected() {
    let e = error(
        r#"
[program.a]
command = "a"
process_name = "same"
[program.b]
command = "b"
process_name = "same"
"#,
    );
    assert_error(&e, 6, 16, "[program.b] process_name: duplicate process name 'same' (also in program 'a')");
}

#[test]
fn a_duplicate_name_does_not_hide_a_shared_explicit_log() {
    let all = errors(
        r#"
[program.a]
command = "a"
process_name = "same"
stdout_logfile = "/l/x.log"
[program.b]
command = "b"
process_name = "same"
stdout_logfile = "/l/x.log"
"#,
    );
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_error(&all[0], 7, 16, "[program.b] process_name: duplicate process name 'same'");
}

#[test]
fn a_default_name_colliding_with_another_process_is_rejected_at_the_section() {
    let e = error("\n[program.a]\ncommand = \"a\"\nprocess_name = \"b\"\n[program.b]\ncommand = \"b\"\n");
    assert_error(&e, 4, 10, "[program.b] process_name: duplicate process name 'b' (also in program 'a')");
}

#[test]
fn invalid_process_names_are_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\nprocess_name = \"a:b\"\n");
    assert_error(&e, 3, 16, "[program.x] process_name: 'a:b' is not a valid process name");
}

#[test]
fn invalid_program_names_are_rejected() {
    let e = error("\n[program.\"a b\"]\ncommand = \"x\"\n");
    assert_error(&e, 1, 10, "[program.a b]: a program name must not be empty nor hold spaces, ':' or '/'");
    let e = error("\n[program.\"a/b\"]\ncommand = \"x\"\n");
    assert_error(&e, 1, 10, "[program.a/b]: a program name must not be empty");
    // supervisord accepts any other character, and so does taskmaster.
    let config = parse("\n[program.\"my@app+1\"]\ncommand = \"x\"\n");
    assert_eq!(config.programs[0].name, "my@app+1");
}

#[test]
fn stopasgroup_without_killasgroup_is_rejected() {
    let e = error("\n[program.x]\ncommand = \"x\"\nstopasgroup = true\nkillasgroup = false\n");
    assert_error(&e, 4, 15, "[program.x] killasgroup: cannot be false when stopasgroup is true");
}

#[test]
fn stopasgroup_implies_killasgroup() {
    let p = process_with("stopasgroup = true");
    assert!(p.stopasgroup && p.killasgroup);
}

#[test]
fn out_of_range_numbers_are_rejected() {
    let cases = [
        ("numprocs = -1", 12, "numprocs: -1 is out of range (0 to 100000)"),
        ("startretries = 4294967296", 16, "startretries: 4294967296 is out of range (0 to 4294967295)"),
        ("startsecs = -1", 13, "startsecs: -1 is out of range (0 to 4294967295)"),
        ("stopwaitsecs = -5", 16, "stopwaitsecs: -5 is out of range (0 to 4294967295)"),
        ("numprocs_start = -1", 18, "numprocs_start: -1 is out of range (0 to 4294967295)"),
        ("stdout_logfile_backups = -1", 26, "stdout_logfile_backups: -1 is out of range (0 to 4294967295)"),
    ];
    for (line, column, message) in cases {
        let e = error(&format!("\n[program.x]\ncommand = \"x\"\n{line}\n"));
        assert_eq!(e, format!("{FILE}:3:{column}: [program.x] {message}"));
    }
}

/// supervisord checks no upper bound; configs in the wild write startretries=1000000 to mean
/// "keep trying", and huge priorities.
#[test]
fn supervisord_sized_numbers_are_accepted() {
    let p = process_with("startretries = 1000000\nstartsecs = 100000000\npriority = -5000000000");
    assert_eq!((p.startretries, p.startsecs, p.priority), (1_000_000, 100_000_000, -5_000_000_000));
    let config = parse("\n[program.x]\ncommand = \"x\"\nnumprocs = 0\n");
    assert!(config.programs[0].processes.is_empty());
}

#[test]
fn wrong_types_name_what_was_expected_and_found() {
    let e = error("\n[program.x]\ncommand = [\"x\"]\n");
    assert_eq!(e, format!("{FILE}:2:11: [program.x] command: expected a string, found an array"));
    let e = error("\n[program.x]\ncommand = \"x\"\nnumprocs = \"2\"\n");
    assert_eq!(e, format!("{FILE}:3:12: [program.x] numprocs: expected an integer, found a string"));
}

/// supervisord allows it, and configs in the wild rely on it: a warning, not an error.
#[test]
fn two_programs_sharing_a_log_file_are_warned_about() {
    let e = warning(
        r#"
[program.a]
command = "a"
stdout_logfile = "/var/log/shared.log"
[program.b]
command = "b"
stderr_logfile = "/var/log/shared.log"
"#,
    );
    assert_error(&e, 6, 18, "[program.b] stderr_logfile: /var/log/shared.log is also the log of process 'a'");
}

#[test]
fn a_shared_log_is_found_through_relative_paths() {
    let e = warning(
        r#"
[program.a]
command = "a"
stdout_logfile = "x.log"
[program.b]
command = "b"
stdout_logfile = "/cfg/./x.log"
"#,
    );
    assert_error(&e, 6, 18, "[program.b] stdout_logfile: /cfg/./x.log is also the log of process 'a'");
}

#[test]
fn numprocs_sharing_one_log_file_is_warned_about() {
    let e = warning("\n[program.w]\ncommand = \"w\"\nnumprocs = 2\nstdout_logfile = \"/var/log/w.log\"\n");
    assert_error(&e, 4, 18, "[program.w] stdout_logfile: /var/log/w.log is also the log of process 'w_0'");
}

#[test]
fn one_process_logging_stdout_and_stderr_to_one_file_is_told_to_redirect() {
    let e = warning("\n[program.x]\ncommand = \"x\"\nstdout_logfile = \"/l/x.log\"\nstderr_logfile = \"/l/x.log\"\n");
    assert_error(
        &e,
        4,
        18,
        "[program.x] stderr_logfile: /l/x.log is both the stdout and stderr log; redirect_stderr does this",
    );
}

#[test]
fn device_files_may_be_shared() {
    let config = parse(
        r#"
[program.a]
command = "a"
stdout_logfile = "/dev/stdout"
redirect_stderr = true
[program.b]
command = "b"
stdout_logfile = "/dev/stdout"
stderr_logfile = "/dev/stderr"
"#,
    );
    assert_eq!(config.processes().count(), 2);
}

#[test]
fn every_error_is_reported_in_file_order() {
    let all = errors(
        r#"
[program.a]
comand = "a"
numprocs = -1
[taskmasterd]
umask = 22
[program.b]
command = "b"
stopsignal = "NOPE"
"#,
    );
    let places: Vec<String> = all.iter().map(|e| e.split(": ").take(2).collect::<Vec<_>>().join(": ")).collect();
    let want = [
        format!("{FILE}:1:10: [program.a] command"),
        format!("{FILE}:2:1: [program.a] comand"),
        format!("{FILE}:3:12: [program.a] numprocs"),
        format!("{FILE}:5:9: [taskmasterd] umask"),
        format!("{FILE}:8:14: [program.b] stopsignal"),
    ];
    assert_eq!(places, want, "{all:#?}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let all = errors("\n[program.x]\ncommand = \"x\"\n[group.g]\nprograms = [\"é\", \"zz\"]\n");
    assert_error(&all[0], 4, 13, "[group.g] programs: no program named 'é'");
    assert_error(&all[1], 4, 18, "[group.g] programs: no program named 'zz'");
}

// ---- finding the file -----------------------------------------------------------------------

#[test]
fn search_path_follows_the_documented_order() {
    let want: Vec<PathBuf> = [
        "./taskmaster.toml",
        "./taskmaster.conf",
        "/home/u/.config/taskmaster/taskmaster.toml",
        "/home/u/.config/taskmaster/taskmaster.conf",
        "/usr/local/etc/taskmaster/taskmaster.toml",
        "/usr/local/etc/taskmaster/taskmaster.conf",
        "/etc/taskmaster/taskmaster.toml",
        "/etc/taskmaster/taskmaster.conf",
        "/etc/taskmaster.toml",
        "/etc/taskmaster.conf",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(search_path_with(Some("/home/u/.config/taskmaster".into())), want);
    // The per-user directory: $XDG_CONFIG_HOME, else ~/.config (this test reads, never sets).
    let user = user_config_dir();
    if let Some(xdg) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        assert_eq!(user, Some(PathBuf::from(xdg).join("taskmaster")));
    } else if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        assert_eq!(user, Some(PathBuf::from(home).join(".config/taskmaster")));
    }
    assert_eq!(search_path()[2].parent().map(Path::to_path_buf), user);
}

#[test]
fn an_explicit_file_wins() {
    assert_eq!(find_config_file(Some(Path::new("/x/given.toml"))).unwrap(), Path::new("/x/given.toml"));
}

#[test]
fn the_environment_variable_comes_before_the_search_path() {
    // The only test that changes the environment; nothing else reads TASKMASTER_CONFIG.
    let before = std::env::var_os(CONFIG_ENV);
    // SAFETY: no other test reads or writes this variable, and std serializes its own access to
    // the environment; no foreign code reads it.
    unsafe { std::env::set_var(CONFIG_ENV, "/from/env.toml") };
    let found = find_config_file(None);
    let explicit = find_config_file(Some(Path::new("/given.toml")));
    // SAFETY: as above.
    unsafe {
        match before {
            Some(value) => std::env::set_var(CONFIG_ENV, value),
            None => std::env::remove_var(CONFIG_ENV),
        }
    }
    assert_eq!(found.unwrap(), Path::new("/from/env.toml"));
    assert_eq!(explicit.unwrap(), Path::new("/given.toml"));
}

#[test]
fn the_first_existing_candidate_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let candidates = [dir.path().join("a.toml"), dir.path().join("b.toml"), dir.path().join("c.toml")];
    write(&candidates[1], "");
    write(&candidates[2], "");
    assert_eq!(find_config_file_in(None, None, &candidates).unwrap(), candidates[1]);
    let env = Some(std::ffi::OsString::from("/env.toml"));
    assert_eq!(find_config_file_in(None, env, &candidates).unwrap(), Path::new("/env.toml"));
    let empty_env = Some(std::ffi::OsString::new());
    assert_eq!(find_config_file_in(None, empty_env, &candidates).unwrap(), candidates[1]);
}

#[test]
fn no_file_found_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let candidates = [dir.path().join("a.toml"), dir.path().join("b.conf")];
    let e = format!("{:#}", find_config_file_in(None, None, &candidates).unwrap_err());
    let want = format!(
        "no config file found; pass one with -c FILE. Looked in: $TASKMASTER_CONFIG (unset), {}, {}",
        candidates[0].display(),
        candidates[1].display()
    );
    assert_eq!(e, want);
}

#[test]
fn an_unreadable_file_is_one_error_naming_it() {
    let e = load(Path::new("/surely/not/here/taskmaster.toml")).unwrap_err().to_string();
    assert!(e.starts_with("/surely/not/here/taskmaster.toml: cannot read the config file: "), "{e}");
}

// ---- the shipped example --------------------------------------------------------------------

#[test]
fn the_example_config_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/taskmaster.toml");
    let config = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let qualified: Vec<_> = config.processes().map(ProcessConfig::qualified_name).collect();
    let want = ["ticker", "backend:flaky", "backend:worker_00", "backend:worker_01", "backend:worker_02", "oneshot"];
    assert_eq!(qualified, want);
    let workers: Vec<_> = config.processes().filter(|p| p.program == "worker").collect();
    assert!(workers.iter().all(|p| p.killasgroup && p.priority == 100));
    assert_eq!(workers[2].environment, pairs(&[("WORKER_NUM", "2")]));
}

#[test]
fn health_keys_build_the_model() {
    let config = parse(
        r#"
[program.db]
command = "db"
numprocs = 2
[program.db.healthcheck]
type = "tcp"
port = 5432
interval = 0.5
on_unhealthy = "none"

[program.web]
command = "web"
readiness = "notify"
watchdog = 10
depends_on = { db = "healthy", migrate = "completed" }

[program.migrate]
command = "migrate"
"#,
    );
    let db = &config.programs[0].processes;
    assert_eq!(db.len(), 2);
    for p in db {
        let check = p.health.check.as_ref().unwrap();
        assert_eq!(check.probe, Probe::Tcp { host: "127.0.0.1".parse().unwrap(), port: 5432 });
        assert_eq!(check.interval, std::time::Duration::from_millis(500));
        assert_eq!(check.on_unhealthy, OnUnhealthy::None);
    }
    let web = &config.programs[1].processes[0].health;
    assert_eq!(web.readiness, Readiness::Notify);
    assert_eq!(web.watchdog, Some(std::time::Duration::from_secs(10)));
    assert_eq!(
        web.depends_on,
        [
            Dependency { program: "db".into(), condition: Condition::Healthy },
            Dependency { program: "migrate".into(), condition: Condition::Completed }
        ]
    );
    assert_eq!(config.programs[2].processes[0].health, HealthConfig::default());
}

#[test]
fn health_key_errors_name_file_line_and_sub_key() {
    let all = errors(
        r#"
[program.web]
command = "web"
watchdog = 5
depends_on = ["web", "dbb"]
[program.web.healthcheck]
type = "http"
url = "http://example.com/"

[program.db]
command = "db"
"#,
    );
    assert_eq!(
        all,
        [
            "/cfg/taskmaster.toml:3:12: [program.web] watchdog: needs readiness = \"notify\" (the pings come on NOTIFY_SOCKET)",
            "/cfg/taskmaster.toml:4:15: [program.web] depends_on: 'web' cannot depend on itself",
            "/cfg/taskmaster.toml:4:22: [program.web] depends_on: no program named 'dbb'; did you mean 'db'?",
            "/cfg/taskmaster.toml:7:7: [program.web] healthcheck.url: 'example.com' is not an IP address (names are not resolved, so that no check waits on DNS; use localhost or an address)",
        ]
    );
}

#[test]
fn event_listener_pools_are_programs_with_events() {
    let config = parse(
        "[program.web]\ncommand = \"w\"\n[eventlistener.mail]\ncommand = \"crashmail -a\"\nnumprocs = 2\n\
         process_name = \"%(program_name)s_%(process_num)d\"\nevents = [\"process_state_exited\", \"TICK_60\"]\n",
    );
    assert_eq!(config.programs.len(), 1);
    let pool = &config.event_listeners[0];
    assert_eq!(pool.events, ["PROCESS_STATE_EXITED", "TICK_60"]);
    assert_eq!((pool.buffer_size, pool.result_handler.as_str()), (10, crate::config::DEFAULT_RESULT_HANDLER));
    let names: Vec<_> = config.processes().map(|p| (p.name.as_str(), p.group.as_str(), p.priority)).collect();
    assert_eq!(names, [("web", "web", 999), ("mail_0", "mail", -1), ("mail_1", "mail", -1)]);
    assert_eq!(config.listener_pool_of(config.processes().nth(1).unwrap()).map(|l| l.pool.name.as_str()), Some("mail"));
}

#[test]
fn event_listener_mistakes_are_located() {
    let all = errors(
        "[eventlistener.l]\ncommand = \"l\"\nevents = [\"PROCES_STATE\"]\nredirect_stderr = true\n\
         result_handler = \"mymod:handler\"\n",
    );
    assert_eq!(
        all,
        [
            format!(
                "{FILE}:3:11: [eventlistener.l] events: unknown event type 'PROCES_STATE'; did you mean PROCESS_STATE?"
            ),
            format!(
                "{FILE}:4:19: [eventlistener.l] redirect_stderr: cannot be true in an event listener: its stdout carries the listener protocol"
            ),
            format!(
                "{FILE}:5:18: [eventlistener.l] result_handler: 'mymod:handler' is not supported: only supervisord's default handler, supervisor.dispatchers:default_handler, is"
            ),
        ]
    );
    let all = errors("[eventlistener.l]\ncommand = \"l\"\n");
    assert_eq!(all, [format!("{FILE}:1:16: [eventlistener.l] events: is required")]);
    let all = errors("[program.l]\ncommand = \"l\"\n[eventlistener.l]\ncommand = \"l\"\nevents = [\"EVENT\"]\n");
    assert!(all.iter().any(|e| e.contains("the pool name 'l' is also a program's or group's name")), "{all:?}");
}
