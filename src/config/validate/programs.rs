//! A program section into its model: every program key read and checked, the processes it
//! expands into (numprocs, process_name), its health checks, readiness and dependencies; and
//! the checks across programs (process names unique, the dependency graph sound).

use super::*;

pub(super) fn build_program(
    r: &mut SectionReader<'_>,
    daemon: &DaemonConfig,
    group: Option<&GroupMembership>,
) -> ProgramConfig {
    check_name(r, "program");
    // %(here)s and relative paths refer to the file the section is written in, which may be an
    // included one.
    let here = r.file.dir();
    let program = r.section.name.clone();
    let group_name = group.map_or_else(|| program.clone(), |g| g.group.clone());

    let command = r.get("command", as_string);
    let numprocs = r.int("numprocs");
    let numprocs_start = r.int("numprocs_start");
    let mut process_name = r.get("process_name", as_string);
    let own_priority = r.is_set("priority").then(|| r.int("priority"));
    let priority = match own_priority.or(group.and_then(|g| g.priority)) {
        Some(p) => p,
        None => r.int("priority"),
    };
    let autostart = r.value("autostart", as_bool);
    let startsecs = r.int("startsecs") as u64;
    let startretries = r.int("startretries") as u32;
    let autorestart = r.value("autorestart", as_autorestart);
    let exitcodes = r.value("exitcodes", as_exitcodes);
    let stopsignal = r.value("stopsignal", as_signal);
    let stopwaitsecs = r.int("stopwaitsecs") as u64;
    let stopasgroup = r.value("stopasgroup", as_bool);
    let mut killasgroup = r.value("killasgroup", as_bool);
    if stopasgroup && !killasgroup {
        if r.is_set("killasgroup") {
            let offset = r.value_offset("killasgroup");
            let msg = "cannot be false when stopasgroup is true (a group asked to stop must be killable as a group)";
            r.error_at(offset, "killasgroup", msg.to_string());
        }
        killasgroup = true;
    }
    let user = r.get("user", as_user);
    let redirect_stderr = r.value("redirect_stderr", as_bool);
    let stdout_logfile = r.value("stdout_logfile", as_string);
    let stdout_maxbytes = r.value("stdout_logfile_maxbytes", as_size);
    let stdout_backups = r.int("stdout_logfile_backups") as u32;
    let stderr_logfile = r.value("stderr_logfile", as_string);
    let stderr_maxbytes = r.value("stderr_logfile_maxbytes", as_size);
    let stderr_backups = r.int("stderr_logfile_backups") as u32;
    let stdout_timestamps = r.value("stdout_log_timestamps", as_bool);
    let stdout_syslog = r.value("stdout_syslog", as_bool);
    let stderr_syslog = r.value("stderr_syslog", as_bool);
    let stderr_timestamps = r.value("stderr_log_timestamps", as_bool);
    let log_lifecycle = r.value("log_lifecycle", as_bool);
    let output_events = OutputEvents {
        stdout_events_enabled: r.value("stdout_events_enabled", as_bool),
        stderr_events_enabled: r.value("stderr_events_enabled", as_bool),
        stdout_capture_maxbytes: r.value("stdout_capture_maxbytes", as_size),
        stderr_capture_maxbytes: r.value("stderr_capture_maxbytes", as_size),
    };
    let environment = r.get("environment", as_environment).unwrap_or_default();
    let directory = r.get("directory", as_string);
    let umask = r.get("umask", as_octal);
    let health = read_health(r);

    if numprocs > 1
        && let Some(template) = &process_name
        && !values::mentions(template, "process_num")
    {
        let offset = r.value_offset("process_name");
        let msg = format!("must contain %(process_num) when numprocs is {numprocs} (else the names collide)");
        r.error_at(offset, "process_name", msg);
        // Go on with the default names, so the collision is not reported again.
        process_name = None;
    }
    let process_name = process_name.unwrap_or_else(|| {
        if numprocs > 1 { "%(program_name)s_%(process_num)d".to_string() } else { "%(program_name)s".to_string() }
    });

    let mut processes = Vec::new();
    for process_num in numprocs_start..numprocs_start + numprocs {
        let lookup = |name: &str| match name {
            "program_name" => Some(ExpansionValue::Str(program.clone())),
            "group_name" => Some(ExpansionValue::Str(group_name.clone())),
            "process_num" => Some(ExpansionValue::Int(process_num)),
            "numprocs" => Some(ExpansionValue::Int(numprocs)),
            // As in supervisord, the daemon's own environment key is an ENV_ name too, and
            // takes precedence over the daemon's inherited environment.
            _ => name
                .strip_prefix("ENV_")
                .and_then(|var| daemon.environment.iter().find(|(k, _)| k == var))
                .map(|(_, v)| ExpansionValue::Str(v.clone()))
                .or_else(|| common_lookup(&here, name)),
        };
        let expand = |r: &mut SectionReader<'_>, key: &str, raw: &str| match values::expand(raw, &lookup) {
            Ok(v) => Some(v),
            Err(m) => {
                let offset = r.value_offset(key);
                r.error_at(offset, key, m);
                None
            }
        };
        let name = expand(r, "process_name", &process_name);
        let argv = command.as_deref().and_then(|c| expand(r, "command", c)).and_then(|c| {
            let offset = r.value_offset("command");
            match shlex::split(&c) {
                None => {
                    r.error_at(offset, "command", format!("unbalanced quotes in '{c}'"));
                    None
                }
                Some(argv) if argv.is_empty() => {
                    r.error_at(offset, "command", "is empty".to_string());
                    None
                }
                Some(argv) => Some(argv),
            }
        });
        let auto_name = name.as_deref().unwrap_or(&program);
        let log = |r: &mut SectionReader<'_>,
                   key: &str,
                   raw: &str,
                   channel: &str,
                   (maxbytes, backups, timestamps, syslog)| {
            let destination = if raw.eq_ignore_ascii_case("NONE") {
                LogDestination::None
            } else if raw.eq_ignore_ascii_case("AUTO") {
                LogDestination::File(daemon.childlogdir.join(format!("{auto_name}-{channel}.log")))
            } else {
                LogDestination::File(resolve_path(&here, &expand(r, key, raw).unwrap_or_default()))
            };
            let auto = raw.eq_ignore_ascii_case("AUTO");
            LogConfig { destination, maxbytes, backups, timestamps, auto, syslog }
        };
        let stdout_settings = (stdout_maxbytes, stdout_backups, stdout_timestamps, stdout_syslog);
        let stdout = log(r, "stdout_logfile", &stdout_logfile, "stdout", stdout_settings);
        let stderr = if redirect_stderr {
            LogConfig::none()
        } else {
            let settings = (stderr_maxbytes, stderr_backups, stderr_timestamps, stderr_syslog);
            log(r, "stderr_logfile", &stderr_logfile, "stderr", settings)
        };
        let environment: Vec<(String, String)> =
            environment.iter().map(|(k, v)| (k.clone(), expand(r, "environment", v).unwrap_or_default())).collect();
        let directory =
            directory.as_deref().map(|d| resolve_path(&here, &expand(r, "directory", d).unwrap_or_default()));
        // A process whose name or command failed is left out; its errors are already reported.
        let (Some(name), Some(command)) = (name, argv) else { continue };
        processes.push(ProcessConfig {
            name,
            program: program.clone(),
            group: group_name.clone(),
            process_num: process_num as u32,
            command,
            priority,
            autostart,
            startsecs,
            startretries,
            autorestart,
            exitcodes: exitcodes.clone(),
            stopsignal,
            stopwaitsecs,
            stopasgroup,
            killasgroup,
            user: user.clone(),
            redirect_stderr,
            stdout,
            stderr,
            environment,
            directory,
            umask,
            log_lifecycle,
            health: health.clone(),
            output_events,
        });
    }
    ProgramConfig { name: program, group: group_name, priority, processes }
}

/// Process names must be unique across the config (they address processes on the command line).
/// Two processes writing one log file get a warning: supervisord allows it and configs in the
/// wild rely on it (the queue workers of many a framework's guide share one log file), and the
/// files are opened for appending, so lines interleave but are not lost.
pub(super) fn check_process_names(
    programs: &[(ProgramConfig, &RawSection<'_>)],
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) {
    let mut names: HashMap<&str, &str> = HashMap::new();
    // Each log file's writer: the process's index in the config, and its name.
    let mut logs: HashMap<&Path, (usize, &str)> = HashMap::new();
    let all = programs.iter().flat_map(|(program, section)| program.processes.iter().map(move |p| (p, *section)));
    for (index, (process, section)) in all.enumerate() {
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        // Without process_name, the name is the program's own, whose NAME is already checked.
        if r.is_set("process_name") && (process.name.is_empty() || process.name.contains([':', '/', ' '])) {
            let offset = r.value_offset("process_name");
            r.error_at(offset, "process_name", format!("'{}' is not a valid process name", process.name));
            continue;
        }
        if r.is_set("process_name") && process.name == RESERVED_NAME {
            let offset = r.value_offset("process_name");
            r.error_at(offset, "process_name", reserved_name_message("process"));
            continue;
        }
        let duplicate = names.get(process.name.as_str()).copied();
        if let Some(other) = duplicate {
            let offset = r.value_offset("process_name");
            let msg = format!("duplicate process name '{}' (also in program '{other}')", process.name);
            r.error_at(offset, "process_name", msg);
        } else {
            names.insert(&process.name, &process.program);
        }
        for (key, log) in [("stdout_logfile", &process.stdout), ("stderr_logfile", &process.stderr)] {
            let LogDestination::File(path) = &log.destination else { continue };
            if is_special_file(path) {
                continue;
            }
            // An AUTO log is named after its process: a duplicate name's collides, and saying so
            // again would add nothing.
            let auto =
                r.entry(key).is_none_or(|v| v.get_ref().as_str().is_some_and(|s| s.eq_ignore_ascii_case("AUTO")));
            if duplicate.is_some() && auto {
                continue;
            }
            match logs.get(path.as_path()) {
                Some(&(writer, other)) if writer != index => {
                    let offset = r.value_offset(key);
                    let msg = format!(
                        "{} is also the log of process '{other}': their lines interleave, and each rotates it on its own",
                        path.display()
                    );
                    r.warn_at(offset, key, msg);
                }
                Some(_) => {
                    let offset = r.value_offset(key);
                    let msg = format!(
                        "{} is both the stdout and stderr log; redirect_stderr does this with one writer",
                        path.display()
                    );
                    r.warn_at(offset, key, msg);
                }
                None => {
                    logs.insert(path, (index, &process.name));
                }
            }
        }
    }
}

/// The health check, readiness, watchdog and dependencies of a program (`config::checks`); the
/// graph they make is checked once every program is read.
pub(super) fn read_health(r: &mut SectionReader<'_>) -> HealthConfig {
    let mut health = HealthConfig::default();
    let report = |r: &mut SectionReader<'_>, key: &str, p: checks::Problem| {
        let key = if p.sub_key.is_empty() { key.to_string() } else { format!("{key}.{}", p.sub_key) };
        r.error_at(p.offset, &key, p.message);
    };
    if let Some(value) = r.entry("healthcheck").cloned() {
        match checks::read_healthcheck(&value) {
            Ok(check) => health.check = Some(check),
            Err(problems) => problems.into_iter().for_each(|p| report(r, "healthcheck", p)),
        }
    }
    if let Some(value) = r.entry("readiness").cloned() {
        match checks::read_readiness(&value) {
            Ok(readiness) => health.readiness = readiness,
            Err(p) => report(r, "readiness", p),
        }
    }
    if health.readiness == Readiness::HealthCheck && !r.is_set("healthcheck") {
        let offset = r.value_offset("readiness");
        r.error_at(offset, "readiness", "is healthcheck, but the program has no [healthcheck]".to_string());
    }
    let watchdog = r.int("watchdog") as u64;
    if watchdog > 0 {
        if health.readiness == Readiness::Notify {
            health.watchdog = Some(std::time::Duration::from_secs(watchdog));
        } else {
            let offset = r.value_offset("watchdog");
            r.error_at(
                offset,
                "watchdog",
                "needs readiness = \"notify\" (the pings come on NOTIFY_SOCKET)".to_string(),
            );
        }
    }
    if let Some(value) = r.entry("depends_on").cloned() {
        match checks::read_depends_on(&value) {
            Ok(deps) => health.depends_on = deps.into_iter().map(|d| d.dependency).collect(),
            Err(problems) => problems.into_iter().for_each(|p| report(r, "depends_on", p)),
        }
    }
    health
}

/// Unknown names, self-dependencies and cycles in depends_on, each at the place it is written
/// (a cycle at each of its edges).
pub(super) fn check_dependency_graph(
    programs: &[(ProgramConfig, &RawSection<'_>)],
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) {
    // The dependencies are read again with their places (the model keeps none); their own
    // errors were reported with the program.
    let written: Vec<Vec<checks::WrittenDependency>> = programs
        .iter()
        .map(|(_, section)| {
            let value = section.entries.iter().find(|(k, _)| k.get_ref() == "depends_on").map(|(_, v)| v);
            value.and_then(|v| checks::read_depends_on(v).ok()).unwrap_or_default()
        })
        .collect();
    let nodes: Vec<checks::GraphNode<'_>> = programs
        .iter()
        .zip(&written)
        .map(|((program, _), deps)| checks::GraphNode {
            program: &program.name,
            depends_on: deps,
            has_check: program.processes.iter().any(|p| p.health.check.is_some()),
        })
        .collect();
    for problem in checks::graph_problems(&nodes) {
        let Some((_, section)) = programs.iter().find(|(p, _)| p.name == problem.program) else { continue };
        let mut r = SectionReader { section, file: &files[section.file], diagnostics };
        r.error_at(problem.offset, "depends_on", problem.message);
    }
}
