//! taskmaster: a process supervisor for Unix, in the supervisord model.
//!
//! # Map
//! - [`cli`]: the clap grammar of every command line; the single source for `--help`, the shell's
//!   parser, completions and man pages.
//! - [`config`]: shared by daemon and client. Finds the config file, reads it (our TOML, or
//!   supervisord's INI as it is: `config::ini`, which maps it onto the same sections), checks it
//!   against the key table (`config::keys`, which also generates the config man page) and builds
//!   the model, each program expanded into its processes. `taskmaster convert` prints an INI
//!   file as TOML.
//! - [`protocol`]: the typed messages daemon and client exchange, one JSON object per line.
//! - [`daemon`]: the supervisor. One single-threaded event loop owns all state and does all I/O;
//!   the process lifecycle is a pure transition function (`daemon::process_state`) whose effects
//!   the loop carries out; deadlines live in a pure queue (`daemon::timers`), so the loop sleeps
//!   until the next one or the next event, never on a tick. Child output, log files and their
//!   followers live in `daemon::child_output` and the loop's `output` part; live
//!   reconfiguration in its `reload` part, planned by the pure `config::diff`.
//! - [`client`]: `taskmasterctl`: turns an action into a request, renders the response
//!   (`client::render`, pure); `client::shell` is the interactive shell on the same grammar.
//! - [`cmd`]: the entry points the binary dispatches to, and the generators of completions and
//!   man pages.

pub mod cli;
pub mod client;
pub mod cmd;
pub mod config;
pub mod daemon;
pub mod protocol;
