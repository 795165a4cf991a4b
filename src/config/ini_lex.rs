//! The lexer of supervisord's INI dialect: Python's `RawConfigParser` as supervisord configures
//! it (`;` and `#` comments, inline ones only after whitespace, indented continuation lines,
//! `key = value` or `key: value`, later keys and same-file sections merged), into sections of
//! entries that keep every place and comment. `config::ini` maps them onto our sections.

/// One `key = value`, with where its parts stand and the comments that belong to it.
#[derive(Debug, Clone)]
pub(super) struct IniEntry {
    /// Lower-cased, as `RawConfigParser.optionxform` does.
    pub(super) key: String,
    pub(super) key_offset: usize,
    /// Continuation lines joined with `\n`, trailing blank ones dropped.
    pub(super) value: String,
    pub(super) value_offset: usize,
    /// Where each line of the value starts: (position in `value`, offset in the file).
    pub(super) segments: Vec<(usize, usize)>,
    /// Full-line comments just above the key.
    pub(super) comments: Vec<String>,
    /// Inline comments on the key's lines.
    pub(super) inline: Vec<String>,
}

impl IniEntry {
    /// The file offset of a position in the joined value.
    pub(super) fn offset_of(&self, pos: usize) -> usize {
        let (start, offset) = self.segments.iter().rev().find(|(start, _)| *start <= pos).copied().unwrap_or_default();
        offset + (pos - start)
    }
}

#[derive(Debug, Clone)]
pub(super) struct IniSection {
    /// As written between the brackets (case kept, as ConfigParser does).
    pub(super) name: String,
    pub(super) offset: usize,
    pub(super) entries: Vec<IniEntry>,
    pub(super) comments: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Lexed {
    pub(super) sections: Vec<IniSection>,
    /// Comments after the last key of the file.
    pub(super) trailing_comments: Vec<String>,
    /// (offset, message)
    pub(super) errors: Vec<(usize, String)>,
    /// (offset, section, key, message)
    pub(super) warnings: Vec<(usize, String, String, String)>,
}

/// Where an inline comment starts: a `;` or `#` at the start of the line or after whitespace.
pub(super) fn inline_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| (bytes[i] == b';' || bytes[i] == b'#') && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
}

pub(super) fn lex(text: &str) -> Lexed {
    let mut out = Lexed::default();
    let mut pending_comments: Vec<String> = Vec::new();
    // The section and entry a continuation line would extend, and the key line's indentation.
    let mut current: Option<usize> = None;
    // Inside a [DEFAULT] section, already reported: its keys are skipped.
    let mut in_default = false;
    let mut open_entry: Option<usize> = None;
    let mut indent_level = usize::MAX;
    let mut line_start = 0;
    for raw_line in text.split_inclusive('\n') {
        let offset = line_start;
        line_start += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        let full_comment = trimmed.starts_with('#') || trimmed.starts_with(';');
        let comment_start =
            if full_comment { Some(line.len() - line.trim_start().len()) } else { inline_comment_start(line) };
        let content = &line[..comment_start.unwrap_or(line.len())];
        let comment = comment_start.map(|c| line[c + 1..].trim().to_string());
        let value = content.trim();
        if value.is_empty() {
            match (comment, current, open_entry) {
                // A blank line inside a value is part of it, as in ConfigParser.
                (None, Some(s), Some(e)) => {
                    let entry = &mut out.sections[s].entries[e];
                    let pos = entry.value.len() + 1;
                    entry.value.push('\n');
                    entry.segments.push((pos, offset));
                }
                (Some(comment), ..) => pending_comments.push(comment),
                _ => {}
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let value_col = content.len() - content.trim_start().len();
        if let (Some(s), Some(e)) = (current, open_entry)
            && indent > indent_level
        {
            let entry = &mut out.sections[s].entries[e];
            let pos = entry.value.len() + 1;
            entry.value.push('\n');
            entry.value.push_str(value);
            entry.segments.push((pos, offset + value_col));
            entry.inline.extend(comment);
            continue;
        }
        indent_level = indent;
        if let Some(rest) = value.strip_prefix('[')
            && let Some(close) = rest.rfind(']')
            && close > 0
        {
            let name = rest[..close].to_string();
            open_entry = None;
            in_default = name == "DEFAULT";
            if in_default {
                out.errors.push((
                    offset + value_col,
                    "[DEFAULT] (defaults for every section) is not supported; set the keys in each section".to_string(),
                ));
                current = None;
                pending_comments.clear();
                continue;
            }
            // strict=False: a section seen again in the same file continues the first.
            if let Some(existing) = out.sections.iter().position(|s| s.name == name) {
                out.sections[existing].comments.append(&mut pending_comments);
                current = Some(existing);
            } else {
                out.sections.push(IniSection {
                    name,
                    offset: offset + value_col + 1,
                    entries: Vec::new(),
                    comments: std::mem::take(&mut pending_comments),
                });
                current = Some(out.sections.len() - 1);
            }
            if let Some(comment) = comment {
                out.sections[current.expect("just set")].comments.push(comment);
            }
            continue;
        }
        let Some(s) = current else {
            if !in_default {
                let msg = "is outside any section; supervisord's file starts with a section such as [supervisord]";
                out.errors.push((offset + value_col, msg.to_string()));
            }
            continue;
        };
        let Some(delimiter) = value.find(['=', ':']) else {
            out.errors.push((offset + value_col, format!("'{value}' is not a key = value line")));
            open_entry = None;
            continue;
        };
        let key = value[..delimiter].trim_end().to_ascii_lowercase();
        if key.is_empty() {
            out.errors
                .push((offset + value_col, format!("'{value}' has no key before '{}'", &value[delimiter..=delimiter])));
            open_entry = None;
            continue;
        }
        let after = &value[delimiter + 1..];
        let val = after.trim_start();
        let value_offset = offset + value_col + delimiter + 1 + (after.len() - val.len());
        let entry = IniEntry {
            key: key.clone(),
            key_offset: offset + value_col,
            value: val.to_string(),
            value_offset,
            segments: vec![(0, value_offset)],
            comments: std::mem::take(&mut pending_comments),
            inline: comment.into_iter().collect(),
        };
        let section = &mut out.sections[s];
        if let Some(previous) = section.entries.iter().position(|e| e.key == key) {
            // strict=False: the later value wins, as supervisord reads it.
            out.warnings.push((
                entry.key_offset,
                section.name.clone(),
                key.clone(),
                "set again in this section; the later value is used, as supervisord does".to_string(),
            ));
            section.entries.remove(previous);
        }
        section.entries.push(entry);
        open_entry = Some(section.entries.len() - 1);
    }
    // ConfigParser drops the blank lines that end a value.
    for section in &mut out.sections {
        for entry in &mut section.entries {
            let kept = entry.value.trim_end().len();
            entry.value.truncate(kept);
        }
    }
    out.trailing_comments = pending_comments;
    out
}
