//! Lenient leaf types for export JSON: every scalar field tolerates `null`, a missing key and
//! the "wrong" JSON type (a number where a string was expected, an object where a scalar was),
//! so one odd field never rejects a whole vault. Structure (objects, arrays) stays typed.

use crate::model::Timestamp;
use chrono::{DateTime, Utc};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A text field: strings as they are; numbers and booleans as their JSON text; null, objects
/// and arrays as absent. Empty strings read as absent too (see [`Text::get`]).
#[derive(Default)]
pub(crate) struct Text(pub(crate) Option<String>);

impl Text {
    /// The value, `None` when absent or empty.
    pub(crate) fn get(&self) -> Option<&str> {
        self.0.as_deref().filter(|s| !s.is_empty())
    }

    /// The value or `""`.
    pub(crate) fn or_empty(&self) -> &str {
        self.get().unwrap_or("")
    }

    /// Moves the value out (for passwords, so the only copy ends up in a `Secret`).
    pub(crate) fn take(&mut self) -> String {
        self.0.take().unwrap_or_default()
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(Some(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(Some(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(Some(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(Some(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(Some(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(Some(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// A numeric field: numbers, numeric strings and booleans (as 0/1); anything else is absent.
#[derive(Default, Clone, Copy)]
pub(crate) struct Num(pub(crate) Option<f64>);

impl Num {
    /// The value as an integer, when it is one.
    pub(crate) fn int(self) -> Option<i64> {
        self.0
            .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15)
            // Exact: integral and well inside the i64 range.
            .map(|v| v as i64)
    }

    /// True when present and non-zero (Enpass `trashed: 1`, ...).
    pub(crate) fn truthy(self) -> bool {
        self.0.is_some_and(|v| v != 0.0)
    }

    /// Reads the value as a Unix time: seconds, or milliseconds when it is too large to be
    /// seconds. Zero, negative and absurd values are absent.
    pub(crate) fn unix_time(self) -> Option<Timestamp> {
        let v = self.0.filter(|v| v.is_finite() && *v > 0.0)?;
        let secs = if v >= 1.0e11 { v / 1000.0 } else { v };
        if secs >= 1.0e11 {
            return None;
        }
        // Both casts are exact enough: secs < 1e11 and the fraction is below one second.
        let whole = secs.trunc() as i64;
        let nanos = ((secs - secs.trunc()) * 1.0e9) as u32;
        DateTime::from_timestamp(whole, nanos.min(999_999_999))
    }
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(Num(v.trim().parse::<f64>().ok()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Num, E> {
        Ok(Num(Some(if v { 1.0 } else { 0.0 })))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num(Some(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num(Some(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        Ok(Num(Some(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Num, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Num, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Num(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Num, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Num(None))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

/// A boolean field: `true`/`false`, numbers (non-zero is true) and the strings "true"/"1".
#[derive(Default, Clone, Copy)]
pub(crate) struct Flag(pub(crate) Option<bool>);

impl Flag {
    /// True only when present and true.
    pub(crate) fn is_true(self) -> bool {
        self.0 == Some(true)
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = Text::deserialize(d)?;
        Ok(Flag(t.0.map(|s| {
            let s = s.trim();
            s.eq_ignore_ascii_case("true") || s.parse::<f64>().is_ok_and(|v| v != 0.0)
        })))
    }
}

/// A JSON array of objects where `null` elements (seen in old exports) are dropped and a
/// non-array reads as empty (the second field tells whether it was an array).
pub(crate) struct List<T>(pub(crate) Vec<T>, pub(crate) bool);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(Vec::new(), false)
    }
}

impl<T> List<T> {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The list when the JSON value was an array, for keys that define the format.
    pub(crate) fn require(
        self,
        what: &str,
        key: &str,
    ) -> Result<Vec<T>, crate::vault::FormatError> {
        if self.1 {
            Ok(self.0)
        } else {
            Err(crate::vault::FormatError::Invalid(format!(
                "{what}: no {key} array (not this kind of export?)"
            )))
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element::<Option<T>>()? {
                    out.extend(item);
                }
                Ok(List(out, true))
            }
            fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<List<T>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A JSON object read as key/value pairs in file order (Proton's `vaults`).
pub(crate) struct Ordered<T>(pub(crate) Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Option<T>>()? {
                    if let Some(v) = v {
                        out.push((k, v));
                    }
                }
                Ok(Ordered(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ordered<T>, E> {
                Ok(Ordered::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Ordered<T>, E> {
                Ok(Ordered::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Ordered<T>, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Parses an ISO-8601 / RFC 3339 time (Bitwarden's `2024-01-30T14:09:33.753Z`); anything
/// unparsable is absent.
pub(crate) fn iso_time(text: &Text) -> Option<Timestamp> {
    let s = text.get()?.trim();
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(default)]
        a: Text,
        #[serde(default)]
        n: Num,
        #[serde(default)]
        f: Flag,
        #[serde(default)]
        l: List<Inner>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(default)]
        x: Text,
    }

    fn parse(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn tolerates_odd_types() {
        let t = parse(r#"{"a": 5, "n": "12", "f": 1, "l": [null, {"x": "y"}]}"#);
        assert_eq!(t.a.get(), Some("5"));
        assert_eq!(t.n.int(), Some(12));
        assert!(t.f.is_true());
        assert_eq!(t.l.0.len(), 1);
        assert_eq!(t.l.0[0].x.get(), Some("y"));
        let t = parse(r#"{"a": {"b": [1, 2]}, "n": [], "f": null, "l": "nope"}"#);
        assert_eq!(t.a.get(), None);
        assert_eq!(t.n.int(), None);
        assert!(!t.f.is_true());
        assert!(t.l.0.is_empty());
        let t = parse(r#"{"a": ""}"#);
        assert_eq!(t.a.get(), None);
    }

    #[test]
    fn unix_times() {
        let secs = Num(Some(1_700_000_000.0)).unix_time().unwrap();
        let ms = Num(Some(1_700_000_000_000.0)).unix_time().unwrap();
        assert_eq!(secs, ms);
        assert_eq!(Num(Some(0.0)).unix_time(), None);
        assert_eq!(Num(Some(-5.0)).unix_time(), None);
        assert_eq!(Num(Some(f64::MAX)).unix_time(), None);
    }

    #[test]
    fn iso_times() {
        let t = iso_time(&Text(Some("2024-01-30T14:09:33.753Z".into()))).unwrap();
        assert_eq!(t.timestamp_millis(), 1_706_623_773_753);
        assert!(iso_time(&Text(Some("yesterday".into()))).is_none());
    }
}
