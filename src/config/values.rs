//! Parsers for the value syntaxes a config (and a command line) accepts: signals, sizes, octal
//! modes, supervisord's environment strings and `%(name)s` expansions. Pure functions, each
//! returning a message fit to follow `key:` in an error.

use std::fmt;

/// A signal, validated against the platform's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal(pub nix::sys::signal::Signal);

impl Signal {
    /// Accepts `TERM`, `SIGTERM`, `term` or `15`.
    pub fn parse(text: &str) -> Result<Signal, String> {
        let text = text.trim();
        if let Ok(number) = text.parse::<i32>() {
            return nix::sys::signal::Signal::try_from(number)
                .map(Signal)
                .map_err(|_| format!("{number} is not a signal number on this system"));
        }
        let upper = text.to_ascii_uppercase();
        let full = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
        full.parse::<nix::sys::signal::Signal>()
            .map(Signal)
            .map_err(|_| format!("unknown signal '{text}' (use a name such as TERM, HUP, KILL, or a number)"))
    }

    /// The name without SIG: `TERM`.
    pub fn short_name(self) -> &'static str {
        let name = self.0.as_str();
        name.strip_prefix("SIG").unwrap_or(name)
    }

    pub fn number(self) -> i32 {
        self.0 as i32
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// `"50MB"`, `"1 KB"`, `"1024"`: bytes. Units are powers of 1024, as supervisord's.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let bad = || format!("'{text}' is not a size (an integer, or a number with KB, MB or GB)");
    if digits.is_empty() {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" | "K" => 1 << 10,
        "MB" | "M" => 1 << 20,
        "GB" | "G" => 1 << 30,
        _ => return Err(bad()),
    };
    n.checked_mul(multiplier).ok_or_else(|| format!("'{text}' is too large"))
}

/// `"022"`, `"0o022"`, `"0022"`: an octal mode up to 0o7777.
pub fn parse_octal_str(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let digits = t.strip_prefix("0o").unwrap_or(t);
    // from_str_radix alone would also take a sign: "+22".
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(format!("'{text}' is not an octal mode (such as \"022\" or 0o022)"));
    }
    let value = u32::from_str_radix(digits, 8).map_err(|_| format!("'{text}' is out of range (at most 0o7777)"))?;
    check_octal_range(value)
}

pub fn check_octal_range(value: u32) -> Result<u32, String> {
    if value > 0o7777 { Err(format!("{value:#o} is out of range (at most 0o7777)")) } else { Ok(value) }
}

/// supervisord's `KEY="val",KEY2='v,2',KEY3=plain`: a comma inside quotes stays in the value.
pub fn parse_environment_string(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            key.push(c);
            chars.next();
        }
        let key = key.trim().to_string();
        if chars.next() != Some('=') {
            return Err(format!("'{key}' has no value (expected KEY=\"value\")"));
        }
        check_env_name(&key)?;
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        // The length up to the end of the last quoted part: blanks inside quotes are kept.
        let mut quoted_len = 0;
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => {
                    quote = None;
                    quoted_len = value.len();
                }
                Some(_) => value.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == ',' => break,
                None => value.push(c),
            }
            chars.next();
        }
        if quote.is_some() {
            return Err(format!("the value of {key} has an unclosed quote"));
        }
        chars.next(); // the comma, if any
        value.truncate(value.trim_end().len().max(quoted_len));
        pairs.push((key, value));
    }
    Ok(pairs)
}

pub fn check_env_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid { Ok(()) } else { Err(format!("'{name}' is not a valid environment variable name")) }
}

/// A value an expansion can take.
#[derive(Debug, Clone)]
pub enum ExpansionValue {
    Str(String),
    Int(i64),
}

/// Applies Python `%`-style named expansions as supervisord does: `%(name)s`, `%(name)d`,
/// `%(name)02d`, and `%%` for a literal percent. `lookup` answers each name.
pub fn expand(template: &str, lookup: &dyn Fn(&str) -> Option<ExpansionValue>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let Some(after_paren) = rest.strip_prefix('(') else {
            return Err(format!("a lone '%' in '{template}' (write %% for a percent sign)"));
        };
        let close = after_paren.find(')').ok_or_else(|| format!("an unclosed '%(' in '{template}'"))?;
        let name = &after_paren[..close];
        rest = &after_paren[close + 1..];
        let spec_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == ' ' || c == '+'))
            .ok_or_else(|| format!("'%({name})' has no conversion (such as s or d) in '{template}'"))?;
        let spec = &rest[..spec_len];
        let conversion = rest[spec_len..].chars().next().unwrap_or(' ');
        rest = &rest[spec_len + conversion.len_utf8()..];
        let value = lookup(name).ok_or_else(|| format!("unknown expansion '%({name})' in '{template}'"))?;
        let left = spec.starts_with('-');
        let zero = spec.trim_start_matches(['-', '+', ' ']).starts_with('0') && !left;
        let width = expansion_width(spec, name, template)?;
        let text = match (conversion, value) {
            ('s' | 'r', ExpansionValue::Str(s)) => s,
            ('s' | 'r' | 'd' | 'i', ExpansionValue::Int(n)) => n.to_string(),
            ('d' | 'i', ExpansionValue::Str(s)) => {
                return Err(format!("'%({name})' is text ('{s}'), not a number, in '{template}'"));
            }
            (c, _) => return Err(format!("unsupported conversion '%({name}){c}' in '{template}' (use s or d)")),
        };
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if zero && let Some(digits) = text.strip_prefix('-') {
            out.push('-');
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(if zero { '0' } else { ' ' }, pad));
            out.push_str(&text);
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The widest field an expansion may ask for. Python would pad to any width; a config that
/// asks for a billion spaces is a mistake (or an attack on `check`), not a layout.
pub const MAX_EXPANSION_WIDTH: usize = 1024;

/// The field width of a `%(name)…` spec such as `-08`: its digits after the flags, bounded.
fn expansion_width(spec: &str, name: &str, template: &str) -> Result<usize, String> {
    let digits = spec.trim_start_matches(['-', '+', ' ', '0']);
    if digits.is_empty() {
        return Ok(0);
    }
    match digits.parse::<usize>() {
        Ok(width) if width <= MAX_EXPANSION_WIDTH => Ok(width),
        _ => Err(format!("the width {digits} of '%({name})' in '{template}' is larger than {MAX_EXPANSION_WIDTH}")),
    }
}

/// Whether a template mentions a given expansion name.
pub fn mentions(template: &str, name: &str) -> bool {
    template.contains(&format!("%({name})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_by_name_and_number() {
        assert_eq!(Signal::parse("TERM").unwrap().number(), libc::SIGTERM);
        assert_eq!(Signal::parse("sigusr1").unwrap().number(), libc::SIGUSR1);
        assert_eq!(Signal::parse("9").unwrap().short_name(), "KILL");
        assert!(Signal::parse("BOGUS").unwrap_err().contains("unknown signal 'BOGUS'"));
        assert!(Signal::parse("999").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50MB"), Ok(50 << 20));
        assert_eq!(parse_size("1 kb"), Ok(1024));
        assert_eq!(parse_size("7"), Ok(7));
        assert_eq!(parse_size("2GB"), Ok(2 << 30));
        assert!(parse_size("MB").is_err());
        assert!(parse_size("5XB").is_err());
        assert!(parse_size("-5").is_err());
    }

    #[test]
    fn octal() {
        assert_eq!(parse_octal_str("022"), Ok(0o22));
        assert_eq!(parse_octal_str("0o077"), Ok(0o77));
        assert!(parse_octal_str("089").is_err());
        assert!(parse_octal_str("77777").is_err());
        assert!(parse_octal_str("+22").is_err());
        assert!(parse_octal_str("0o").is_err());
    }

    #[test]
    fn environment_strings_keep_quoted_commas() {
        let env = parse_environment_string(r#"A="x,y",B='1',C=plain , D="""#).unwrap();
        let want = [("A", "x,y"), ("B", "1"), ("C", "plain"), ("D", "")];
        assert_eq!(env, want.map(|(k, v)| (k.to_string(), v.to_string())));
        assert!(parse_environment_string("A=\"open").is_err());
        assert!(parse_environment_string("1A=x").is_err());
        assert!(parse_environment_string("NOVALUE").is_err());
        assert_eq!(parse_environment_string("").unwrap(), vec![]);
        let padded = parse_environment_string("A=' x ' , B = \"\t\" ").unwrap();
        assert_eq!(padded, [("A", " x "), ("B", "\t")].map(|(k, v)| (k.to_string(), v.to_string())));
    }

    #[test]
    fn expansions_follow_python_formatting() {
        let lookup = |name: &str| match name {
            "program_name" => Some(ExpansionValue::Str("web".into())),
            "process_num" => Some(ExpansionValue::Int(3)),
            _ => None,
        };
        let e = |t: &str| expand(t, &lookup);
        assert_eq!(e("%(program_name)s_%(process_num)d").unwrap(), "web_3");
        assert_eq!(e("%(process_num)02d").unwrap(), "03");
        assert_eq!(e("%(process_num)-3d|").unwrap(), "3  |");
        assert_eq!(e("100%% %(program_name)s").unwrap(), "100% web");
        assert_eq!(e("%(process_num)s").unwrap(), "3");
        assert_eq!(e("%(process_num)1024d").unwrap().len(), 1024);
        assert!(e("%(process_num)1025d").unwrap_err().contains("the width 1025 of '%(process_num)'"));
        assert!(e("%(process_num)-99999999999999999999999d").unwrap_err().contains("larger than 1024"));
        assert!(e("%(nope)s").unwrap_err().contains("unknown expansion '%(nope)'"));
        assert!(e("%(program_name)d").is_err());
        assert!(e("50%").is_err());
        assert!(e("%(program_name").is_err());
        assert!(e("%(program_name)").is_err());
    }
}
