//! Compact JSON output, byte for byte what `serde_json::to_writer` writes, with strings escaped
//! eight bytes at a time.
//!
//! A decision is about 12 KB of JSON, most of it strings (keys, citations, reasons, fact paths),
//! and serde_json looks at every byte of a string on its own to find the few that need escaping:
//! two thirds of the time spent serialising a decision. Here a string is scanned a machine word at
//! a time, and only a word holding a byte that may need escaping is looked at byte by byte.
//! Everything rare (floats, 128-bit integers, byte strings, map keys that are not strings, raw
//! JSON values) is handed to serde_json itself, so the output cannot drift from it; tests compare
//! the two on generated JSON values and on every decision of the screening property test
//! (`tests/properties.rs`). Those tests would also catch serde_json's `arbitrary_precision`
//! feature, were it ever enabled: its numbers are a private struct this writer does not know.

use serde::ser::{self, Serialize};
use serde_json::Error;

/// Writes `value` as compact JSON at the end of `out`: what `serde_json::to_writer` would write.
///
/// # Errors
/// As serde_json: a map key that cannot be a JSON string, or an error from `value`'s own
/// `Serialize`.
pub fn to_writer<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Compact { out })
}

/// `value` as compact JSON: what `serde_json::to_string` would give.
///
/// # Errors
/// As [`to_writer`].
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String, Error> {
    let mut out = Vec::with_capacity(1024);
    to_writer(&mut out, value)?;
    // Everything written is UTF-8: strings are copied whole or escaped as ASCII.
    String::from_utf8(out).map_err(ser::Error::custom)
}

/// The escape of a byte serde_json escapes: the short escape's letter, or `u` for `\u00XX`;
/// 0 for a byte copied as it is.
const fn escape_of(byte: u8) -> u8 {
    match byte {
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        b'"' => b'"',
        b'\\' => b'\\',
        0..=0x1F => b'u',
        _ => 0,
    }
}

/// [`escape_of`] for every byte, looked up in the loops (a match there costs more).
#[allow(
    clippy::indexing_slicing,
    reason = "a const loop writes indices 0 to 255 of a 256-entry table"
)]
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = escape_of(i as u8);
        i += 1;
    }
    table
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `w` may need escaping: a control character, `"` or `\`.
/// Exact for "none": a word that passes holds none of them (it may flag a word that holds none,
/// which is then looked at byte by byte).
const fn may_escape(w: u64) -> bool {
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let q = w ^ (ONES * 0x22); // `"`
    let quote = q.wrapping_sub(ONES) & !q;
    let b = w ^ (ONES * 0x5C); // `\`
    let backslash = b.wrapping_sub(ONES) & !b;
    (below_space | quote | backslash) & HIGHS != 0
}

/// Writes `s` as a JSON string, escaped as serde_json escapes it.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if needs_no_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        write_escaped(out, bytes);
    }
    out.push(b'"');
}

/// Whether no byte of `bytes` needs escaping (most strings): eight bytes at a time, then the
/// rest one by one.
fn needs_no_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if may_escape(u64::from_le_bytes(
            <[u8; 8]>::try_from(word).unwrap_or([0; 8]),
        )) {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| ESCAPE.get(usize::from(b)).is_none_or(|&e| e == 0))
}

/// The contents of a string that holds a byte to escape, byte by byte.
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE.get(usize::from(byte)).copied().unwrap_or(0);
        if escape != 0 {
            out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
            write_escape(out, byte, escape);
            start = i + 1;
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

fn write_escape(out: &mut Vec<u8>, byte: u8, escape: u8) {
    if escape == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let hi = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
        let lo = HEX.get(usize::from(byte & 0xF)).copied().unwrap_or(b'0');
        out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
    } else {
        out.extend_from_slice(&[b'\\', escape]);
    }
}

/// Hands a rare value to serde_json and appends what it writes.
fn delegate<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    serde_json::to_writer(out, value)
}

/// The name serde_json gives the struct a `RawValue` serialises as.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

struct Compact<'a> {
    out: &'a mut Vec<u8>,
}

/// An array or object being written.
struct Compound<'c, 'a> {
    ser: &'c mut Compact<'a>,
    first: bool,
    /// Close with `}` after the container (a variant wrapped in an object).
    wrapped: bool,
    /// A `RawValue`: its one field is JSON text, written as it is.
    raw: bool,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !self.first {
            self.ser.out.push(b',');
        }
        self.first = false;
    }

    fn close(self, bracket: u8) {
        self.ser.out.push(bracket);
        if self.wrapped {
            self.ser.out.push(b'}');
        }
    }
}

impl<'c, 'a> Compact<'a> {
    fn open(&'c mut self, bracket: u8, wrapped: bool) -> Compound<'c, 'a> {
        self.out.push(bracket);
        Compound {
            ser: self,
            first: true,
            wrapped,
            raw: false,
        }
    }

    /// `{"variant":` before a variant's content.
    fn variant(&mut self, variant: &str) {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
    }
}

impl<'c, 'a> ser::Serializer for &'c mut Compact<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'c, 'a>;
    type SerializeTuple = Compound<'c, 'a>;
    type SerializeTupleStruct = Compound<'c, 'a>;
    type SerializeTupleVariant = Compound<'c, 'a>;
    type SerializeMap = Compound<'c, 'a>;
    type SerializeStruct = Compound<'c, 'a>;
    type SerializeStructVariant = Compound<'c, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        delegate(self.out, &v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        delegate(self.out, &v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        delegate(self.out, &v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        delegate(self.out, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        delegate(self.out, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write_str(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'c, 'a>, Error> {
        Ok(self.open(b'[', false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'c, 'a>, Error> {
        Ok(self.open(b'[', false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'c, 'a>, Error> {
        Ok(self.open(b'[', false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'c, 'a>, Error> {
        self.variant(variant);
        Ok(self.open(b'[', true))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'c, 'a>, Error> {
        Ok(self.open(b'{', false))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'c, 'a>, Error> {
        if name == RAW_VALUE_TOKEN {
            return Ok(Compound {
                ser: self,
                first: true,
                wrapped: false,
                raw: true,
            });
        }
        Ok(self.open(b'{', false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'c, 'a>, Error> {
        self.variant(variant);
        Ok(self.open(b'{', true))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        match key.serialize(KeyStr(self.ser.out)) {
            Ok(true) => {}
            // Not a string: serde_json decides what it becomes (a number in quotes, say) or
            // refuses it, writing the key of a map with that one entry.
            _ => {
                let entry = serde_json::to_string(&OneEntry(key))?;
                let written = entry
                    .strip_prefix('{')
                    .and_then(|e| e.strip_suffix(":null}"))
                    .ok_or_else(|| ser::Error::custom("a map key serde_json wrote unexpectedly"))?;
                self.ser.out.extend_from_slice(written.as_bytes());
            }
        }
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.out.push(b':');
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if self.raw {
            // A `RawValue`'s field is its JSON text: serde_json writes it unescaped.
            let quoted = serde_json::to_string(value)?;
            let text: String = serde_json::from_str(&quoted)?;
            self.ser.out.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        self.comma();
        write_str(self.ser.out, key);
        self.ser.out.push(b':');
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        if !self.raw {
            self.close(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeStruct::end(self)
    }
}

/// A map with one entry, `key` to `null`: how a key serde_json must judge is written.
struct OneEntry<'k, K: ?Sized>(&'k K);

impl<K: ?Sized + Serialize> Serialize for OneEntry<'_, K> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.0, &())?;
        m.end()
    }
}

/// Writes a map key that is a string (or a newtype around one) and gives `true`; writes nothing
/// and gives `false` (or an error) for any other key, which serde_json then judges.
struct KeyStr<'o>(&'o mut Vec<u8>);

/// What [`KeyStr`] gives.
type NotStr = Result<bool, Error>;

macro_rules! not_a_string {
    ($($name:ident($($t:ty),*);)*) => {
        $(fn $name(self, $(_: $t),*) -> NotStr { Ok(false) })*
    };
}

impl ser::Serializer for KeyStr<'_> {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = ser::Impossible<bool, Error>;
    type SerializeTuple = ser::Impossible<bool, Error>;
    type SerializeTupleStruct = ser::Impossible<bool, Error>;
    type SerializeTupleVariant = ser::Impossible<bool, Error>;
    type SerializeMap = ser::Impossible<bool, Error>;
    type SerializeStruct = ser::Impossible<bool, Error>;
    type SerializeStructVariant = ser::Impossible<bool, Error>;

    fn serialize_str(self, v: &str) -> NotStr {
        write_str(self.0, v);
        Ok(true)
    }
    fn serialize_char(self, v: char) -> NotStr {
        write_str(self.0, v.encode_utf8(&mut [0u8; 4]));
        Ok(true)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> NotStr {
        write_str(self.0, variant);
        Ok(true)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> NotStr {
        value.serialize(self)
    }
    not_a_string! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> NotStr {
        Ok(false)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> NotStr {
        Ok(false)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(NOT_STR))
    }
}

/// Any error from [`KeyStr`] only sends the key to serde_json, which gives its own.
const NOT_STR: &str = "not a string key";

#[cfg(test)]
#[path = "compact_tests.rs"]
mod tests;
