//! Reading config files into raw sections: each file's text, its `[include]` patterns, its
//! tables split into sections with unknown sections and keys reported, and the diagnostics
//! collector that stamps every error with its file, line and column. `validate` builds the
//! model from these sections.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::keys::{self, Section};
use super::{Config, ConfigError, ConfigErrors};

/// One file's text, kept to turn byte offsets into lines and columns.
pub(super) struct SourceFile {
    pub(super) path: PathBuf,
    pub(super) text: String,
}

impl SourceFile {
    /// 1-based line and column; the column counts characters, as editors do.
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |nl| nl + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The directory of the file: what `%(here)s` and relative paths in it refer to.
    pub(super) fn dir(&self) -> PathBuf {
        self.path.parent().map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
    }
}

/// Collects errors and warnings; each is stamped with its place at once.
#[derive(Default)]
pub(super) struct Diagnostics {
    errors: Vec<(usize, usize, ConfigError)>,
    warnings: Vec<(usize, usize, ConfigError)>,
}

/// Sorts problems into file order and drops repeats (a per-process problem is found once per
/// process).
fn in_file_order(mut list: Vec<(usize, usize, ConfigError)>) -> Vec<ConfigError> {
    list.sort_by_key(|(file, offset, _)| (*file, *offset));
    let mut seen = HashSet::new();
    list.into_iter().map(|(_, _, e)| e).filter(|e| seen.insert(e.to_string())).collect()
}

impl Diagnostics {
    fn located(file: &SourceFile, offset: usize, section: &str, key: &str, message: String) -> ConfigError {
        let (line, column) = file.line_col(offset);
        ConfigError {
            file: file.path.clone(),
            line,
            column,
            section: section.to_string(),
            key: key.to_string(),
            message,
        }
    }

    pub(super) fn push(
        &mut self,
        file: (usize, &SourceFile),
        offset: usize,
        section: &str,
        key: &str,
        message: String,
    ) {
        self.errors.push((file.0, offset, Self::located(file.1, offset, section, key, message)));
    }

    /// Something accepted but not acted on: reported, and the config still loads.
    pub(super) fn warn(
        &mut self,
        file: (usize, &SourceFile),
        offset: usize,
        section: &str,
        key: &str,
        message: String,
    ) {
        self.warnings.push((file.0, offset, Self::located(file.1, offset, section, key, message)));
    }

    pub(super) fn into_result(self, mut config: Config) -> Result<Config, ConfigErrors> {
        if self.errors.is_empty() {
            config.warnings = in_file_order(self.warnings);
            return Ok(config);
        }
        Err(ConfigErrors(in_file_order(self.errors)))
    }
}

/// A value of a section table, with where it stands.
pub(super) type Entry<'a> = (Spanned<String>, Spanned<DeValue<'a>>);

/// One section (`[taskmasterd]`, `[program.web]`) as read from one file.
pub(super) struct RawSection<'a> {
    pub(super) file: usize,
    pub(super) kind: Section,
    /// `taskmasterd` or `program.web` (`program:web` when read from supervisord's INI): how
    /// messages name the section.
    pub(super) label: String,
    /// The NAME of a named section.
    pub(super) name: String,
    /// Where the section's name stands, for errors about the section as a whole.
    pub(super) offset: usize,
    pub(super) entries: Vec<Entry<'a>>,
}

/// The `[include] files` patterns of a file's text, with where each stands. A malformed list
/// gives none here; the validation of the `[include]` section reports it.
pub(super) fn include_patterns(text: &str) -> Vec<(usize, String)> {
    let Ok(root) = DeTable::parse(text) else { return Vec::new() };
    let root = root.into_inner();
    let Some(include) = root.get("include").and_then(|v| v.get_ref().as_table()) else { return Vec::new() };
    let Some(DeValue::Array(items)) = include.get("files").map(|f| f.get_ref()) else { return Vec::new() };
    items.iter().filter_map(|item| Some((item.span().start, item.get_ref().as_str()?.to_string()))).collect()
}

/// Splits one file into its sections, reporting unknown sections and keys.
pub(super) fn read_sections<'a>(
    file: &'a SourceFile,
    index: usize,
    is_main: bool,
    out: &mut Vec<RawSection<'a>>,
    diagnostics: &mut Diagnostics,
) {
    let (root, errors) = DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        for e in errors {
            let offset = e.span().map_or(0, |s| s.start);
            diagnostics.push((index, file), offset, "", "", format!("TOML syntax: {}", e.message()));
        }
        return;
    }
    let root = root.into_inner();
    let at = |diagnostics: &mut Diagnostics, offset, section: &str, key: &str, msg: String| {
        diagnostics.push((index, file), offset, section, key, msg);
    };
    for (name, value) in root {
        let offset = name.span().start;
        let Some(kind) = Section::from_table_name(name.get_ref()) else {
            if !matches!(value.get_ref(), DeValue::Table(_)) {
                let msg = "is outside any section; keys go under a table such as [program.NAME]".to_string();
                at(diagnostics, offset, "", name.get_ref(), msg);
                continue;
            }
            let hint = keys::did_you_mean(name.get_ref(), Section::ALL.map(Section::table_name))
                .map(|s| format!("; did you mean [{s}]?"))
                .unwrap_or_default();
            at(diagnostics, offset, name.get_ref(), "", format!("unknown section{hint}"));
            continue;
        };
        if !is_main && !kind.is_named() {
            let msg =
                "only [program.*], [group.*] and [eventlistener.*] tables may stand in an included file".to_string();
            at(diagnostics, offset, kind.table_name(), "", msg);
            continue;
        }
        let DeValue::Table(table) = value.into_inner() else {
            at(diagnostics, offset, kind.table_name(), "", "must be a table".to_string());
            continue;
        };
        if kind.is_named() {
            for (sub_name, sub_value) in table {
                let sub_offset = sub_name.span().start;
                let sub_name = sub_name.into_inner().into_owned();
                let label = format!("{}.{sub_name}", kind.table_name());
                match sub_value.into_inner() {
                    DeValue::Table(sub_table) => {
                        push_section(file, index, kind, (label, sub_name, sub_offset), sub_table, out, diagnostics)
                    }
                    _ => {
                        let msg = format!(
                            "expected a table [{}.{sub_name}]; keys go inside a named table",
                            kind.table_name()
                        );
                        at(diagnostics, sub_offset, &label, "", msg);
                    }
                }
            }
        } else {
            push_section(
                file,
                index,
                kind,
                (kind.table_name().to_string(), String::new(), offset),
                table,
                out,
                diagnostics,
            );
        }
    }
}

/// Records one section, reporting its unknown keys.
fn push_section<'a>(
    file: &SourceFile,
    index: usize,
    kind: Section,
    (label, name, offset): (String, String, usize),
    table: DeTable<'a>,
    out: &mut Vec<RawSection<'a>>,
    diagnostics: &mut Diagnostics,
) {
    let entries: Vec<Entry> =
        table.into_iter().map(|(k, v)| (Spanned::new(k.span(), k.into_inner().into_owned()), v)).collect();
    for (key, _) in &entries {
        if keys::find(kind, key.get_ref()).is_none() {
            let hint = keys::did_you_mean(key.get_ref(), keys::names_of(kind))
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            diagnostics.push((index, file), key.span().start, &label, key.get_ref(), format!("unknown key{hint}"));
        }
    }
    for (key, value) in &entries {
        if let Some(offset) = nul_byte_offset(value) {
            diagnostics.push((index, file), offset, &label, key.get_ref(), "contains a NUL byte".to_string());
        }
    }
    out.push(RawSection { file: index, kind, label, name, offset, entries });
}

/// Where a NUL byte stands in a value (a string, or one inside an array or inline table).
/// No setting can carry one to the system (argv, environment and paths are C strings), so it
/// is refused at load rather than at the first spawn.
fn nul_byte_offset(value: &Spanned<DeValue<'_>>) -> Option<usize> {
    match value.get_ref() {
        DeValue::String(s) if s.contains('\0') => Some(value.span().start),
        DeValue::Array(items) => items.iter().find_map(nul_byte_offset),
        DeValue::Table(table) => table
            .iter()
            .find_map(|(k, v)| if k.get_ref().contains('\0') { Some(k.span().start) } else { nul_byte_offset(v) }),
        _ => None,
    }
}
