//! `taskmaster check`: validate a config file without running anything, like `nginx -t`.

use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::config;

pub fn run(args: &CheckArgs) -> ExitCode {
    let path = match config::find_config_file(args.configuration.as_deref()) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("taskmaster check: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    match config::load(&path) {
        Ok(config) => {
            for warning in &config.warnings {
                eprintln!("warning: {warning}");
            }
            let paths = super::check_paths::problems(&config);
            let label = if args.strict { "error" } else { "warning" };
            for problem in &paths {
                eprintln!("{label}: {problem}");
            }
            if args.strict && !paths.is_empty() {
                let n = paths.len();
                eprintln!(
                    "taskmaster check: {n} error{} in {} (--strict)",
                    if n == 1 { "" } else { "s" },
                    path.display()
                );
                return ExitCode::FAILURE;
            }
            let programs = config.programs.len();
            let processes = config.processes().count();
            let warnings = config.warnings.len() + paths.len();
            println!(
                "{}: ok, {} ({programs} program{}, {processes} process{}{})",
                config.source.display(),
                config.format.describe(),
                if programs == 1 { "" } else { "s" },
                if processes == 1 { "" } else { "es" },
                match warnings {
                    0 => String::new(),
                    1 => ", 1 warning".to_string(),
                    n => format!(", {n} warnings"),
                },
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            let n = errors.0.len();
            eprintln!("taskmaster check: {n} error{} in {}", if n == 1 { "" } else { "s" }, path.display());
            ExitCode::FAILURE
        }
    }
}
