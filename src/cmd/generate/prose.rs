//! The man pages' prose that no grammar or key table holds: what the daemon guarantees, how it
//! recovers, its HTTP side and API, its environment, and the event types with their payloads.

use super::*;

pub(super) fn environment_section() -> Roff {
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
pub(super) fn http_section() -> Roff {
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

/// The web side of the HTTP listeners (`daemon::web`): the dashboard, the JSON API, metrics.
pub(super) fn http_api_section() -> Roff {
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
pub(super) fn guarantees_sections() -> Roff {
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

/// What the daemon promises after a crash, about crash loops, and about who did what.
pub(super) fn recovery_sections() -> Roff {
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

/// supervisord's event types with their payloads, as `daemon::events` writes them.
pub(super) const EVENT_PAYLOADS: &[(&str, &str)] = &[
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
pub(super) fn events_section(roff: &mut Roff) {
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
