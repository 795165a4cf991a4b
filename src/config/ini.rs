//! supervisord's own config format: its INI dialect read into the same model as our TOML, and
//! `taskmaster convert`'s translation of it into TOML.
//!
//! The file is read the way supervisord 4.3 reads it (Python's `RawConfigParser` with
//! supervisord's settings: `;` and `#` comments, inline ones only after whitespace, indented
//! continuation lines, `key = value` or `key: value`, later keys and same-file sections merged),
//! then each section is mapped onto the sections of our key table ([`Mapping`]) with its values
//! typed as supervisord types them (booleans `yes/no/on/off/1/0`, Python integers, ...). The
//! result is the format-neutral `RawSection`s the TOML reader builds too, so validation, the model
//! and every message are shared (`config::validate::build`).
//!
//! What supervisord documents and taskmaster does not act on yet is accepted with a warning at its
//! place; what supervisord ignores (an unknown key or section) gets a warning with a did-you-mean;
//! what would change behaviour and cannot be honoured is an error.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::DeValue;

use super::ini_lex::*;
use super::keys::{self, Kind, Section};
use super::sections::{Diagnostics, RawSection, SourceFile};
use super::validate;
use super::values::{self, ExpansionValue};
use super::{Config, ConfigErrors, ConfigFormat};

/// Section names that only supervisord's dialect uses: a file holding one of them is INI.
/// (`[inet_http_server]` and `[include]` stand in both formats.)
const INI_ONLY_SECTIONS: [&str; 3] = ["supervisord", "unix_http_server", "supervisorctl"];
const INI_NAMED_PREFIXES: [&str; 6] =
    ["program:", "group:", "eventlistener:", "fcgi-program:", "rpcinterface:", "ctlplugin:"];

/// Decides the format by content: a supervisord section header (`[supervisord]`,
/// `[program:x]`, ...) means INI; otherwise a file that is not valid TOML but reads as INI (an
/// `[include]`-only conf.d file with `files = a/*.conf`) is INI too.
pub fn looks_like_ini(text: &str) -> bool {
    for line in text.lines() {
        let line = line.trim();
        let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) else { continue };
        let header = header.trim();
        if INI_ONLY_SECTIONS.contains(&header) || INI_NAMED_PREFIXES.iter().any(|p| header.starts_with(p)) {
            return true;
        }
    }
    // TOML but for a `umask = 022`, which the TOML reader reports with its fix.
    if text.parse::<toml::Table>().is_ok() || super::leading_zero::patch(text).0.parse::<toml::Table>().is_ok() {
        return false;
    }
    let lexed = lex(text);
    lexed.errors.is_empty() && !lexed.sections.is_empty()
}

// ---------------------------------------------------------------------------------------------
// The mapping of supervisord's sections and keys onto ours.

/// What an INI section becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mapping {
    /// One of our sections, keys of the same names.
    To(Section),
    /// Read and checked, but not acted on: the section gets a warning.
    NotYet(&'static str),
    /// supervisord's standard `[rpcinterface:supervisor]`: what taskmaster always provides.
    StandardRpcInterface,
}

fn classify(name: &str) -> Option<(Mapping, String)> {
    let (prefix, sub) = match name.split_once(':') {
        Some((prefix, sub)) => (prefix, sub.trim().to_string()),
        None => (name, String::new()),
    };
    let mapping = match (prefix, name.contains(':')) {
        ("supervisord", false) => Mapping::To(Section::Taskmasterd),
        ("unix_http_server", false) => Mapping::To(Section::UnixServer),
        ("inet_http_server", false) => Mapping::To(Section::InetHttpServer),
        ("supervisorctl", false) => Mapping::To(Section::Taskmasterctl),
        ("include", false) => Mapping::To(Section::Include),
        ("program", true) => Mapping::To(Section::Program),
        ("group", true) => Mapping::To(Section::Group),
        ("eventlistener", true) => Mapping::To(Section::EventListener),
        ("fcgi-program", true) => {
            Mapping::NotYet("FastCGI programs are not implemented yet: this program is read but not started")
        }
        ("rpcinterface", true) if sub == "supervisor" => Mapping::StandardRpcInterface,
        ("rpcinterface", true) => {
            Mapping::NotYet("RPC interface plugins are not supported: taskmaster loads no Python code")
        }
        ("ctlplugin", true) => {
            Mapping::NotYet("supervisorctl plugins are not supported: taskmaster loads no Python code")
        }
        _ => return None,
    };
    Some((mapping, sub))
}

const KNOWN_SECTIONS: [&str; 11] = [
    "supervisord",
    "unix_http_server",
    "inet_http_server",
    "supervisorctl",
    "include",
    "program:",
    "group:",
    "eventlistener:",
    "fcgi-program:",
    "rpcinterface:",
    "ctlplugin:",
];

/// A key supervisord documents that has no counterpart in our key table, with supervisord's
/// default: set to the default it changes nothing, set otherwise it gets the warning.
struct SupervisordOnly {
    section: Section,
    name: &'static str,
    kind: Kind,
    default: &'static str,
    why: &'static str,
}

const SUPERVISORD_ONLY: &[SupervisordOnly] = &[
    SupervisordOnly {
        section: Section::Taskmasterd,
        name: "minprocs",
        kind: Kind::Int { min: i64::MIN, max: i64::MAX },
        default: "200",
        why: "not implemented yet: taskmaster does not raise the process limit (RLIMIT_NPROC)",
    },
    SupervisordOnly {
        section: Section::Taskmasterd,
        name: "strip_ansi",
        kind: Kind::Bool,
        default: "false",
        why: "not implemented yet: escape sequences are kept in the log files",
    },
    SupervisordOnly {
        section: Section::Program,
        name: "serverurl",
        kind: Kind::Str,
        default: "AUTO",
        why: "not implemented yet: the process gets SUPERVISOR_SERVER_URL, unix:// and the daemon's control socket",
    },
];

/// supervisord's section names and the tables they map to (None: read, not acted on yet), for
/// the config man page.
pub fn section_mapping() -> Vec<(&'static str, Option<Section>, &'static str)> {
    let mut rows: Vec<(&'static str, Option<Section>, &'static str)> = vec![
        ("[supervisord]", Some(Section::Taskmasterd), ""),
        ("[unix_http_server]", Some(Section::UnixServer), ""),
        ("[inet_http_server]", Some(Section::InetHttpServer), ""),
        ("[supervisorctl]", Some(Section::Taskmasterctl), ""),
        ("[program:NAME]", Some(Section::Program), ""),
        ("[group:NAME]", Some(Section::Group), ""),
        ("[eventlistener:NAME]", Some(Section::EventListener), ""),
        ("[include]", Some(Section::Include), ""),
    ];
    for (title, name) in [
        ("[fcgi-program:NAME]", "fcgi-program:NAME"),
        ("[rpcinterface:NAME]", "rpcinterface:NAME"),
        ("[ctlplugin:NAME]", "ctlplugin:NAME"),
    ] {
        let Some((Mapping::NotYet(why), _)) = classify(name) else { unreachable!("{name} is not acted on") };
        rows.push((title, None, why));
    }
    rows
}

/// supervisord's keys that have no counterpart in the key table: (section, key, why a value
/// other than supervisord's default gives a warning).
pub fn supervisord_only_keys() -> impl Iterator<Item = (Section, &'static str, &'static str)> {
    SUPERVISORD_ONLY.iter().map(|k| (k.section, k.name, k.why))
}

fn supervisord_only(section: Section, name: &str) -> Option<&'static SupervisordOnly> {
    // A listener pool takes every program key.
    let section = if section == Section::EventListener { Section::Program } else { section };
    SUPERVISORD_ONLY.iter().find(|k| k.section == section && k.name == name)
}

/// Python's `int()` on a config string: blanks around, a sign, `_` between digits.
fn py_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -n } else { n })
}

/// supervisord's `boolean()`.
fn py_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A value typed as supervisord types it, before it becomes a TOML value.
#[derive(Debug, Clone, PartialEq)]
enum IniValue {
    Str(String),
    Int(i64),
    Bool(bool),
    /// Items with where each stands.
    List(Vec<(Range<usize>, String)>),
}

/// One mapped key: its value typed, with where the key and the value stand.
#[derive(Debug, Clone)]
struct MappedEntry {
    key: String,
    key_span: Range<usize>,
    value: IniValue,
    value_span: Range<usize>,
}

/// One INI section mapped onto one of ours.
#[derive(Debug, Clone)]
struct MappedSection {
    file: usize,
    kind: Section,
    label: String,
    name: String,
    offset: usize,
    entries: Vec<MappedEntry>,
}

/// The decimal texts of every integer of `sections`, in order: TOML integers are parsed from
/// text, and the sections borrow these.
fn integer_texts(sections: &[MappedSection]) -> Vec<String> {
    let values = sections.iter().flat_map(|s| s.entries.iter().map(|e| &e.value));
    values.filter_map(|v| if let IniValue::Int(n) = v { Some(n.to_string()) } else { None }).collect()
}

/// The format-neutral sections the shared validator builds the model from.
fn to_raw<'a>(sections: &[MappedSection], integers: &'a [String]) -> Vec<RawSection<'a>> {
    let mut integers = integers.iter();
    let string = |s: &str| DeValue::String(s.to_string().into());
    sections
        .iter()
        .map(|section| {
            let entries = section
                .entries
                .iter()
                .map(|entry| {
                    let value = match &entry.value {
                        IniValue::Str(s) => string(s),
                        IniValue::Bool(b) => DeValue::Boolean(*b),
                        IniValue::Int(_) => {
                            let text = integers.next().expect("one text per integer");
                            DeValue::parse(text).expect("an integer is valid TOML").into_inner()
                        }
                        IniValue::List(items) => DeValue::Array(
                            items.iter().map(|(span, item)| Spanned::new(span.clone(), string(item))).collect(),
                        ),
                    };
                    (
                        Spanned::new(entry.key_span.clone(), entry.key.clone()),
                        Spanned::new(entry.value_span.clone(), value),
                    )
                })
                .collect();
            RawSection {
                file: section.file,
                kind: section.kind,
                label: section.label.clone(),
                name: section.name.clone(),
                offset: section.offset,
                entries,
            }
        })
        .collect()
}

/// The kinds the shared validator expands itself (with the per-process names); the others are
/// expanded here, since supervisord expands every value it reads.
fn expanded_by_validator(kind: Kind) -> bool {
    matches!(kind, Kind::Path | Kind::ExpandedStr | Kind::Command | Kind::LogFile | Kind::Environment)
}

/// One whole config in supervisord's dialect: every file's lexed sections, the mapped sections,
/// and the problems found.
struct Reader {
    files: Vec<SourceFile>,
    /// Per file, its lexed text.
    lexed: Vec<Lexed>,
    diagnostics: Diagnostics,
}

/// The environment and host lookups every section may use, for `here` the section's file's
/// directory.
fn common_lookup(here: &Path, name: &str) -> Option<ExpansionValue> {
    match name {
        "here" => Some(ExpansionValue::Str(here.display().to_string())),
        "host_node_name" => Some(ExpansionValue::Str(
            nix::unistd::gethostname().ok().and_then(|h| h.into_string().ok()).unwrap_or_default(),
        )),
        _ => name.strip_prefix("ENV_").and_then(|var| std::env::var(var).ok()).map(ExpansionValue::Str),
    }
}

impl Reader {
    /// Reads the main file and the files its `[include]` names (relative to it, globs, sorted,
    /// as supervisord does; an included file's own `[include]` is not followed, as in
    /// supervisord).
    fn read(text: &str, path: &Path) -> Reader {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut reader = Reader {
            files: vec![SourceFile { path, text: text.to_string() }],
            lexed: vec![lex(text)],
            diagnostics: Diagnostics::default(),
        };
        let here = reader.files[0].dir();
        let include = reader.lexed[0].sections.iter().find(|s| s.name == "include").cloned();
        if let Some(include) = include {
            match include.entries.iter().find(|e| e.key == "files") {
                None => reader.error(0, include.offset, "include", "files", "is required".to_string()),
                Some(entry) => {
                    let lookup = |name: &str| common_lookup(&here, name);
                    match values::expand(&entry.value, &lookup) {
                        Err(message) => reader.error(0, entry.value_offset, "include", "files", message),
                        Ok(patterns) => {
                            for pattern in patterns.split_whitespace() {
                                reader.include(&here, pattern, entry.value_offset);
                            }
                        }
                    }
                }
            }
        }
        reader
    }

    fn include(&mut self, here: &Path, pattern: &str, offset: usize) {
        let full = if Path::new(pattern).is_absolute() {
            pattern.to_string()
        } else {
            format!("{}/{pattern}", glob::Pattern::escape(&here.to_string_lossy()))
        };
        let mut matched: Vec<PathBuf> = match glob::glob(&full) {
            Ok(paths) => paths.filter_map(Result::ok).collect(),
            Err(e) => {
                self.error(0, offset, "include", "files", format!("bad pattern '{pattern}': {e}"));
                return;
            }
        };
        if matched.is_empty() {
            self.warn(0, offset, "include", "files", format!("no file matches '{pattern}'"));
        }
        matched.sort();
        for included in matched {
            if self.files.iter().any(|f| f.path == included) {
                continue;
            }
            match std::fs::read_to_string(&included) {
                Ok(text) => {
                    self.lexed.push(lex(&text));
                    self.files.push(SourceFile { path: included, text });
                }
                Err(e) => self.error(0, offset, "include", "files", format!("cannot read {}: {e}", included.display())),
            }
        }
    }

    fn error(&mut self, file: usize, offset: usize, section: &str, key: &str, message: String) {
        self.diagnostics.push((file, &self.files[file]), offset, section, key, message);
    }

    fn warn(&mut self, file: usize, offset: usize, section: &str, key: &str, message: String) {
        self.diagnostics.warn((file, &self.files[file]), offset, section, key, message);
    }

    /// The group each program belongs to, for `%(group_name)s` in the values expanded here.
    fn groups(&self) -> HashMap<String, String> {
        let mut groups = HashMap::new();
        for lexed in &self.lexed {
            for section in &lexed.sections {
                let Some(group) = section.name.strip_prefix("group:") else { continue };
                let Some(programs) = section.entries.iter().find(|e| e.key == "programs") else { continue };
                for program in programs.value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    groups.entry(program.to_string()).or_insert_with(|| group.trim().to_string());
                }
            }
        }
        groups
    }

    /// Maps every file's sections onto ours, typing each value. `keep` filters by our section
    /// (the client reads only its own settings).
    fn sections(&mut self, keep: &dyn Fn(Section) -> bool) -> Vec<MappedSection> {
        let groups = self.groups();
        let mut out = Vec::new();
        let mut has_supervisord = false;
        for file in 0..self.files.len() {
            for (offset, message) in std::mem::take(&mut self.lexed[file].errors) {
                self.error(file, offset, "", "", message);
            }
            for (offset, section, key, message) in std::mem::take(&mut self.lexed[file].warnings) {
                self.warn(file, offset, &section, &key, message);
            }
            let sections = self.lexed[file].sections.clone();
            for section in sections {
                let Some((mapping, sub)) = classify(&section.name) else {
                    let hint = keys::did_you_mean(&section.name, KNOWN_SECTIONS)
                        .map(|s| format!("; did you mean [{s}]?"))
                        .unwrap_or_default();
                    let msg = format!("unknown section, ignored as supervisord ignores it{hint}");
                    self.warn(file, section.offset, &section.name, "", msg);
                    continue;
                };
                match mapping {
                    Mapping::StandardRpcInterface => {}
                    Mapping::NotYet(why) => self.warn(file, section.offset, &section.name, "", why.to_string()),
                    Mapping::To(kind) => {
                        if kind == Section::Taskmasterd {
                            has_supervisord = true;
                        }
                        if kind == Section::Include && file > 0 {
                            let msg = "an [include] in an included file is not followed (supervisord does not follow it either)";
                            self.warn(file, section.offset, "include", "", msg.to_string());
                            continue;
                        }
                        if !keep(kind) {
                            continue;
                        }
                        let program_group = matches!(kind, Section::Program | Section::EventListener)
                            .then(|| groups.get(&sub).cloned().unwrap_or_else(|| sub.clone()));
                        let raw = self.map_section(file, kind, &section, sub, program_group);
                        out.push(raw);
                    }
                }
            }
        }
        if !has_supervisord && keep(Section::Taskmasterd) {
            let msg = "has no [supervisord] section; supervisord refuses such a file, taskmaster uses the defaults";
            self.warn(0, 0, "", "", msg.to_string());
        }
        out
    }

    fn map_section(
        &mut self,
        file: usize,
        kind: Section,
        section: &IniSection,
        name: String,
        group: Option<String>,
    ) -> MappedSection {
        let here = self.files[file].dir();
        let label = section.name.clone();
        let mut entries = Vec::new();
        for entry in &section.entries {
            let span = |start: usize, len: usize| start..start + len;
            let key_span = span(entry.key_offset, entry.key.len());
            let spec = keys::find(kind, &entry.key);
            let Some(spec) = spec else {
                self.supervisord_only_key(file, kind, &label, entry, &here);
                continue;
            };
            let mut text = entry.value.clone();
            if !expanded_by_validator(spec.kind) && text.contains('%') {
                let lookup = |n: &str| match n {
                    "program_name" if matches!(kind, Section::Program | Section::EventListener) => {
                        Some(ExpansionValue::Str(name.clone()))
                    }
                    "group_name" => group.clone().map(ExpansionValue::Str),
                    _ => common_lookup(&here, n),
                };
                match values::expand(&text, &lookup) {
                    Ok(expanded) => text = expanded,
                    Err(message) => {
                        self.error(file, entry.value_offset, &label, &entry.key, message);
                        continue;
                    }
                }
            }
            match self.typed(file, kind, &label, entry, &text, spec.kind) {
                Some(value) => {
                    let value_span = span(entry.value_offset, entry.value.len().max(1));
                    entries.push(MappedEntry { key: entry.key.clone(), key_span, value, value_span });
                }
                None => continue,
            }
        }
        MappedSection { file, kind, label, name, offset: section.offset, entries }
    }

    /// A key that is not in our table: one of supervisord's that taskmaster does not act on yet
    /// (a warning unless it is set to supervisord's default), or an unknown one (a warning, as
    /// supervisord ignores it).
    fn supervisord_only_key(&mut self, file: usize, kind: Section, label: &str, entry: &IniEntry, here: &Path) {
        let Some(known) = supervisord_only(kind, &entry.key) else {
            let own = if kind == Section::EventListener { Section::Program } else { kind };
            let candidates = keys::names_of(kind)
                .into_iter()
                .chain(SUPERVISORD_ONLY.iter().filter(|k| k.section == own).map(|k| k.name));
            let hint = keys::did_you_mean(&entry.key, candidates)
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            let msg = format!("unknown key, ignored as supervisord ignores it{hint}");
            self.warn(file, entry.key_offset, label, &entry.key, msg);
            return;
        };
        let text = match values::expand(&entry.value, &|n: &str| common_lookup(here, n)) {
            Ok(text) => text,
            // A per-process name such as %(process_num)d: the value cannot be the default.
            Err(_) => entry.value.clone(),
        };
        let same_as_default = match known.kind {
            Kind::Bool => match py_bool(&text) {
                Some(b) => Some(b) == py_bool(known.default),
                None => {
                    self.error(
                        file,
                        entry.value_offset,
                        label,
                        &entry.key,
                        format!("'{text}' is not a boolean (true/false, yes/no, on/off, 1/0)"),
                    );
                    return;
                }
            },
            Kind::Size => match values::parse_size(&text) {
                Ok(n) => n == 0,
                Err(message) => {
                    self.error(file, entry.value_offset, label, &entry.key, message);
                    return;
                }
            },
            Kind::Int { .. } => match py_int(&text) {
                Some(n) => Some(n) == py_int(known.default),
                None => {
                    self.error(file, entry.value_offset, label, &entry.key, format!("'{text}' is not an integer"));
                    return;
                }
            },
            _ => text.eq_ignore_ascii_case(known.default),
        };
        if !same_as_default {
            self.warn(file, entry.key_offset, label, &entry.key, known.why.to_string());
        }
    }

    /// A value typed as supervisord types it, or None once its error is reported.
    fn typed(
        &mut self,
        file: usize,
        kind: Section,
        label: &str,
        entry: &IniEntry,
        text: &str,
        value_kind: Kind,
    ) -> Option<IniValue> {
        let string = |s: &str| IniValue::Str(s.to_string());
        let fail = |this: &mut Reader, message: String| {
            this.error(file, entry.value_offset, label, &entry.key, message);
            None
        };
        Some(match value_kind {
            Kind::Bool => match py_bool(text) {
                Some(b) => IniValue::Bool(b),
                None => return fail(self, format!("'{text}' is not a boolean (true/false, yes/no, on/off, 1/0)")),
            },
            Kind::Int { .. } => match py_int(text) {
                Some(n) => IniValue::Int(n),
                None => return fail(self, format!("'{text}' is not an integer")),
            },
            Kind::AutoRestart => match py_bool(text) {
                Some(b) => IniValue::Bool(b),
                None => string(text),
            },
            Kind::LogFile => match text.to_ascii_lowercase().as_str() {
                "none" | "off" => string("NONE"),
                "auto" => string("AUTO"),
                "syslog" => {
                    let msg = "the deprecated syslog value is not implemented: the output is discarded, as with NONE";
                    self.warn(file, entry.value_offset, label, &entry.key, msg.to_string());
                    string("NONE")
                }
                _ => string(text),
            },
            Kind::StrList => {
                // [group:x] programs is comma-separated; [include] files is blank-separated.
                let items: Vec<(usize, &str)> = if kind == Section::Include {
                    split_positions(text, |c: char| c.is_whitespace())
                } else {
                    split_positions(text, |c| c == ',').into_iter().map(|(p, s)| trim_item(p, s)).collect()
                };
                IniValue::List(
                    items
                        .into_iter()
                        .filter(|(_, s)| !s.is_empty())
                        .map(|(pos, s)| {
                            let at = entry.offset_of(pos.min(entry.value.len()));
                            (at..at + s.len(), s.to_string())
                        })
                        .collect(),
                )
            }
            Kind::Path if kind == Section::Taskmasterctl && entry.key == "serverurl" => {
                if let Some(path) = text.strip_prefix("unix://") {
                    string(path)
                } else {
                    let msg = format!(
                        "'{text}' is not used by taskmasterctl, which speaks only over the unix socket, so it uses [unix_http_server] file (supervisorctl can use the URL)"
                    );
                    self.warn(file, entry.value_offset, label, &entry.key, msg);
                    return None;
                }
            }
            Kind::Path if kind == Section::UnixServer || (kind == Section::Taskmasterd && entry.key == "logfile") => {
                string(text.trim())
            }
            _ => string(text),
        })
    }
}

/// Splits `text` at the characters `split` accepts, keeping each part's position.
fn split_positions(text: &str, split: impl Fn(char) -> bool) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if split(c) {
            parts.push((start, &text[start..i]));
            start = i + c.len_utf8();
        }
    }
    parts.push((start, &text[start..]));
    parts
}

fn trim_item(pos: usize, item: &str) -> (usize, &str) {
    let trimmed = item.trim_start();
    let pos = pos + item.len() - trimmed.len();
    (pos, trimmed.trim_end())
}

/// Parses a config written in supervisord's dialect into the model.
pub fn parse_str(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    parse_filtered(text, path, &|_| true)
}

/// The client's part only: `[unix_http_server]` and `[supervisorctl]`.
pub(super) fn parse_client_settings(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    parse_filtered(text, path, &|s| matches!(s, Section::UnixServer | Section::Taskmasterctl))
}

fn parse_filtered(text: &str, path: &Path, keep: &dyn Fn(Section) -> bool) -> Result<Config, ConfigErrors> {
    let mut reader = Reader::read(text, path);
    let mapped = reader.sections(keep);
    let integers = integer_texts(&mapped);
    let sections = to_raw(&mapped, &integers);
    let main = reader.files[0].path.clone();
    let config = validate::build(&main, &reader.files, &sections, ConfigFormat::Ini, &mut reader.diagnostics);
    reader.diagnostics.into_result(config)
}

// `taskmaster convert` lives in its own file.
#[path = "ini_convert.rs"]
mod convert;
pub use convert::convert_to_toml;

#[cfg(test)]
#[path = "ini_tests.rs"]
mod tests;
