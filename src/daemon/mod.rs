//! `taskmasterd`: the supervisor daemon.
//!
//! [`run`] prepares the daemon's life in an order that keeps errors visible: load the config,
//! drop privileges, lock the pidfile and bind the socket while still attached to the terminal,
//! then daemonize, start the activity log, stop what a predecessor killed with SIGKILL left
//! running (`orphans`), start the autostart programs, and hand over to the
//! event loop, whose `Supervisor` owns everything from then on.
//!
//! # Layout
//! - The hub: `event_loop` (the loop only: one key space, the next deadline, signals, reaping,
//!   dispatch, delivery) drives `supervisor` (all state, and the operations every caller
//!   shares: feeding a process's state machine, settling jobs, resolving names).
//! - Pure policy, no I/O, table-tested: `process_state` (a process's moves, with the wanted
//!   state), `jobs` (start/stop/restart/wait orchestration), `names` (NAME, GROUP:NAME,
//!   GROUP:*, all, globs), `timers` (the deadline queue).
//! - Requests: `requests` maps a typed request to supervisor operations and a typed reply,
//!   knowing no transport (its opener documents the interface for front-ends), and logs the
//!   state-changing ones with their sender (`requests::audit`, the `peer::Peer` a
//!   front-end captured at accept); `control_socket` is the JSON-lines front-end, `server`
//!   its socket and bounded buffers; `http_front` is the HTTP front-end (supervisord's
//!   XML-RPC API and log streams, on the same unix socket and on TCP) over the
//!   transport-free codecs `http` and `xmlrpc`; `web` is what it also serves there: the
//!   dashboard page, the JSON API, its event stream and `/metrics` (from the counters of
//!   `stats`).
//! - Children and their bytes: `spawn` (fork/exec with each setting), `streams` (output pipes,
//!   followers, stdin for `fg`), `log_files` (log files and rotation), `log_retry` (failing
//!   logs, each reported once and retried on its own back-off), `signals` (the signal
//!   self-pipe).
//! - `events`: supervisord's events, its event listener protocol and pools, and the native
//!   event stream (`taskmasterctl events`).
//! - The daemon's own life: `startup` (privileges, limits, pidfile, daemonize), `orphans`
//!   (the record of children beside the pidfile, and stopping what a crashed predecessor left),
//!   `activity_log` (its log, and `maintail -f`), and `user_switch` (the one user-switch
//!   routine, shared with `spawn`).

mod activity_log;
mod catch_up;
mod control_socket;
mod dependencies;
mod event_loop;
pub mod events;
pub mod health;
mod host;
pub mod http;
mod http_front;
mod jobs;
mod log_files;
mod log_retry;
mod monitor;
mod names;
mod notify;
mod ordered_stop;
mod orphans;
mod peer;
mod probes;
pub mod process_state;
mod requests;
mod sd_notify;
mod server;
mod signals;
mod spawn;
mod startup;
mod stats;
mod streams;
mod supervisor;
mod syslog;
pub mod timers;
mod user_switch;
mod web;
pub mod xmlrpc;

use anyhow::Context;

use crate::cli::DaemonArgs;
use crate::config;

/// Runs the daemon until it shuts down; returns its exit code (0, or what the exit policy of
/// `[taskmasterd]` chose).
pub fn run(args: &DaemonArgs) -> anyhow::Result<u8> {
    // Taken before anything else: it leaves the environment while one thread exists.
    let notifier = sd_notify::Notifier::from_env();
    for warning in args.unsupported().map_err(anyhow::Error::msg)? {
        eprintln!("taskmasterd: warning: {warning}");
    }
    // supervisord's command-line settings hold for every later read of the file too.
    config::overrides::install(args.overrides());
    let mut config = config::find_and_load(args.configuration.as_deref())?;
    config::overrides::apply_installed(&mut config.daemon);
    let daemon = &config.daemon;
    let foreground = args.nodaemon || daemon.nodaemon;
    let silent = args.silent || daemon.silent;

    if let Some(user) = &daemon.user {
        startup::switch_user(user)?;
    }
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(daemon.umask as nix::libc::mode_t));
    startup::ensure_min_fds(daemon.minfds)?;
    startup::mark_inherited_fds_cloexec();
    startup::reset_signal_dispositions();
    startup::clear_signal_mask();
    startup::survive_file_size_limit()?;
    if daemon.childlogdir == config::default_childlogdir(daemon.user.as_deref()) {
        startup::ensure_private_dir(&daemon.childlogdir)?;
    }
    host::become_subreaper();

    let mut pidfile = startup::PidFile::lock(&daemon.pidfile)?;
    // From here the pidfile is ours: a start that fails removes it, so no empty one is left.
    let listener = match server::bind(&config.unix_server) {
        Ok(listener) => listener,
        Err(e) => {
            pidfile.remove();
            return Err(e);
        }
    };
    let inet = match http_front::bind_inet(&config.http) {
        Ok(inet) => inet,
        Err(e) => {
            server::unlink(&config.unix_server.file);
            pidfile.remove();
            return Err(e);
        }
    };
    let socket_path = config.unix_server.file.clone();

    let mut report = Some(if foreground {
        startup::StartupReport::foreground()
    } else {
        match startup::daemonize(daemon.directory.as_deref()) {
            Ok(report) => report,
            Err(e) => {
                server::unlink(&socket_path);
                pidfile.remove();
                return Err(e);
            }
        }
    });

    let outcome = (|| -> anyhow::Result<u8> {
        pidfile.write_pid().context("can't write the pidfile")?;
        let (logger, activity_file) = activity_log::start_logging(daemon, foreground && !silent)?;
        for warning in &config.warnings {
            log::warn!("config: {warning}");
        }
        log::info!(
            "taskmasterd {} started with pid {} (config {}, socket {})",
            env!("CARGO_PKG_VERSION"),
            std::process::id(),
            config.source.display(),
            socket_path.display()
        );
        // What a predecessor killed with SIGKILL left running is stopped before ours start.
        let children_record = orphans::record_path(&daemon.pidfile);
        orphans::recover(&children_record);
        host::remove_auto_logs(&config);
        let mut supervisor = supervisor::Supervisor::new(
            config.clone(),
            listener,
            signals::SignalPipe::install()?,
            activity_file,
            Some(logger),
        )?;
        supervisor.serve_http(&config, inet)?;
        supervisor.children = Some(orphans::ChildRecord::create(children_record));
        supervisor.host.notifier = notifier;
        supervisor.autostart();
        if let Some(report) = report.take() {
            report.ready();
        }
        supervisor.notify_ready();
        supervisor.run()?;
        host::stop_adopted_orphans();
        if let Some(record) = supervisor.children.take() {
            record.remove();
        }
        Ok(supervisor.host.exit_code.unwrap_or(0))
    })();
    // Clean up before telling the launcher, so that when it returns nothing is left behind.
    server::unlink(&socket_path);
    pidfile.remove();
    if let (Err(e), Some(report)) = (&outcome, report) {
        report.failed(&format!("{e:#}"));
    }
    outcome
}
