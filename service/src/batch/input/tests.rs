//! Tests of the portfolio readers.

use serde_json::Value;

use super::*;

fn items(format: Format, text: &[u8]) -> Result<Vec<Item>, FileError> {
    Ok(open(format, text)?
        .map(|r| {
            r.unwrap_or_else(|_| Item {
                line: 0,
                json: Ok(String::new()),
            })
        })
        .collect())
}

/// An input the system cannot read is an I/O failure of the whole input, not a problem of
/// what it holds; an input in another encoding is the latter.
#[test]
fn an_unreadable_input_is_told_apart_from_a_bad_one() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("Is a directory"))
        }
    }
    for format in [Format::JsonLines, Format::Csv] {
        let Err(e) = open(format, io::BufReader::new(Failing)) else {
            panic!("{format:?}: a failing reader was opened");
        };
        assert!(e.unreadable, "{format:?}: {e}");
        assert!(e.message.contains("Is a directory"), "{e}");
    }
    let Err(e) = items(Format::Csv, b"\xFF\xFEr\0e\0") else {
        panic!("UTF-16 was read");
    };
    assert!(!e.unreadable, "{e}");
}

fn json(i: &Item) -> Value {
    i.json
        .as_ref()
        .ok()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

#[test]
fn csv_rows_become_nested_applications() {
    let csv = "reference,instrument,application_date,project.capacity.thermal_mw,project.workforce,project.workers_under_18,project.activities,project.supply_chain.good,project.supply_chain[].country,documents\n\
               X-1,export_credit,2026-01-05,350.5,1200,FALSE,new_construction;expansion,cotton;cocoa,UZ;CI,[]\n\
               \n\
               X-2,export_credit,2026-01-05,,,,,,,\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    assert_eq!(got.len(), 2);
    assert_eq!(got.first().map(|i| i.line), Some(2));
    assert_eq!(got.get(1).map(|i| i.line), Some(4));
    let first = got.first().map(json).unwrap_or_default();
    assert_eq!(first["project"]["capacity"]["thermal_mw"], "350.5");
    assert_eq!(first["project"]["workforce"], 1200);
    assert_eq!(first["project"]["workers_under_18"], false);
    assert_eq!(
        first["project"]["activities"],
        serde_json::json!(["new_construction", "expansion"])
    );
    assert_eq!(
        first["project"]["supply_chain"],
        serde_json::json!([{"good": "cotton", "country": "UZ"}, {"good": "cocoa", "country": "CI"}])
    );
    assert_eq!(first["documents"], serde_json::json!([]));
    // Empty cells are unknown: no project at all.
    let second = got.get(1).map(json).unwrap_or_default();
    assert_eq!(second.get("project"), None);
}

#[test]
fn misaligned_members_and_short_rows_are_line_errors() {
    let csv = "reference,instrument,application_date,project.supply_chain.good,project.supply_chain.country\n\
               X-1,export_credit,2026-01-05,cotton;cocoa,UZ\n\
               X-2,export_credit\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    let msgs: Vec<String> = got
        .iter()
        .map(|i| {
            i.json
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert!(
        msgs.first()
            .is_some_and(|m| m.contains("project.supply_chain") && m.contains("aligned")),
        "{msgs:?}"
    );
    assert!(
        msgs.get(1).is_some_and(|m| m.contains("5 cells")),
        "{msgs:?}"
    );
}

#[test]
fn bad_headers_fail_the_whole_file_naming_each_column() {
    let csv =
        "reference,instrument,application_date,project.capcity.thermal_mw,project,reference\n";
    let e = items(Format::Csv, csv.as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("project.capcity.thermal_mw")
            && e.contains("did you mean `project.capacity.thermal_mw`"),
        "{e}"
    );
    assert!(e.contains("section `project`"), "{e}");
    assert!(e.contains("column 1 already names `reference`"), "{e}");
    let e = items(Format::Csv, b"reference,instrument\n")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("application_date"), "{e}");
    let e = items(Format::Csv, b"")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn encodings() {
    // UTF-16 is refused as a whole; a UTF-8 byte-order mark is skipped; one bad line alone.
    let e = items(Format::JsonLines, b"\xFF\xFEr\0")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("UTF-16"), "{e}");
    // Lines that end with a bare CR: the header would run on; the message says why.
    let e = items(
        Format::Csv,
        b"reference,instrument,application_date\rA,export_credit,2026-01-05\r",
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("bare CR"), "{e}");
    // UTF-16 without a byte-order mark, both byte orders.
    for text in [&b"r\0e\0f\0"[..], &b"\0r\0e\0f"[..]] {
        let e = items(Format::Csv, text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("UTF-16"), "{e}");
    }
    let got = items(
        Format::JsonLines,
        b"\xEF\xBB\xBF{\"a\":1}\n{\"b\":\"\xE9\"}\n",
    )
    .unwrap_or_default();
    assert_eq!(
        got.first()
            .and_then(|i| i.json.as_ref().ok())
            .map(String::as_str),
        Some("{\"a\":1}")
    );
    assert!(matches!(
        got.get(1).map(|i| &i.json),
        Some(Err(InputError::Syntax { column: 7, .. }))
    ));
    let csv =
        b"\xEF\xBB\xBFreference,instrument,application_date\nR\xE9f,export_credit,2026-01-05\n";
    let got = items(Format::Csv, csv).unwrap_or_default();
    let msg = got
        .first()
        .and_then(|i| i.json.as_ref().err())
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(msg.contains("reference") && msg.contains("UTF-8"), "{msg}");
}

/// A reader that hands out one byte at a time, like a slow network body.
struct Trickle(Vec<u8>, usize);
impl std::io::Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.get(self.1), out.first_mut()) {
            (Some(b), Some(o)) => {
                *o = *b;
                self.1 += 1;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn line_numbers_hold_for_crlf_blank_lines_and_quoted_breaks() {
    let csv = "reference,instrument,application_date\r\n\r\nA,export_credit,2026-01-05\r\n\"B\nstill B\",export_credit,2026-01-05\r\n\r\n\r\nC\rx,export_credit,2026-01-05\r\nD,export_credit,2026-01-05";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    let lines: Vec<u64> = got.iter().map(|i| i.line).collect();
    assert_eq!(lines, [3, 4, 8, 9]);
    // The bare CR stays inside the cell (one row, not two).
    assert_eq!(json(&got[2])["reference"], "C\rx");
    // A UTF-8 byte-order mark arriving one byte at a time is still dropped.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(csv.as_bytes());
    let slow = std::io::BufReader::with_capacity(1, Trickle(bytes, 0));
    assert_eq!(open(Format::Csv, slow).map(Iterator::count).unwrap_or(0), 4);
}

/// The error of an item, as text (empty for an application).
fn error_of(i: &Item) -> String {
    i.json
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[test]
fn a_row_reports_its_csv_and_contract_errors_together() {
    let csv = "reference,instrument,application_date,project.workforce,project.supply_chain.good,project.supply_chain.country\n\
               A,export_credit,2026-02-30,many,cotton;cocoa,UZ\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    let Some(Err(InputError::Invalid(errors))) = got.first().map(|i| i.json.clone()) else {
        panic!("{got:?}");
    };
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "project.supply_chain",
        "application_date",
        "project.workforce",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    assert!(
        !paths.iter().any(|p| p.starts_with("project.supply_chain[")),
        "{paths:?}"
    );
    // A member cell that is not UTF-8 is that error alone, not also a required member.
    let csv = b"reference,instrument,application_date,project.supply_chain.good,project.supply_chain.country\n\
                A,export_credit,2026-01-05,\xFF,UZ\n";
    let got = items(Format::Csv, csv).unwrap_or_default();
    let Some(Err(InputError::Invalid(errors))) = got.first().map(|i| i.json.clone()) else {
        panic!("{got:?}");
    };
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["project.supply_chain.good"]);
}

#[test]
fn a_header_with_semicolons_says_how_to_save_the_file() {
    let Err(e) = open(
        Format::Csv,
        "reference;instrument;application_date\nA;export_credit;2026-01-05\n".as_bytes(),
    ) else {
        panic!("accepted");
    };
    assert!(e.to_string().contains("comma-separated"), "{e}");
}

#[test]
fn an_unclosed_quote_is_named_and_the_rows_it_swallowed_are_counted() {
    // The quote opened on line 3 closes only in line 6: lines 3-6 become one row.
    let csv = "reference,instrument,application_date\n\
               A,export_credit,2026-01-05\n\
               \"B,export_credit,2026-01-05\n\
               C,export_credit,2026-01-05\n\
               D,export_credit,2026-01-05\n\
               \"E\",export_credit,2026-01-05\n\
               F,export_credit,2026-01-05\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    let lines: Vec<u64> = got.iter().map(|i| i.line).collect();
    assert_eq!(lines, [2, 3, 7]);
    let msg = error_of(&got[1]);
    assert!(
        msg.contains("quote") && msg.contains("3 line break(s)"),
        "{msg}"
    );
    // Open in the last column until the end: the cell count is right, the cell is not.
    let csv = "reference,instrument,application_date\n\
               A,export_credit,\"2026-01-05\n\
               B,export_credit,2026-01-05\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    assert_eq!(got.len(), 1);
    let msg = error_of(&got[0]);
    assert!(
        msg.contains("application_date") && msg.contains("left open"),
        "{msg}"
    );
    // An address over several lines, with commas, is a value, not swallowed rows.
    let csv = "reference,instrument,application_date\n\"A\nc/o X, Street 1, Town\",export_credit,2026-01-05\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    assert!(
        !error_of(&got[0]).contains("left open"),
        "{}",
        error_of(&got[0])
    );
    // A quoted line break in a value is still a value.
    let csv = "reference,instrument,application_date\n\"A\nB\",export_credit,2026-01-05\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    assert!(got[0].json.is_ok(), "{:?}", got[0].json);
}

#[test]
fn oversized_lines_empty_values_and_headerless_columns() {
    // A JSON line over the limit is rejected alone; the next line is read.
    let mut text = format!("{{\"reference\":\"{}\"}}\n", "x".repeat(MAX_LINE));
    text.push_str("{\"b\":1}\n");
    let got = items(Format::JsonLines, text.as_bytes()).unwrap_or_default();
    assert_eq!(got.len(), 2);
    let msg = got[0]
        .json
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(msg.contains("at most 262144 bytes"), "{msg}");
    assert_eq!(
        got[1].json.as_ref().ok().map(String::as_str),
        Some("{\"b\":1}")
    );
    // A CSV row that never ends stops the file with where it started (after a row and a
    // blank line).
    let mut csv =
        "reference,instrument,application_date\nA,export_credit,2026-01-05\n\n\"B,".to_owned();
    csv.push_str(&"y".repeat(MAX_LINE + 100_000));
    let got: Vec<_> = open(Format::Csv, csv.as_bytes())
        .map(Iterator::collect)
        .unwrap_or_default();
    assert!(
        matches!(got.last(), Some(Err(e)) if e.to_string().contains("unclosed quote") && e.to_string().contains("from line 4:")),
        "{got:?}"
    );
    // `a;;b`, a stray `;` in member columns, and a value under a column with no header.
    let csv = "reference,instrument,application_date,project.activities,project.supply_chain.good,project.supply_chain.country,\n\
               A,export_credit,2026-01-05,new_construction;;expansion,,,\n\
               B,export_credit,2026-01-05,,cotton;,UZ;,\n\
               C,export_credit,2026-01-05,,,,oops\n\
               D,export_credit\n";
    let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
    let msgs: Vec<String> = got
        .iter()
        .map(|i| {
            i.json
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert!(
        msgs[0].contains("project.activities") && msgs[0].contains("value 2 is empty"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("project.supply_chain") && msgs[1].contains("position 2"),
        "{msgs:?}"
    );
    assert!(msgs[2].contains("column 7 (no header)"), "{msgs:?}");
    assert!(
        msgs[3].contains("none for application_date, project.activities"),
        "{msgs:?}"
    );
}
