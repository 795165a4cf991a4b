//! The XML-RPC data model: one [`Value`] tree for both directions.
//!
//! Structs keep their members in order, because Python's `xmlrpc.client` (and so supervisord)
//! writes a dict's keys in insertion order, and we answer byte for byte as it does.

/// An XML-RPC value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `<int>`/`<i4>`. Read as i64 (Python's int is unbounded); written clamped to the i32
    /// range XML-RPC allows, as supervisord's `capped_int` does for its timestamps.
    Int(i64),
    Bool(bool),
    String(String),
    Double(f64),
    /// `<dateTime.iso8601>` as its text (`20261129T16:00:00`), validated on reading.
    DateTime(String),
    /// `<base64>`. On reading, supervisord turns base64 into a string, and so do we
    /// ([`super::codec`] yields [`Value::String`]); this variant exists for writing.
    Base64(Vec<u8>),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    /// `<nil/>`: read (supervisord's parser takes it as None), never written by the API.
    Nil,
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A struct from `(key, value)` pairs, in order.
    pub fn structure<K: Into<String>>(members: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Struct(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A struct member; the last one wins on duplicate keys, as in a Python dict.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Struct(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Python's truthiness, for the `wait` flags supervisord tests with `if wait`.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Double(d) => *d != 0.0,
            Value::DateTime(_) => true,
            Value::Base64(b) => !b.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Struct(m) => !m.is_empty(),
            Value::Nil => false,
        }
    }

    /// The XML-RPC type name, as `system.methodSignature` spells types.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Double(_) => "double",
            Value::DateTime(_) => "dateTime.iso8601",
            Value::Base64(_) => "base64",
            Value::Array(_) => "array",
            Value::Struct(_) => "struct",
            Value::Nil => "nil",
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i.into())
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i.into())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

/// Python's `repr(float)`: the shortest digits that read back to the same double, in
/// positional notation for exponents -4..16 and scientific (`1e+16`, `1.5e-05`) outside,
/// which is what `xmlrpc.client` writes in a `<double>`.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `1.2345e-5`, `1e16`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} exponent is a number");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let mantissa = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        // Each pair checked against CPython 3.11's repr().
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (123456789.0, "123456789.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (std::f64::consts::PI, "3.141592653589793"),
            (1234.5678, "1234.5678"),
        ];
        for (x, repr) in cases {
            assert_eq!(python_float_repr(*x), *repr, "{x:e}");
        }
    }

    #[test]
    fn struct_lookup_and_truthiness() {
        let v = Value::structure([("a", Value::Int(1)), ("b", Value::from("x")), ("a", Value::Int(2))]);
        assert_eq!(v.get("a"), Some(&Value::Int(2)));
        assert_eq!(v.get("c"), None);
        assert_eq!(Value::Int(1).get("a"), None);
        assert_eq!(v.get("b").and_then(Value::as_str), Some("x"));
        for (value, truth) in [
            (Value::Bool(false), false),
            (Value::Bool(true), true),
            (Value::Int(0), false),
            (Value::Int(-1), true),
            (Value::from(""), false),
            (Value::from("0"), true),
            (Value::Double(0.0), false),
            (Value::Array(vec![]), false),
            (Value::Struct(vec![]), false),
            (Value::Base64(vec![0]), true),
            (Value::DateTime("20260101T00:00:00".into()), true),
            (Value::Nil, false),
        ] {
            assert_eq!(value.truthy(), truth, "{value:?}");
        }
        assert_eq!(Value::from(vec!["a", "b"]), Value::Array(vec![Value::from("a"), Value::from("b")]));
        assert_eq!(Value::from(3u32).type_name(), "int");
        assert_eq!(Value::Nil.type_name(), "nil");
    }
}
