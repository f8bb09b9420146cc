//! A shared table (`data/<name>/`): a fact table any pack may `use`, or the SDR rates.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::LoadError;
use super::files::{text, toml_line};
use super::tables::{SdrRates, Table};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: String,
    version: String,
    title: String,
    kind: String,
    file: String,
    #[serde(default)]
    key: Vec<String>,
    source: String,
    licence: String,
    method: String,
}

pub(super) enum Shared {
    Table(Table),
    Rates(SdrRates),
}

pub(super) fn load_shared_table(
    tdir: &str,
    prefix: &str,
    files: &BTreeMap<String, Vec<u8>>,
    hash: String,
) -> Result<Shared, LoadError> {
    let file = format!("{prefix}table.toml");
    let src = text(files, &file)?;
    let raw: RawTable = toml::from_str(src)
        .map_err(|e| LoadError::invalid(&file, toml_line(src, &e), e.message().to_owned()))?;
    let _ = (&raw.title, &raw.licence, &raw.method);
    if raw.name != tdir {
        return Err(LoadError::invalid(
            &file,
            None,
            format!("table `{}` must live in `data/{}/`", raw.name, raw.name),
        ));
    }
    let data_file = format!("{prefix}{}", raw.file);
    let data = text(files, &data_file)?;
    match raw.kind.as_str() {
        "sdr_rates" => {
            SdrRates::from_csv(&raw.version, hash, &raw.source, &data_file, data).map(Shared::Rates)
        }
        "lookup" => Table::from_csv(&raw.name, &raw.version, hash, &data_file, data, &raw.key)
            .map(Shared::Table),
        other => Err(LoadError::invalid(
            &file,
            None,
            format!("kind `{other}` is not `lookup` or `sdr_rates`"),
        )),
    }
}
