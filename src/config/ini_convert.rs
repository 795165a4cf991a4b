//! `taskmaster convert`: a supervisord config turned into the equivalent TOML, comments kept
//! where they attach to a key, included files inlined, and what has no TOML equivalent yet kept
//! as comments saying why. A child of `config::ini`, whose reader and mapping it walks.

use std::fmt::Write as _;
use std::path::Path;

use super::*;

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A table name part: bare when TOML allows it, else quoted.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { name.to_string() } else { toml_string(name) }
}

fn toml_value(value: &IniValue) -> String {
    match value {
        IniValue::Str(s) => toml_string(s),
        IniValue::Int(n) => n.to_string(),
        IniValue::Bool(b) => b.to_string(),
        IniValue::List(items) => {
            let items: Vec<String> = items.iter().map(|(_, s)| toml_string(s)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

fn push_comments(out: &mut String, comments: &[String]) {
    for comment in comments {
        if comment.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {comment}");
        }
    }
}

/// Moves a value of an included file to the main file's point of view: in TOML its sections
/// stand in the main file, so `%(here)s` and relative paths must name the included file's
/// directory explicitly.
fn rebase(value: &mut IniValue, key: &str, dir: &Path) {
    let IniValue::Str(s) = value else { return };
    let dir_text = dir.display().to_string().replace('%', "%%");
    *s = s.replace("%(here)s", &dir_text);
    let path_key = matches!(key, "directory" | "stdout_logfile" | "stderr_logfile");
    let special = s.eq_ignore_ascii_case("AUTO") || s.eq_ignore_ascii_case("NONE");
    if path_key && !special && !s.starts_with('/') && !s.starts_with("%(") && !s.is_empty() {
        *s = format!("{dir_text}/{s}");
    }
}

/// The equivalent TOML of a config written in supervisord's dialect: the same model, with the
/// comments kept above the keys and sections they were written above (and inline ones after
/// their key). Included files are inlined, each under a comment naming it. What has no TOML
/// equivalent yet (FastCGI programs, supervisord-only keys) is kept as comments, with why.
/// Fails with the config's errors when it does not load.
pub fn convert_to_toml(text: &str, path: &Path) -> Result<String, ConfigErrors> {
    parse_str(text, path)?;
    let mut reader = Reader::read(text, path);
    let mapped = reader.sections(&|_| true);
    let main_dir = reader.files[0].dir();
    let mut out = String::new();
    let _ = writeln!(out, "# Converted by `taskmaster convert` from {}.", reader.files[0].path.display());
    out.push_str("# %(here)s and relative paths refer to this file's directory: keep it beside the original.\n");
    for (file, lexed) in reader.lexed.iter().enumerate() {
        let dir = reader.files[file].dir();
        if file > 0 {
            let _ = writeln!(out, "\n# ---- included from {} ----", reader.files[file].path.display());
        }
        for section in &lexed.sections {
            out.push('\n');
            push_comments(&mut out, &section.comments);
            let target = mapped.iter().find(|m| m.file == file && m.label == section.name);
            let kind = classify(&section.name);
            let header = match (kind.clone(), target) {
                (Some((Mapping::To(Section::Include), _)), _) => {
                    let _ = writeln!(out, "# [{}]: its files are inlined below.", section.name);
                    None
                }
                (Some((Mapping::To(kind), sub)), Some(_)) => Some(if kind.is_named() {
                    format!("[{}.{}]", kind.table_name(), toml_key(&sub))
                } else {
                    format!("[{}]", kind.table_name())
                }),
                (Some((Mapping::StandardRpcInterface, _)), _) => {
                    let _ = writeln!(
                        out,
                        "# [{}]: supervisord's standard control interface, which taskmaster always serves.",
                        section.name
                    );
                    None
                }
                (Some((Mapping::NotYet(why), _)), _) => {
                    let _ = writeln!(out, "# [{}]: not converted: {why}", section.name);
                    None
                }
                _ => {
                    let _ =
                        writeln!(out, "# [{}]: not converted: unknown to supervisord and to taskmaster", section.name);
                    None
                }
            };
            if let Some(header) = &header {
                out.push_str(header);
                out.push('\n');
            }
            for entry in &section.entries {
                push_comments(&mut out, &entry.comments);
                let converted = header.as_ref().and(target).and_then(|t| t.entries.iter().find(|e| e.key == entry.key));
                let inline =
                    if entry.inline.is_empty() { String::new() } else { format!("  # {}", entry.inline.join(" ")) };
                match converted {
                    Some(converted) => {
                        let mut value = converted.value.clone();
                        if dir != main_dir {
                            rebase(&mut value, &entry.key, &dir);
                        }
                        let _ = writeln!(out, "{} = {}{inline}", entry.key, toml_value(&value));
                    }
                    None => {
                        let original = entry.value.replace('\n', " ");
                        let why = match &kind {
                            Some((Mapping::To(k), _)) if header.is_some() => supervisord_only(*k, &entry.key).map_or(
                                "not converted: unknown key",
                                |_| "not converted: not implemented by taskmaster yet",
                            ),
                            _ => "",
                        };
                        let note = if why.is_empty() {
                            inline
                        } else {
                            format!("  # {why}{}", inline.replacen("  #", ";", 1))
                        };
                        let _ = writeln!(out, "# {} = {original}{note}", entry.key);
                    }
                }
            }
        }
        if !lexed.trailing_comments.is_empty() {
            out.push('\n');
            push_comments(&mut out, &lexed.trailing_comments);
        }
    }
    Ok(out)
}
