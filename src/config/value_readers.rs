//! Reading typed values out of a format-neutral section: [`SectionReader`] (the user's value or
//! the key table's default, errors at the value's place) and the converters from a TOML value
//! to each kind of setting (`as_size`, `as_signal`, `as_environment`, ...). Shared by every
//! section `validate` builds.

use toml::Spanned;
use toml::de::DeValue;

use super::keys::{self, Key, Kind};
use super::sections::{Diagnostics, RawSection, SourceFile};
use super::values::{self, Signal};
use super::{AutoRestart, Chown, LogLevel};

/// Reads typed values out of one section, falling back to the key table's defaults and
/// reporting type errors at the value's place.
pub(super) struct SectionReader<'a> {
    pub(super) section: &'a RawSection<'a>,
    pub(super) file: &'a SourceFile,
    pub(super) diagnostics: &'a mut Diagnostics,
}

impl SectionReader<'_> {
    pub(super) fn error_at(&mut self, offset: usize, key: &str, message: String) {
        self.diagnostics.push((self.section.file, self.file), offset, &self.section.label, key, message);
    }

    pub(super) fn warn_at(&mut self, offset: usize, key: &str, message: String) {
        self.diagnostics.warn((self.section.file, self.file), offset, &self.section.label, key, message);
    }

    pub(super) fn spec(&self, name: &str) -> &'static Key {
        keys::find(self.section.kind, name).unwrap_or_else(|| panic!("{name} is not in the key table"))
    }

    pub(super) fn entry(&self, name: &str) -> Option<&Spanned<DeValue<'_>>> {
        self.section.entries.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v)
    }

    pub(super) fn is_set(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }

    /// The user's value converted, or else the table's default converted. A user value that does
    /// not convert is reported and the default is used, so one mistake does not hide others.
    pub(super) fn get<T>(&mut self, name: &str, convert: impl Fn(&DeValue<'_>) -> Result<T, String>) -> Option<T> {
        let spec = self.spec(name);
        if let Some(value) = self.entry(name).cloned() {
            match convert(value.get_ref()) {
                Ok(v) => return Some(v),
                Err(message) => self.error_at(value.span().start, name, message),
            }
        }
        match spec.default {
            keys::DefaultValue::Value(literal) => {
                let parsed = DeValue::parse(literal).expect("key table default is valid TOML");
                Some(convert(parsed.get_ref()).expect("key table default converts"))
            }
            keys::DefaultValue::Required => {
                if self.entry(name).is_none() {
                    let offset = self.section.offset;
                    self.error_at(offset, name, "is required".to_string());
                }
                None
            }
            keys::DefaultValue::Unset | keys::DefaultValue::Computed(_) => None,
        }
    }

    /// A key whose table default is a value: the user's value, else that default.
    pub(super) fn value<T>(&mut self, name: &str, convert: impl Fn(&DeValue<'_>) -> Result<T, String>) -> T {
        let section = self.section.label.clone();
        self.get(name, convert).unwrap_or_else(|| panic!("[{section}] {name} has no default value in the key table"))
    }

    /// An integer key with a default, checked against its range in the key table.
    pub(super) fn int(&mut self, name: &str) -> i64 {
        let Kind::Int { min, max } = self.spec(name).kind else { panic!("{name} is not an integer key") };
        self.value(name, as_int_in(min, max))
    }

    /// The items of a list-of-strings key with where each stands, when the whole list is valid
    /// (its errors are reported by `get`).
    pub(super) fn spanned_strings(&mut self, name: &str) -> Option<Vec<(usize, String)>> {
        self.get(name, as_str_list)?;
        let DeValue::Array(items) = self.entry(name)?.get_ref() else { return None };
        items.iter().map(|item| Some((item.span().start, item.get_ref().as_str()?.to_string()))).collect()
    }

    pub(super) fn value_offset(&self, name: &str) -> usize {
        self.entry(name).map_or(self.section.offset, |v| v.span().start)
    }
}

pub(super) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub(super) fn expected(what: &str, value: &DeValue<'_>) -> String {
    format!("expected {what}, found {}", type_name(value))
}

pub(super) fn as_bool(value: &DeValue<'_>) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| expected("true or false", value))
}

pub(super) fn as_string(value: &DeValue<'_>) -> Result<String, String> {
    value.as_str().map(str::to_string).ok_or_else(|| expected("a string", value))
}

pub(super) fn as_i64(value: &DeValue<'_>) -> Result<i64, String> {
    let int = value.as_integer().ok_or_else(|| expected("an integer", value))?;
    i64::from_str_radix(int.as_str(), int.radix()).map_err(|_| format!("{} is out of range", int.as_str()))
}

pub(super) fn as_int_in(min: i64, max: i64) -> impl Fn(&DeValue<'_>) -> Result<i64, String> {
    move |value| {
        let n = as_i64(value)?;
        if n < min || n > max { Err(format!("{n} is out of range ({min} to {max})")) } else { Ok(n) }
    }
}

pub(super) fn as_size(value: &DeValue<'_>) -> Result<u64, String> {
    match value {
        DeValue::String(s) => values::parse_size(s),
        DeValue::Integer(_) => {
            let n = as_i64(value)?;
            u64::try_from(n).map_err(|_| format!("{n} is negative"))
        }
        other => Err(expected("a size (an integer or a string such as \"50MB\")", other)),
    }
}

pub(super) fn as_octal(value: &DeValue<'_>) -> Result<u32, String> {
    match value {
        DeValue::String(s) => values::parse_octal_str(s),
        DeValue::Integer(int) if int.radix() == 8 => {
            values::check_octal_range(u32::from_str_radix(int.as_str(), 8).map_err(|e| e.to_string())?)
        }
        DeValue::Integer(int) => Err(format!(
            "{} is a decimal integer; write an octal mode as \"0{}\" or 0o{}",
            int.as_str(),
            int.as_str(),
            int.as_str()
        )),
        other => Err(expected("an octal mode such as \"022\"", other)),
    }
}

pub(super) fn as_signal(value: &DeValue<'_>) -> Result<Signal, String> {
    match value {
        DeValue::String(s) => Signal::parse(s),
        DeValue::Integer(_) => Signal::parse(&as_i64(value)?.to_string()),
        other => Err(expected("a signal name or number", other)),
    }
}

pub(super) fn as_str_list(value: &DeValue<'_>) -> Result<Vec<String>, String> {
    let array = value.as_array().ok_or_else(|| expected("an array of strings", value))?;
    array.iter().map(|item| as_string(item.get_ref())).collect()
}

pub(super) fn as_exitcodes(value: &DeValue<'_>) -> Result<Vec<i32>, String> {
    let one = |v: &DeValue<'_>| as_int_in(0, 255)(v).map(|n| n as i32);
    match value {
        DeValue::Array(array) => array.iter().map(|item| one(item.get_ref())).collect(),
        // supervisord reads an empty exitcodes as "no exit is expected".
        DeValue::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        DeValue::String(s) => s
            .split(',')
            .map(|part| {
                part.trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|n| (0..=255).contains(n))
                    .ok_or_else(|| format!("'{}' is not an exit code (0 to 255)", part.trim()))
            })
            .collect(),
        other => one(other).map(|n| vec![n]),
    }
}

pub(super) fn as_autorestart(value: &DeValue<'_>) -> Result<AutoRestart, String> {
    match value {
        DeValue::Boolean(true) => Ok(AutoRestart::Always),
        DeValue::Boolean(false) => Ok(AutoRestart::Never),
        DeValue::String(s) => match s.to_ascii_lowercase().as_str() {
            "unexpected" => Ok(AutoRestart::Unexpected),
            "true" => Ok(AutoRestart::Always),
            "false" => Ok(AutoRestart::Never),
            _ => Err(format!("'{s}' is not one of unexpected, true, false")),
        },
        other => Err(expected("unexpected, true or false", other)),
    }
}

pub(super) fn as_loglevel(value: &DeValue<'_>) -> Result<LogLevel, String> {
    super::overrides::parse_loglevel(&as_string(value)?)
}

pub(super) fn as_chown(value: &DeValue<'_>) -> Result<Chown, String> {
    let s = as_string(value)?;
    let (user, group) = match s.split_once(':') {
        Some((u, g)) => (u.to_string(), Some(g.to_string())),
        None => (s.clone(), None),
    };
    if user.is_empty() || group.as_deref() == Some("") {
        return Err(format!("'{s}' is not user or user:group"));
    }
    if nix::unistd::User::from_name(&user).ok().flatten().is_none() {
        return Err(format!("no such user '{user}'"));
    }
    if let Some(g) = &group
        && nix::unistd::Group::from_name(g).ok().flatten().is_none()
    {
        return Err(format!("no such group '{g}'"));
    }
    Ok(Chown { user, group })
}

/// supervisord's `inet_address`: `HOST:PORT`, `:PORT`, `*:PORT` or `PORT`; no host (or `*`)
/// means every interface.
pub(super) fn as_inet_address(value: &DeValue<'_>) -> Result<(String, u16), String> {
    let text = match value {
        DeValue::Integer(_) => as_i64(value)?.to_string(),
        other => as_string(other)?,
    };
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (if host == "*" { "" } else { host }, port),
        None => ("", text.as_str()),
    };
    let port = port
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|&p| p > 0)
        .ok_or_else(|| format!("'{text}' has no valid port (1 to 65535)"))?;
    Ok((host.to_string(), port))
}

pub(super) fn as_user(value: &DeValue<'_>) -> Result<String, String> {
    let user = as_string(value)?;
    if nix::unistd::User::from_name(&user).ok().flatten().is_none() && user.parse::<u32>().is_err() {
        return Err(format!("no such user '{user}'"));
    }
    Ok(user)
}

/// Environment as a TOML table (string, integer, float or boolean values) or supervisord's
/// `KEY="val",KEY2="val2"` string. Values are returned unexpanded.
pub(super) fn as_environment(value: &DeValue<'_>) -> Result<Vec<(String, String)>, String> {
    match value {
        DeValue::String(s) => values::parse_environment_string(s),
        DeValue::Table(table) => table
            .iter()
            .map(|(k, v)| {
                let key = k.get_ref().to_string();
                values::check_env_name(&key)?;
                let text = match v.get_ref() {
                    DeValue::String(s) => s.to_string(),
                    DeValue::Integer(i) => as_i64(&DeValue::Integer(i.clone()))?.to_string(),
                    DeValue::Float(f) => f.as_str().to_string(),
                    DeValue::Boolean(b) => b.to_string(),
                    other => return Err(format!("{key}: {}", expected("a string", other))),
                };
                Ok((key, text))
            })
            .collect(),
        other => Err(expected("a table or a string KEY=\"value\",...", other)),
    }
}
