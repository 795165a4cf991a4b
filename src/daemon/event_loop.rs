//! The event loop: the one place the daemon waits, and the order in which it acts.
//!
//! One `poll` waits on every source at once, in one key space: the signal pipe and the
//! listener have fixed keys, and every client, child output pipe and child stdin pipe gets the
//! next key from [`Supervisor::allocate_key`]. The timeout is the next deadline of the timer
//! queue; nothing ticks. Each wake-up drains the signal pipe first (reaping every exited child
//! on SIGCHLD, so an exit is known before a request about that process is served), then hands
//! each ready source to its owner, then fires the due timers, settles the client jobs, and
//! delivers what the supervisor owes its clients. What to do about any of it is decided
//! elsewhere (see `supervisor`); this file only moves events to the code that owns them.

use std::io::ErrorKind;
use std::time::Instant;

use log::{info, warn};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use polling::{Event, Events};

use super::process_state::Input;
use super::supervisor::{Mode, Supervisor, TimerEvent};
use crate::config::Signal;
use crate::protocol::ExitStatus;

/// The poller key of the signal pipe.
pub const SIGNAL_KEY: usize = 0;
/// The poller key of the control socket's listener.
pub const LISTENER_KEY: usize = 1;
/// The first key [`Supervisor::allocate_key`] hands out.
pub const FIRST_DYNAMIC_KEY: usize = 2;

impl Supervisor {
    /// Runs until shutdown completes.
    pub fn run(&mut self) -> anyhow::Result<()> {
        let mut events = Events::new();
        loop {
            match self.mode {
                Mode::Serving => {}
                Mode::ShuttingDown => {
                    if self.stop_all_in_priority_order() {
                        break;
                    }
                }
                Mode::Reloading { .. } => {
                    if self.stop_all_in_priority_order() {
                        self.finish_reload();
                        self.deliver();
                    }
                }
            }
            let timeout = self.timers.next_deadline().map(|at| at.saturating_duration_since(Instant::now()));
            events.clear();
            match self.poller.wait(&mut events, timeout) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
            self.stats.wakeups += 1;
            let keys: Vec<(usize, bool, bool)> = events.iter().map(|e| (e.key, e.readable, e.writable)).collect();
            if keys.iter().any(|(key, _, _)| *key == SIGNAL_KEY) {
                self.handle_signals()?;
                self.deliver();
            }
            for (key, readable, writable) in keys {
                match key {
                    SIGNAL_KEY => {}
                    LISTENER_KEY => self.accept_clients()?,
                    key if self.outputs.contains_key(&key) => self.read_output(key),
                    key if self.stdin_keys.contains_key(&key) => self.write_stdin(self.stdin_keys[&key]),
                    key if self.http.owns(key) => self.http_event(key, readable, writable),
                    key if self.monitors.owns_key(key) => self.monitor_socket_ready(key),
                    key => self.serve_client(key, readable, writable),
                }
                self.deliver();
            }
            for timer in self.timers.pop_due(Instant::now()) {
                match timer {
                    TimerEvent::Process(id, timer) => {
                        if let Some(p) = self.processes.get_mut(&id) {
                            p.timer = None;
                        }
                        self.feed(id, Input::Timer(timer));
                    }
                    TimerEvent::JobDeadline(job) => self.expire_job(job),
                    TimerEvent::RetryLog(id, channel) => self.retry_log(id, channel),
                    TimerEvent::ListenAgain => self.poller.modify(&self.listener, Event::readable(LISTENER_KEY))?,
                    TimerEvent::HttpIdle(key) => self.http_idle(key),
                    TimerEvent::Monitor(id, pid, timer) => self.monitor_timer(id, pid, timer),
                    TimerEvent::Tick => self.tick(),
                    // Only a wake-up: the stop above looks at the listeners again.
                    TimerEvent::ListenerGrace => {}
                }
            }
            if self.monitors.has_pending_starts() {
                self.release_pending_starts();
            }
            self.settle_jobs();
            self.host_pass();
            self.feed_main_log_followers();
            self.deliver();
        }
        self.drain_all_outputs();
        info!("exiting");
        Ok(())
    }

    fn handle_signals(&mut self) -> anyhow::Result<()> {
        for signal in self.signals.drain() {
            match signal {
                libc::SIGCHLD => self.reap(),
                libc::SIGTERM | libc::SIGINT | libc::SIGQUIT => {
                    let name = Signal(nix::sys::signal::Signal::try_from(signal)?);
                    warn!("received {name} indicating exit request");
                    self.begin_shutdown();
                }
                libc::SIGHUP => self.sighup(),
                libc::SIGUSR2 => {
                    self.reopen_logs();
                    info!("received SIGUSR2 indicating log reopen request; log files reopened");
                }
                _ => {}
            }
        }
        self.poller.modify(self.signals.reader(), Event::readable(SIGNAL_KEY))?;
        Ok(())
    }

    /// Reaps every exited child, until none is left.
    fn reap(&mut self) {
        loop {
            let (pid, status) = match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) => (pid, ExitStatus::Code(code)),
                Ok(WaitStatus::Signaled(pid, signal, _)) => (pid, ExitStatus::Signal(signal as i32)),
                Ok(WaitStatus::StillAlive) => break,
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => break,
            };
            self.child_exited(pid.as_raw() as u32, status);
        }
    }

    /// Hands what the supervisor owes its clients to the front-end that owns each connection.
    /// (The JSON-lines control socket's and the HTTP front-end's; another front-end adds its
    /// own branch here, keyed by its own connections.)
    pub fn deliver(&mut self) {
        while let Some((client, outgoing)) = self.outbox.pop_front() {
            if self.clients.contains_key(&client.0) {
                self.deliver_to_socket_client(client.0, outgoing);
            } else if self.http.has_connection(client.0) {
                self.deliver_to_http(client.0, outgoing);
            }
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.drop_all_monitors();
        let _ = self.poller.delete(self.signals.reader());
        let _ = self.poller.delete(&self.listener);
        for client in self.clients.values() {
            let _ = self.poller.delete(&client.connection.stream);
        }
        for pipe in self.outputs.values() {
            let _ = self.poller.delete(&pipe.file);
        }
        for socket in self.http.sockets() {
            let _ = self.poller.delete(socket);
        }
        for stdin in self.processes.values().filter_map(|p| p.stdin.as_ref()) {
            if stdin.key.is_some() {
                let _ = self.poller.delete(&stdin.file);
            }
        }
    }
}
