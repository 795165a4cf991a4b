//! `taskmasterd`: the supervisor daemon.
//!
//! [`run`] prepares the daemon's life in an order that keeps errors visible: load the config,
//! drop privileges, lock the pidfile and bind the socket while still attached to the terminal,
//! then daemonize, start the activity log, start the autostart programs, and hand over to the
//! event loop ([`event_loop::Supervisor`]), which owns everything from then on.

mod child_output;
mod event_loop;
mod lifecycle;
pub mod process_state;
mod server;
mod signals;
mod spawn;
pub mod timers;

use anyhow::Context;

use crate::cli::DaemonArgs;
use crate::config;

pub fn run(args: &DaemonArgs) -> anyhow::Result<()> {
    let config = config::find_and_load(args.configuration.as_deref())?;
    let daemon = &config.daemon;
    let foreground = args.nodaemon || daemon.nodaemon;
    let silent = args.silent || daemon.silent;

    if let Some(user) = &daemon.user {
        lifecycle::switch_user(user)?;
    }
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(daemon.umask as nix::libc::mode_t));
    lifecycle::ensure_min_fds(daemon.minfds)?;
    lifecycle::mark_inherited_fds_cloexec();
    lifecycle::reset_signal_dispositions();
    lifecycle::clear_signal_mask();
    lifecycle::survive_file_size_limit()?;
    if daemon.childlogdir == config::default_childlogdir(daemon.user.as_deref()) {
        lifecycle::ensure_private_dir(&daemon.childlogdir)?;
    }

    let mut pidfile = lifecycle::PidFile::lock(&daemon.pidfile)?;
    let listener = server::bind(&config.unix_server)?;
    let socket_path = config.unix_server.file.clone();

    let mut report = Some(if foreground {
        lifecycle::StartupReport::foreground()
    } else {
        match lifecycle::daemonize(daemon.directory.as_deref()) {
            Ok(report) => report,
            Err(e) => {
                server::unlink(&socket_path);
                return Err(e);
            }
        }
    });

    let outcome = (|| -> anyhow::Result<()> {
        pidfile.write_pid().context("can't write the pidfile")?;
        let (logger, activity_file) = lifecycle::start_logging(daemon, foreground && !silent)?;
        log::info!(
            "taskmasterd {} started with pid {} (config {}, socket {})",
            env!("CARGO_PKG_VERSION"),
            std::process::id(),
            config.source.display(),
            socket_path.display()
        );
        let mut supervisor = event_loop::Supervisor::new(config.clone(), listener, activity_file, Some(logger))?;
        supervisor.autostart();
        if let Some(report) = report.take() {
            report.ready();
        }
        supervisor.run()
    })();
    // Clean up before telling the launcher, so that when it returns nothing is left behind.
    server::unlink(&socket_path);
    pidfile.remove();
    if let (Err(e), Some(report)) = (&outcome, report) {
        report.failed(&format!("{e:#}"));
    }
    outcome
}
