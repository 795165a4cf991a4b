//! The integration tests: the real binary, real processes, the real socket. One test binary
//! (this one) so the harness is compiled once; each module covers one area.

mod browser;
mod harness;
mod reference;

mod cli;
mod client_edges;
mod clients;
mod completion;
mod config_checks;
mod daemon_life;
mod events;
mod faults;
mod faults_runtime;
mod follow;
mod health;
mod host;
mod http_front;
mod lifecycle;
mod output;
mod process_settings;
mod reload;
mod shell;
mod superlance;
mod supervisorctl_compat;
mod supervisord_compat;
mod taskmasterctl_compat;
mod web;
mod xmlrpc_reference;
