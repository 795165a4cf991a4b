//! The entry points the binary dispatches to: the daemon, the control client, `check`,
//! `convert`; and, in test builds only, the generator of the committed completions and man
//! pages (`generate`), so the shipped binary carries neither clap_complete nor clap_mangen.

pub mod check;
mod check_paths;
pub mod convert;
#[cfg(test)]
pub mod generate;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{self, Cli, CtlArgs, DaemonArgs, MainCommand, Personality};

/// Parses `args` with the grammar `args[0]` selects and runs the command.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let argv0 = args.first().map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
    // The completion scripts' callback, before any grammar: `NAME __complete ...`.
    if args.get(1).is_some_and(|a| a == crate::client::complete::ENTRY) {
        let rest: Vec<String> = args[2..].iter().map(|a| a.to_string_lossy().into_owned()).collect();
        return ExitCode::from(crate::client::complete::run(&rest));
    }
    match cli::personality_from_argv0(&argv0) {
        Personality::Daemon => run_daemon(DaemonArgs::parse_from(args)),
        Personality::Ctl => run_ctl(parse_ctl(args)),
        Personality::Main => {
            // `taskmaster ctl tail -1600 x` needs the same rewrite as `taskmasterctl tail -1600 x`.
            let is_ctl = args.get(1).is_some_and(|a| a == "ctl");
            if is_ctl {
                let mut rest = args;
                let program = rest.remove(0);
                rest[0] = OsString::from(format!("{} ctl", program.to_string_lossy()));
                return run_ctl(parse_ctl(rest));
            }
            match Cli::parse_from(args).command {
                MainCommand::Daemon(args) => run_daemon(args),
                MainCommand::Ctl(args) => run_ctl(args),
                MainCommand::Check(args) => check::run(&args),
                MainCommand::Convert(args) => convert::run(&args),
            }
        }
    }
}

fn parse_ctl(args: Vec<OsString>) -> CtlArgs {
    let mut words: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    cli::rewrite_numeric_tail_flag(&mut words);
    CtlArgs::parse_from(words)
}

fn run_daemon(args: DaemonArgs) -> ExitCode {
    match crate::daemon::run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("taskmasterd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_ctl(args: CtlArgs) -> ExitCode {
    ExitCode::from(crate::client::run(&args))
}
