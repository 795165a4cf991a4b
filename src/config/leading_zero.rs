//! `umask = 022`: TOML has no integer with a leading zero, so the whole file would fail to parse
//! and that one syntax error would hide every other problem. Such values are found before
//! parsing, each reported with its fix, and the text is patched so that the rest of the file is
//! still checked: an octal key's value is quoted (`"022"`, which reads as the mode meant), any
//! other key's leading zeros become spaces (`010` reads as 10). The config is rejected either
//! way, since the error stands.

use super::keys::{self, Kind, Section};

/// A leading-zero integer found, with where it stands in the patched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadingZero {
    pub offset: usize,
    /// The table it is in, as errors name it (`taskmasterd`, `program.web`).
    pub section: String,
    pub key: String,
    pub message: String,
}

/// The text with each leading-zero integer value made parseable, and what was found.
pub fn patch(text: &str) -> (String, Vec<LeadingZero>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut found = Vec::new();
    let mut section = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") {
            if let Some(end) = trimmed.find(']') {
                section = trimmed[1..end].split('.').map(|p| p.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            }
            out.push_str(line);
            continue;
        }
        match leading_zero_value(line) {
            Some((key, start, end)) => {
                let value = &line[start..end];
                let octal = Section::from_table_name(section.split('.').next().unwrap_or(""))
                    .and_then(|s| keys::find(s, key))
                    .is_some_and(|k| k.kind == Kind::Octal);
                let (replacement, fix) = if octal {
                    (format!("\"{value}\""), format!("{key} = \"{value}\" (or 0o{})", value.trim_start_matches('0')))
                } else {
                    let digits = value.trim_start_matches('0');
                    let digits = if digits.is_empty() { "0" } else { digits };
                    (format!("{digits:>width$}", width = value.len()), format!("{key} = {digits}"))
                };
                found.push(LeadingZero {
                    offset: out.len() + start,
                    section: section.clone(),
                    key: key.to_string(),
                    message: format!("{value} is not valid TOML (an integer cannot start with 0); write {fix}"),
                });
                out.push_str(&line[..start]);
                out.push_str(&replacement);
                out.push_str(&line[end..]);
            }
            None => out.push_str(line),
        }
    }
    (out, found)
}

/// `KEY = 0NNN` (with an optional comment): the key, and where the value starts and ends.
fn leading_zero_value(line: &str) -> Option<(&str, usize, usize)> {
    let (left, _) = line.split_once('=')?;
    let key = left.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let after = left.len() + 1;
    let rest = &line[after..];
    let start = after + (rest.len() - rest.trim_start().len());
    let value_len = line[start..].find(|c: char| c.is_whitespace() || c == '#').unwrap_or(line.len() - start);
    let end = start + value_len;
    let value = &line[start..end];
    let tail = line[end..].trim_start();
    let is_leading_zero = value.len() >= 2
        && value.starts_with('0')
        && value.chars().all(|c| c.is_ascii_digit() || c == '_')
        && value.ends_with(|c: char| c.is_ascii_digit());
    (is_leading_zero && (tail.is_empty() || tail.starts_with('#'))).then_some((key, start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_keys_are_quoted_and_others_lose_their_zeros() {
        let text = "[taskmasterd]\numask = 022  # mode\n[program.x]\nstartsecs = 010\nname = \"022\"\nother = 0o22\n";
        let (patched, found) = patch(text);
        assert_eq!(
            patched,
            "[taskmasterd]\numask = \"022\"  # mode\n[program.x]\nstartsecs =  10\nname = \"022\"\nother = 0o22\n"
        );
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].section.as_str(), found[0].key.as_str()), ("taskmasterd", "umask"));
        assert_eq!(
            found[0].message,
            "022 is not valid TOML (an integer cannot start with 0); write umask = \"022\" (or 0o22)"
        );
        assert_eq!(&patched[found[0].offset..found[0].offset + 5], "\"022\"");
        assert_eq!(found[1].message, "010 is not valid TOML (an integer cannot start with 0); write startsecs = 10");
    }
}
