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
//! - [`protocol`]: the typed messages daemon and client exchange, one JSON object per line. Wire
//!   types only: no clap (the CLI maps its own value enums onto them), no I/O.
//! - [`daemon`]: the supervisor. One single-threaded event loop (`daemon::event_loop`, the loop
//!   and nothing else) waits on every source with the next deadline as its timeout, never on a
//!   tick, and drives one `Supervisor` that owns all state. Policy is pure and table-tested:
//!   a process's moves (`daemon::process_state`, with an explicit wanted state), client jobs
//!   (`daemon::jobs`), name resolution (`daemon::names`), deadlines (`daemon::timers`), and the
//!   reload plan (`config::diff`). Requests go through a transport-free layer
//!   (`daemon::requests`: typed request -> operations -> typed reply) that every front-end
//!   shares: the JSON-lines socket (`daemon::control_socket`), and supervisord's HTTP API
//!   (`daemon::http_front`: XML-RPC and log streams on the same unix socket and on TCP, over
//!   the transport-free codecs `daemon::http` and `daemon::xmlrpc`) with, beside it,
//!   `daemon::web`: a dashboard page, a JSON API and Prometheus metrics.
//!   Child output, followers and `fg` stdin are `daemon::streams`; log files and rotation
//!   `daemon::log_files`, failing ones `daemon::log_retry`; start-up `daemon::startup`, and
//!   the children a crashed predecessor left `daemon::orphans`; the daemon's own log
//!   `daemon::activity_log`; supervisord's events, its listener protocol and pools, and the
//!   native event stream `daemon::events`.
//! - [`client`]: `taskmasterctl`: turns an action into a request over its connection
//!   (`client::Connection`, which waits through `client::waiting`, home of the shell's Ctrl-C),
//!   renders the response (`client::render`, pure); `client::shell` is the interactive shell on
//!   the same grammar.
//! - [`cmd`]: the entry points the binary dispatches to, and the generators of completions and
//!   man pages.

pub mod cli;
pub mod client;
pub mod cmd;
pub mod config;
pub mod daemon;
pub mod protocol;
