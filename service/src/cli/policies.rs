//! `imvo policies`: list, check and show the policy set in force.

use super::error::{Failure, exit};
use super::{Cli, policy_set};
use clap::Subcommand;
use imvo_engine::PolicySet;
use serde_json::json;

#[derive(Subcommand)]
pub(super) enum PoliciesCommand {
    /// List the packs with their versions, dates and hashes.
    List,
    /// Load and validate every pack and table.
    Check,
    /// Show one pack: sources, rule table and parameters (`ID` or `ID@VERSION`).
    Show {
        /// Pack id, optionally with `@version`.
        pack: String,
    },
}

pub(super) fn list(set: &PolicySet, as_json: bool) -> Result<u8, Failure> {
    if as_json {
        let packs: Vec<_> = set
            .packs()
            .iter()
            .map(|p| json!({"id": p.manifest.id, "version": p.manifest.version, "title": p.manifest.title, "instruments": p.manifest.instruments, "effective_from": p.manifest.effective_from, "effective_to": p.manifest.effective_to, "rules": p.rules.len(), "hash": p.hash}))
            .collect();
        outln!("{}", json!({"policy_set": set.hash(), "packs": packs}))?;
        return Ok(exit::OK);
    }
    outln!("policy set {}", set.hash())?;
    outln!(
        "{:<32} {:<10} {:<32} {:<10} {:<10} {:>5}  hash",
        "pack",
        "version",
        "instruments",
        "from",
        "to",
        "rules"
    )?;
    for p in set.packs() {
        let m = &p.manifest;
        let inst: Vec<&str> = m.instruments.iter().map(|i| i.as_str()).collect();
        let to = m.effective_to.map_or("-".to_owned(), |d| d.to_string());
        outln!(
            "{:<32} {:<10} {:<32} {:<10} {:<10} {:>5}  {}",
            m.id,
            m.version,
            inst.join(","),
            m.effective_from,
            to,
            p.rules.len(),
            p.hash.get(..19).unwrap_or(&p.hash)
        )?;
    }
    for t in set.tables().values() {
        outln!(
            "table {:<26} {:<10} {}",
            t.name,
            t.version,
            t.hash.get(..19).unwrap_or(&t.hash)
        )?;
    }
    if let Some(r) = set.rates() {
        outln!(
            "table {:<26} {:<10} {}",
            "sdr-rates",
            r.version,
            r.hash.get(..19).unwrap_or(&r.hash)
        )?;
    }
    Ok(exit::OK)
}

pub(super) fn show(set: &PolicySet, which: &str, as_json: bool) -> Result<u8, Failure> {
    let (id, version) = match which.split_once('@') {
        Some((i, v)) => (i, Some(v)),
        None => (which, None),
    };
    let mut matches: Vec<_> = set
        .packs()
        .iter()
        .filter(|p| &*p.manifest.id == id && version.is_none_or(|v| v == &*p.manifest.version))
        .collect();
    let Some(pack) = matches.pop() else {
        let known: Vec<String> = set
            .packs()
            .iter()
            .map(|p| format!("{}@{}", p.manifest.id, p.manifest.version))
            .collect();
        return Err(Failure {
            code: exit::USAGE_OR_IO,
            kind: "usage",
            message: format!("no pack `{which}` (known: {})", known.join(", ")),
            details: json!(known),
        });
    };
    let m = &pack.manifest;
    if as_json {
        outln!(
            "{}",
            json!({"manifest": m, "hash": pack.hash, "rules": pack.rules, "params": pack.params,
                "checks": pack.rules.iter().enumerate().flat_map(|(i, r)| pack.table_rows(i).map(move |[when, then, message, args]| json!({"rule": r.id, "when": when, "then": then, "message": message, "args": args}))).collect::<Vec<_>>(),
                "conditions": pack.conditions.iter().map(|(name, when)| json!({"name": name, "when": when})).collect::<Vec<_>>()})
        )?;
        return Ok(exit::OK);
    }
    outln!("{} {}: {}", m.id, m.version, m.title)?;
    let inst: Vec<&str> = m.instruments.iter().map(|i| i.as_str()).collect();
    outln!(
        "instruments {}; in force from {}{}; hash {}",
        inst.join(", "),
        m.effective_from,
        m.effective_to
            .map(|d| format!(" until {d} (exclusive)"))
            .unwrap_or_default(),
        pack.hash
    )?;
    outln!("\nSources")?;
    for s in &m.sources {
        outln!(
            "  {:<18} {}{}",
            s.id,
            s.document,
            s.reference
                .as_deref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default()
        )?;
    }
    print_rules(pack)?;
    if pack.conditions.iter().next().is_some() {
        outln!("\nConditions (gates.csv)")?;
        for (name, when) in pack.conditions.iter() {
            outln!("  {name}: {when}")?;
        }
    }
    if !pack.params.is_empty() {
        outln!("\nParameters")?;
        for p in pack.params.values() {
            let value = match &p.value {
                imvo_engine::policy::ParamValue::Decimal(d) => d.to_string(),
                imvo_engine::policy::ParamValue::Int(i) => i.to_string(),
                imvo_engine::policy::ParamValue::Money(m) => format!("{} {}", m.amount, m.currency),
                imvo_engine::policy::ParamValue::Date(d) => d.to_string(),
            };
            let cmp = p.comparator.map(|c| c.as_str()).unwrap_or("");
            outln!(
                "  {:<32} {:>2} {:<14} {:<14} [{}, {}] {}",
                p.name,
                cmp,
                value,
                p.unit,
                p.evidence_level,
                if p.verified { "verified" } else { "unverified" },
                p.note
            )?;
        }
    }
    Ok(exit::OK)
}

/// Runs `imvo policies <command>`.
pub(super) fn run(cli: &Cli, command: &PoliciesCommand) -> Result<u8, Failure> {
    let set = policy_set(cli)?;
    match command {
        PoliciesCommand::List => list(&set, cli.json),
        PoliciesCommand::Check => {
            let rules: usize = set.packs().iter().map(|p| p.rules.len()).sum();
            if cli.json {
                outln!(
                    "{}",
                    json!({"ok": true, "policy_set": set.hash(), "packs": set.packs().len(), "rules": rules, "tables": set.tables().len() + usize::from(set.rates().is_some())})
                )?;
            } else {
                outln!(
                    "ok: {} pack version(s), {rules} rules, {} shared table(s); policy set {}",
                    set.packs().len(),
                    set.tables().len() + usize::from(set.rates().is_some()),
                    set.hash()
                )?;
            }
            Ok(exit::OK)
        }
        PoliciesCommand::Show { pack } => show(&set, pack, cli.json),
    }
}

/// The rule table of `policies show`: id, phases, evidence, title, citation, gate, a table
/// rule's rows, and note.
fn print_rules(pack: &imvo_engine::policy::Pack) -> Result<(), Failure> {
    outln!("\nRules")?;
    outln!(
        "  {:<11} {:<18} {:<9} {:<10} title / source",
        "id",
        "phase",
        "evidence",
        "verified"
    )?;
    for (i, r) in pack.rules.iter().enumerate() {
        outln!(
            "  {:<11} {:<18} {:<9} {:<10} {}{}",
            r.id,
            r.phase_names(),
            r.evidence_level,
            if r.verified { "yes" } else { "no" },
            r.title,
            if r.data_unavailable {
                " [data unavailable]"
            } else {
                ""
            }
        )?;
        outln!(
            "  {:<51} {}{}",
            "",
            r.document,
            r.section
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        )?;
        if !r.when.is_empty() {
            outln!("  {:<51} runs when: {}", "", r.when)?;
        }
        for [when, then, message, args] in pack.table_rows(i) {
            let args = if args.is_empty() {
                String::new()
            } else {
                format!(" {{{args}}}")
            };
            if message.is_empty() {
                outln!("  {:<51} row: {when} => {then}", "")?;
            } else {
                outln!("  {:<51} row: {when} => {then}: {message}{args}", "")?;
            }
        }
        if !r.note.is_empty() {
            outln!("  {:<51} note: {}", "", r.note)?;
        }
    }
    Ok(())
}
