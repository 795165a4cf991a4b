//! `taskmaster convert`: a supervisord config (INI) printed as the equivalent taskmaster TOML.

use std::process::ExitCode;

use crate::cli::ConvertArgs;
use crate::config;

pub fn run(args: &ConvertArgs) -> ExitCode {
    let path = &args.file;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("taskmaster convert: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    if !config::looks_like_ini(&text) {
        eprintln!(
            "taskmaster convert: {} is not a supervisord config (no [supervisord] or [program:x] section)",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    match config::convert_to_toml(&text, path) {
        Ok(toml) => {
            print!("{toml}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            let n = errors.0.len();
            eprintln!("taskmaster convert: {n} error{} in {}", if n == 1 { "" } else { "s" }, path.display());
            ExitCode::FAILURE
        }
    }
}
