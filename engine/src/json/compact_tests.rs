use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{to_string, to_writer};

fn same<T: ?Sized + Serialize>(v: &T) {
    let ours = to_string(v);
    let theirs = serde_json::to_string(v);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("compact gave {a:?}, serde_json {b:?}"),
    }
}

#[test]
fn every_byte_that_needs_escaping_is_escaped_as_serde_json_escapes_it_wherever_it_falls() {
    let specials: Vec<char> = (0u8..0x80)
        .map(char::from)
        .chain(['é', '€', '𝄞', '\u{7f}', '\u{2028}'])
        .collect();
    for &c in &specials {
        // At every offset within and across a machine word, with plain text around it.
        for before in 0..18 {
            for after in [0, 1, 7, 8, 9] {
                let s = format!("{}{c}{}", "a".repeat(before), "b".repeat(after));
                same(&s);
            }
        }
    }
    same("");
    same("\"\\\"\\");
    same(&"\u{1}".repeat(20));
}

#[test]
fn the_rare_shapes_are_written_as_serde_json_writes_them() {
    #[derive(Serialize)]
    enum E {
        Unit,
        New(i32),
        Tuple(u8, String),
        Struct { a: Option<bool>, b: Vec<()> },
    }
    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Wrap(String);
    same(&vec![
        E::Unit,
        E::New(-3),
        E::Tuple(7, "x\n".into()),
        E::Struct {
            a: None,
            b: vec![(), ()],
        },
    ]);
    same(&(
        Unit,
        Wrap("w".into()),
        'c',
        '\u{0}',
        i128::MIN,
        u128::MAX,
        1.5f32,
        f64::NAN,
        f64::INFINITY,
        -0.0f64,
        1e300f64,
        0.1f64,
    ));
    same(&serde_bytes_slice());
    same(&BTreeMap::from([(1i32, true), (-2, false)]));
    same(&BTreeMap::from([(true, 1)]));
    same(&BTreeMap::from([('k', 1)]));
    same(&BTreeMap::from([(Wrap("k\"".into()), 1)]));
    same(&BTreeMap::from([(vec![1], 1)]));
    same(&BTreeMap::from([(Some(1), 1)]));
    same(&BTreeMap::from([((), 1)]));
    same(&BTreeMap::<String, i32>::new());
    same(&Vec::<i32>::new());
    let raw = serde_json::value::RawValue::from_string("{\"a\": [1, 2]}".to_owned()).unwrap();
    same(&vec![raw.clone(), raw]);
}

fn serde_bytes_slice() -> BTreeMap<&'static str, &'static [u8]> {
    BTreeMap::from([("b", &[0u8, 255][..])])
}

#[test]
fn it_appends_to_what_the_buffer_holds() {
    let mut out = b"{\"line\":1,\"decision\":".to_vec();
    to_writer(&mut out, &BTreeMap::from([("a", "b")])).unwrap();
    assert_eq!(out, b"{\"line\":1,\"decision\":{\"a\":\"b\"}");
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[ -~\\n\\t\\u{0}-\\u{1f}\"\\\\é€]{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_value_is_written_byte_for_byte_as_serde_json_writes_it(v in any_value()) {
        prop_assert_eq!(to_string(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }
}
