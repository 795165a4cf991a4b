//! The reference tools (supervisord, supervisorctl, superlance) that differential tests run
//! beside ours. They live in a Python virtualenv that `.ci/run` creates; every test that needs
//! them asks [`reference_venv`], which finds it, or fails in CI, or skips loudly elsewhere.

use std::path::PathBuf;

/// The virtualenv's environment variable, and where it is when that is unset.
pub const VENV_ENV: &str = "TASKMASTER_REF_VENV";
const DEFAULT_VENV: &str = ".cache/taskmaster/ref-venv";

/// The reference virtualenv, holding `bin/supervisord` and `bin/supervisorctl`. When it is
/// missing: in CI (`CI` set) the test fails, since a skipped differential test would pass
/// silently there; elsewhere a `SKIPPED` line on stderr names the test and how to get the tools,
/// and the caller returns early.
#[track_caller]
pub fn reference_venv(test: &str) -> Option<PathBuf> {
    let venv = std::env::var_os(VENV_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(DEFAULT_VENV)));
    let complete =
        venv.as_ref().filter(|v| v.join("bin/supervisord").is_file() && v.join("bin/supervisorctl").is_file());
    if let Some(venv) = complete {
        return Some(venv.clone());
    }
    let looked = venv.map_or_else(|| format!("${VENV_ENV} and $HOME unset"), |v| v.display().to_string());
    let how = format!(
        "reference tools missing at {looked}: run .ci/run, or python3 -m venv ~/{DEFAULT_VENV} && \
         ~/{DEFAULT_VENV}/bin/pip install supervisor==4.3.0 superlance"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {how}");
    }
    eprintln!("\n*** SKIPPED: {test} ({how}) ***\n");
    None
}
