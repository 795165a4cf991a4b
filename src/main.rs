//! The one executable: picks a grammar from argv[0] (taskmaster, taskmasterd, taskmasterctl),
//! parses, dispatches, and turns the outcome into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    taskmaster::cmd::run(std::env::args_os().collect())
}
