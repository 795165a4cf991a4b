//! The INI reader's contract: supervisord's dialect read as supervisord reads it, into the model
//! the TOML reader builds, with errors and warnings at their places.

use std::path::Path;

use super::*;
use crate::config::{AutoRestart, LogDestination, Signal};

const FILE: &str = "/cfg/supervisord.conf";

fn text(config: &str) -> &str {
    config.strip_prefix('\n').unwrap_or(config)
}

#[track_caller]
fn parse(config: &str) -> Config {
    parse_str(text(config), Path::new(FILE)).unwrap_or_else(|e| panic!("unexpected errors:\n{e}"))
}

#[track_caller]
fn errors(config: &str) -> Vec<String> {
    match parse_str(text(config), Path::new(FILE)) {
        Ok(_) => panic!("expected errors from:\n{config}"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[track_caller]
fn warnings(config: &str) -> Vec<String> {
    parse(config).warnings.iter().map(ToString::to_string).collect()
}

/// The one process of `[program:x]` with `command=x` and the given lines.
#[track_caller]
fn process_with(lines: &str) -> crate::config::ProcessConfig {
    let config = parse(&format!("[supervisord]\n[program:x]\ncommand=x\n{lines}\n"));
    let all: Vec<_> = config.processes().cloned().collect();
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap()
}

#[test]
fn the_format_is_decided_by_content() {
    assert!(looks_like_ini("[supervisord]\n"));
    assert!(looks_like_ini("; comment\n[program:web]\ncommand=x\n"));
    assert!(looks_like_ini("  [unix_http_server]\nfile=/tmp/x.sock\n"));
    assert!(looks_like_ini("[include]\nfiles = conf.d/*.conf\n"), "not TOML, but INI");
    assert!(!looks_like_ini("[program.web]\ncommand = \"x\"\n"));
    assert!(!looks_like_ini("[inet_http_server]\nport = \"127.0.0.1:9001\"\n"), "valid TOML stays TOML");
    assert!(!looks_like_ini("[include]\nfiles = [\"conf.d/*.toml\"]\n"));
    assert!(!looks_like_ini(""));
    assert_eq!(parse("[supervisord]\n").format, ConfigFormat::Ini);
}

#[test]
fn comments_follow_configparser() {
    // Inline comments need whitespace before them; full-line ones may be indented.
    let p = process_with("environment=A=\"x;y\" ; a comment\n  # indented comment\ndirectory=/tmp#notacomment");
    assert_eq!(p.environment, [("A".to_string(), "x;y".to_string())]);
    assert_eq!(p.directory.as_deref(), Some(Path::new("/tmp#notacomment")));
    let p = process_with("stopsignal=INT\t# tab before the comment");
    assert_eq!(p.stopsignal, Signal::parse("INT").unwrap());
}

#[test]
fn continuation_lines_join_a_value() {
    let p = process_with("environment=\n    A=\"1\",\n\n    B=\"x,y\"\nautostart=false");
    let want = [("A", "1"), ("B", "x,y")].map(|(k, v)| (k.to_string(), v.to_string()));
    assert_eq!(p.environment, want);
    assert!(!p.autostart);
    let config = parse("[supervisord]\n[program:x]\ncommand=/bin/echo\n  one\n  two\n");
    assert_eq!(config.programs[0].processes[0].command, ["/bin/echo", "one", "two"]);
}

#[test]
fn keys_are_case_insensitive_and_colons_delimit_too() {
    let p = process_with("AutoStart: false\nSTARTSECS = 5");
    assert!(!p.autostart);
    assert_eq!(p.startsecs, 5);
}

#[test]
fn a_key_set_twice_takes_the_later_value_with_a_warning() {
    let config = parse("[supervisord]\n[program:x]\ncommand=x\nstartsecs=1\nstartsecs=7\n");
    assert_eq!(config.programs[0].processes[0].startsecs, 7);
    assert_eq!(config.warnings.len(), 1);
    assert!(config.warnings[0].to_string().starts_with(&format!("{FILE}:5:1: [program:x] startsecs: set again")));
}

#[test]
fn a_section_repeated_in_one_file_continues() {
    let config = parse("[supervisord]\n[program:x]\ncommand=x\n[supervisord]\n[program:x]\nautostart=no\n");
    assert!(!config.programs[0].processes[0].autostart);
}

#[test]
fn values_are_typed_as_supervisord_types_them() {
    for (text, want) in
        [("yes", true), ("On", true), ("1", true), ("TRUE", true), ("no", false), ("off", false), ("0", false)]
    {
        assert_eq!(process_with(&format!("autostart={text}")).autostart, want, "{text}");
    }
    let p = process_with(
        "startretries=1000000\npriority=-5\nstartsecs=+3\nstopwaitsecs=1_000\nstdout_logfile_maxbytes=50MB\n\
         stderr_logfile_maxbytes=1GB\nexitcodes=0,2\nstopsignal=SIGHUP\numask=002\nautorestart=yes",
    );
    assert_eq!((p.startretries, p.priority, p.startsecs, p.stopwaitsecs), (1_000_000, -5, 3, 1000));
    assert_eq!((p.stdout.maxbytes, p.stderr.maxbytes), (50 << 20, 1 << 30));
    assert_eq!(p.exitcodes, [0, 2]);
    assert_eq!(p.stopsignal, Signal::parse("HUP").unwrap());
    assert_eq!(p.umask, Some(0o2));
    assert_eq!(p.autorestart, AutoRestart::Always);
    assert_eq!(process_with("autorestart=unexpected").autorestart, AutoRestart::Unexpected);
    assert_eq!(process_with("autorestart=off").autorestart, AutoRestart::Never);
    assert!(process_with("exitcodes=").exitcodes.is_empty());
    let p = process_with("stdout_logfile=off\nstderr_logfile=none");
    assert_eq!((p.stdout.destination, p.stderr.destination), (LogDestination::None, LogDestination::None));
}

#[test]
fn expansions_work_in_every_value() {
    let home = std::env::var("HOME").unwrap();
    let config = parse(
        r#"
[supervisord]
logfile=%(here)s/sd.log
[program:web]
command=/bin/web --port=80%(process_num)02d --name=%(group_name)s
process_name=%(program_name)s_%(process_num)02d
numprocs=2
numprocs_start=1
directory=%(ENV_HOME)s
stdout_logfile=%(here)s/%(program_name)s-%(host_node_name)s.log
[group:g]
programs=web
"#,
    );
    assert_eq!(config.daemon.logfile.as_deref(), Some(Path::new("/cfg/sd.log")));
    let names: Vec<_> = config.processes().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["web_01", "web_02"]);
    let p = &config.programs[0].processes[1];
    assert_eq!(p.command, ["/bin/web", "--port=8002", "--name=g"]);
    assert_eq!(p.directory.as_deref(), Some(Path::new(&home)));
    assert_eq!(p.group, "g");
    let host = nix::unistd::gethostname().unwrap().into_string().unwrap();
    assert_eq!(p.stdout.destination, LogDestination::File(format!("/cfg/web-{host}.log").into()));
}

#[test]
fn values_taken_literally_in_toml_are_expanded_in_ini() {
    let config = parse("[supervisord]\n[program:root]\ncommand=x\nuser=%(program_name)s\nprocess_name=%%(x)s\n");
    let p = &config.programs[0].processes[0];
    assert_eq!(p.user.as_deref(), Some("root"));
    assert_eq!(p.name, "%(x)s", "%% is a literal percent sign");
    let all = errors("[supervisord]\n[program:x]\ncommand=x\nautostart=%(ENV_TM_SURELY_UNSET_VARIABLE)s\n");
    assert!(all[0].starts_with(&format!("{FILE}:4:11: [program:x] autostart: unknown expansion")), "{all:?}");
}

#[test]
fn errors_name_the_file_line_and_key() {
    let all = errors(
        r#"
[supervisord]
umask=089
[program:web]
comand=/bin/web
autostart=maybe
startsecs=soon
stopsignal=NOPE
numprocs=2
[group:g]
programs=web,wbe
"#,
    );
    let want = [
        format!("{FILE}:2:7: [supervisord] umask: '089' is not an octal mode"),
        format!("{FILE}:3:2: [program:web] command: is required"),
        format!("{FILE}:5:11: [program:web] autostart: 'maybe' is not a boolean"),
        format!("{FILE}:6:11: [program:web] startsecs: 'soon' is not an integer"),
        format!("{FILE}:7:12: [program:web] stopsignal: unknown signal 'NOPE'"),
        format!("{FILE}:10:14: [group:g] programs: no program named 'wbe'; did you mean 'web'?"),
    ];
    assert_eq!(all.len(), want.len(), "{all:#?}");
    for (got, want) in all.iter().zip(&want) {
        assert!(got.starts_with(want.as_str()), "\n  {got}\ndoes not start with\n  {want}");
    }
}

#[test]
fn syntax_errors_are_located() {
    let all = errors("command=x\n[supervisord]\njust words\n[DEFAULT]\nx=1\n");
    assert!(all[0].starts_with(&format!("{FILE}:1:1: is outside any section")), "{all:#?}");
    assert!(all[1].starts_with(&format!("{FILE}:3:1: 'just words' is not a key = value line")), "{all:#?}");
    assert!(all[2].starts_with(&format!("{FILE}:4:1: [DEFAULT] (defaults for every section) is not supported")));
}

#[test]
fn what_is_not_acted_on_is_a_located_warning() {
    let all = warnings(
        r#"
[supervisord]
minprocs=200
strip_ansi=true
[program:x]
command=x
autostrat=false
stdout_syslog=false
stdout_events_enabled=true
[eventlistener:listen]
command=listener
events=TICK_5
[fcgi-program:php]
command=php-cgi
socket=tcp://localhost:9000
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[rpcinterface:other]
supervisor.rpcinterface_factory = mine:make
[unknown_thing]
[supervisorctl]
serverurl=http://localhost:9001
"#,
    );
    let want = [
        // minprocs=200 and stdout_syslog=false are supervisord's defaults: they change nothing.
        format!("{FILE}:3:1: [supervisord] strip_ansi: not implemented yet"),
        format!(
            "{FILE}:6:1: [program:x] autostrat: unknown key, ignored as supervisord ignores it; did you mean 'autostart'?"
        ),
        format!("{FILE}:12:2: [fcgi-program:php]: FastCGI programs are not implemented yet"),
        format!("{FILE}:17:2: [rpcinterface:other]: RPC interface plugins are not supported"),
        format!("{FILE}:19:2: [unknown_thing]: unknown section, ignored as supervisord ignores it"),
        format!("{FILE}:21:11: [supervisorctl] serverurl: 'http://localhost:9001' is not used by taskmasterctl"),
    ];
    assert_eq!(all.len(), want.len(), "{all:#?}");
    for (got, want) in all.iter().zip(&want) {
        assert!(got.starts_with(want.as_str()), "\n  {got}\ndoes not start with\n  {want}");
    }
    let missing = warnings("[program:x]\ncommand=x\n");
    assert!(missing[0].contains("has no [supervisord] section"), "{missing:?}");
}

#[test]
fn servers_and_credentials_reach_the_model() {
    let config = parse(
        r#"
[supervisord]
[unix_http_server]
file=/run/sv.sock
chmod=0770
username=u
password={SHA}abc
[inet_http_server]
port=*:9001
username=admin
password=secret
[supervisorctl]
serverurl=unix:///run/sv.sock
prompt=mysv
"#,
    );
    assert_eq!(config.unix_server.file, Path::new("/run/sv.sock"));
    assert_eq!(config.unix_server.chmod, 0o770);
    assert_eq!(config.ctl.serverurl, Path::new("/run/sv.sock"));
    assert_eq!(config.ctl.prompt, "mysv");
    let inet = config.http.inet.as_ref().unwrap();
    assert_eq!((inet.host.as_str(), inet.port), ("", 9001));
    assert_eq!(inet.credentials.as_ref().unwrap().password, "secret");
    assert_eq!(config.http.unix_credentials.as_ref().unwrap().password, "{SHA}abc");
    let all = errors("[supervisord]\n[inet_http_server]\nport=9001\nusername=admin\n");
    assert!(all[0].starts_with(&format!("{FILE}:4:10: [inet_http_server] username: is set without password")));
}

#[test]
fn the_same_config_in_both_formats_is_the_same_model() {
    let ini = parse(
        r#"
[unix_http_server]
file=%(here)s/sv.sock
[supervisord]
logfile=%(here)s/sv.log
childlogdir=/tmp
environment=GLOBAL="1"
[program:web]
command=/bin/web --port %(process_num)d
process_name=web_%(process_num)d
numprocs=2
autorestart=true
exitcodes=0,3
stopsignal=QUIT
redirect_stderr=yes
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
[group:front]
programs=web
priority=10
"#,
    );
    let toml = crate::config::parse_str(
        r#"
[unix_server]
file = "%(here)s/sv.sock"
[taskmasterd]
logfile = "%(here)s/sv.log"
childlogdir = "/tmp"
environment = { GLOBAL = "1" }
[program.web]
command = "/bin/web --port %(process_num)d"
process_name = "web_%(process_num)d"
numprocs = 2
autorestart = true
exitcodes = [0, 3]
stopsignal = "QUIT"
redirect_stderr = true
stdout_logfile = "/dev/stdout"
stdout_logfile_maxbytes = 0
[group.front]
programs = ["web"]
priority = 10
"#,
        Path::new("/cfg/taskmaster.toml"),
    )
    .unwrap();
    let mut toml = toml;
    toml.source = ini.source.clone();
    toml.format = ConfigFormat::Ini;
    assert_eq!(ini, toml);
}

#[test]
fn includes_are_relative_to_the_including_file_with_globs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("conf.d")).unwrap();
    std::fs::write(dir.path().join("conf.d/b.conf"), "[program:b]\ncommand=b\ndirectory=%(here)s\n").unwrap();
    std::fs::write(dir.path().join("conf.d/a.conf"), "[program:a]\ncommand=a\n[include]\nfiles=x\n").unwrap();
    std::fs::write(dir.path().join("conf.d/skip.txt"), "[program:c]\ncommand=c\n").unwrap();
    let main = dir.path().join("supervisord.conf");
    std::fs::write(&main, "[supervisord]\n[include]\nfiles = conf.d/*.conf\n  missing/*.conf\n").unwrap();
    let config = crate::config::load(&main).unwrap();
    let names: Vec<_> = config.programs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(config.programs[1].processes[0].directory.as_deref(), Some(dir.path().join("conf.d").as_path()));
    let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.contains("no file matches 'missing/*.conf'")), "{warnings:#?}");
    assert!(
        warnings.iter().any(|w| w.contains("a.conf:3:2: [include]: an [include] in an included file is not followed"))
    );
}

#[test]
fn the_client_reads_only_its_sections() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("supervisord.conf");
    std::fs::write(
        &main,
        "[supervisord]\n[supervisorctl]\nserverurl=unix:///x/sv.sock\n[program:x]\nautostart=maybe\n",
    )
    .unwrap();
    assert!(crate::config::load(&main).is_err());
    let config = crate::config::load_client_settings(&main).unwrap();
    assert_eq!(config.ctl.serverurl, Path::new("/x/sv.sock"));
}

#[test]
fn convert_keeps_comments_and_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("supervisord.conf");
    let ini = "; top\n[supervisord]\n# about the log\nlogfile=%(here)s/x.log ; inline\n\n[program:my.app]\ncommand=/bin/sleep 1\n    2\nautostart=no\nstdout_syslog=true\n[eventlistener:e]\ncommand=x\nevents=TICK_5, process_state\n[fcgi-program:f]\ncommand=f\n; trailing\n";
    std::fs::write(&main, ini).unwrap();
    let toml = convert_to_toml(ini, &main).unwrap();
    assert!(toml.contains("# top\n[taskmasterd]\n# about the log\nlogfile = \"%(here)s/x.log\"  # inline\n"), "{toml}");
    assert!(toml.contains("[program.\"my.app\"]\ncommand = \"/bin/sleep 1\\n2\"\nautostart = false\n"), "{toml}");
    assert!(toml.contains("autostart = false\nstdout_syslog = true\n"), "{toml}");
    assert!(toml.contains("[eventlistener.e]\ncommand = \"x\"\nevents = [\"TICK_5\", \"process_state\"]\n"), "{toml}");
    assert!(toml.contains("# [fcgi-program:f]: not converted"), "{toml}");
    assert!(toml.contains("# trailing\n"), "{toml}");
    let converted = dir.path().join("converted.toml");
    std::fs::write(&converted, &toml).unwrap();
    let mut again = crate::config::load(&converted).unwrap();
    let original = crate::config::load(&main).unwrap();
    again.source = original.source.clone();
    again.format = original.format;
    again.warnings = original.warnings.clone();
    assert_eq!(original, again);
}

#[test]
fn the_daemon_environment_is_an_expansion_in_programs() {
    let config = parse("[supervisord]\nenvironment=APP_DIR=\"/srv/app\"\n[program:x]\ncommand=%(ENV_APP_DIR)s/run\n");
    assert_eq!(config.programs[0].processes[0].command, ["/srv/app/run"]);
}

#[test]
fn event_listener_pools_map_onto_the_model() {
    let config = parse(
        "[supervisord]\n[eventlistener:crash]\ncommand=crashmail -a\nevents=PROCESS_STATE_EXITED,tick_60\nbuffer_size=20\n",
    );
    assert!(config.programs.is_empty(), "a pool is not a program the daemon starts");
    let pool = &config.event_listeners[0];
    assert_eq!(pool.events, ["PROCESS_STATE_EXITED", "TICK_60"]);
    assert_eq!((pool.buffer_size, pool.pool.priority), (20, -1));
    assert_eq!(pool.pool.processes[0].command, ["crashmail", "-a"]);
    assert_eq!(pool.result_handler, "supervisor.dispatchers:default_handler");
    assert!(!config.warnings.iter().any(|w| w.to_string().contains("eventlistener")), "{:?}", config.warnings);
    let config =
        parse("[supervisord]\n[program:x]\ncommand=x\nstdout_events_enabled=true\nstderr_capture_maxbytes=1KB\n");
    let events = config.programs[0].processes[0].output_events;
    assert!(events.stdout_events_enabled && !events.stderr_events_enabled);
    assert_eq!(events.stderr_capture_maxbytes, 1024);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    let all = errors("[supervisord]\n[eventlistener:l]\ncommand=x\nevents=TICK_6\nredirect_stderr=true\n");
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with(&format!("{FILE}:4:8: [eventlistener:l] events: unknown event type 'TICK_6'; did you mean"))
    );
    assert!(all[1].starts_with(&format!("{FILE}:5:17: [eventlistener:l] redirect_stderr: cannot be true")));
}
