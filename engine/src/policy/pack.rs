//! One pack read and checked: its tables, its scripts compiled and checked against the pack
//! (rule functions, literal rule ids, parameter and table names), and its dispatchers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rhai::{AST, Engine};

use super::checks::{Check, compile_checks};
use super::files::text;
use super::gates::{Conditions, Gate, compile_gates};
use super::manifest::{Manifest, manifest};
use super::params::{Param, params};
use super::rules::{Phase, Rule, dispatcher_name, reference_dispatcher_name, rules};
use super::tables::Table;
use super::tables::check_fact_table;
use super::{Limits, Named, ScriptApi};
use super::{LoadError, Pack};

/// Quoted literals that follow `prefix` in a script (`param("` finds parameter names).
fn literals_after<'a>(src: &'a str, prefix: &str) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut offset = 0;
    while let Some(i) = rest.find(prefix) {
        let start = i + prefix.len();
        let tail = rest.get(start..).unwrap_or_default();
        // A call like `param("` must not be the end of a longer name (`capacity_meets("`).
        let before = src.get(..offset + i).and_then(|b| b.chars().next_back());
        let whole_word = !prefix.starts_with(|c: char| c.is_ascii_alphabetic())
            || !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if let (true, Some(end)) = (whole_word, tail.find('"')) {
            let line = src
                .get(..offset + start)
                .unwrap_or_default()
                .matches('\n')
                .count()
                + 1;
            out.push((line, tail.get(..end).unwrap_or_default()));
        }
        offset += start;
        rest = tail;
    }
    out
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the loader's state"
)]
pub(super) fn load_pack(
    engine: &Engine,
    limits: &Limits,
    api: &ScriptApi,
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    hash: String,
    shared: &BTreeMap<String, Arc<Table>>,
    shared_names: &BTreeSet<&str>,
) -> Result<Pack, Vec<LoadError>> {
    let mut errors = Vec::new();
    let Some(m) = manifest(dir, files, &mut errors) else {
        return Err(errors);
    };
    let before_rules = errors.len();
    let rules = rules(dir, &m, files, &mut errors);
    // A rejected rule row would make its function look orphaned: report the row only.
    let rules_ok = errors.len() == before_rules;
    let params = params(dir, &m, files, &mut errors);
    let (conditions, gates) = compile_gates(dir, files, &rules, &params, api, &mut errors);
    // Rows of rules that did not load would only repeat the rule table's errors.
    let (checks, table_uses) = if rules_ok {
        compile_checks(dir, files, &rules, &params, &conditions, api, &mut errors)
    } else {
        (vec![Vec::new(); rules.len()], Vec::new())
    };
    let manifest_file = format!("{dir}/pack.toml");

    let tables = pack_tables(
        dir,
        &m,
        files,
        &params,
        api,
        shared,
        shared_names,
        &mut errors,
    );

    let parts = Parts {
        rules: &rules,
        params: &params,
        tables: &tables,
        api,
    };
    let Scripts {
        ast,
        functions,
        count: script_count,
        external_rules,
        compile_failed,
    } = compile_scripts(engine, limits, &parts, dir, files, &mut errors);
    if script_count == 0 {
        errors.push(LoadError::invalid(
            &manifest_file,
            None,
            "the pack has no `.rhai` script",
        ));
    }
    let catalogue = super::messages::pack_catalogue(dir, files, table_uses, &mut errors);
    check_functions(
        dir,
        &rules,
        &checks,
        &functions,
        rules_ok,
        script_count == 0 || compile_failed,
        &mut errors,
    );
    if !compile_failed {
        check_memos(
            dir,
            &rules,
            &gates,
            &checks,
            &conditions,
            &functions,
            &mut errors,
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(mut ast) = ast else {
        return Err(errors);
    };
    let dispatch = dispatchers(&rules, &checks, &functions);
    match engine.compile(&dispatch) {
        Ok(d) => ast = ast.merge(&d),
        Err(e) => {
            return Err(vec![LoadError::invalid(
                &manifest_file,
                None,
                format!("internal: the rule dispatcher does not compile: {e}"),
            )]);
        }
    }
    let functions = functions
        .into_iter()
        .map(|(name, (file, _))| (name, file))
        .collect();
    Ok(Pack {
        external_rules,
        manifest: m,
        dir: dir.to_owned(),
        rules,
        params,
        tables,
        hash,
        functions,
        conditions,
        gates,
        checks,
        catalogue,
        ast,
        warm: super::warm::Pool::default(),
    })
}

/// One dispatcher per phase calls the phase's open rules in table order (`open`: their indices,
/// ascending), announcing each to the host; `from` lets the host resume after a rule that
/// failed. A rule that is not open costs nothing: the dispatcher goes through the open ones
/// only, each found by one `switch`. A table rule is evaluated natively (`__imvo_table`); the
/// reference dispatchers run its script instead, where it keeps one, to check the two agree.
fn dispatchers(
    rules: &[Rule],
    checks: &[Vec<Check>],
    functions: &BTreeMap<String, (String, usize)>,
) -> String {
    let mut dispatch = String::new();
    for phase in Phase::ALL {
        for (reference, name) in [
            (false, dispatcher_name(phase)),
            (true, reference_dispatcher_name(phase)),
        ] {
            dispatch.push_str(&format!(
                "fn {name}(app, from, open) {{\n    for i in open {{\n        if i < from {{ continue; }}\n        switch i {{\n"
            ));
            for (i, r) in rules.iter().enumerate().filter(|(_, r)| r.runs_in(phase)) {
                let script = functions.contains_key(&r.function);
                let table = checks.get(i).is_some_and(|c| !c.is_empty());
                let call = if table && !(reference && script) {
                    "__imvo_table(app)".to_owned()
                } else if script {
                    format!("{}(app)", r.function)
                } else {
                    continue;
                };
                dispatch.push_str(&format!(
                    "            {i} => {{ __imvo_enter({i}); {call}; }}\n"
                ));
            }
            dispatch.push_str("        }\n    }\n}\n");
        }
    }
    dispatch
}

/// Every helper a gate or a table rule names through `memo` is a function of the pack's scripts
/// taking `app`.
fn check_memos(
    dir: &str,
    rules: &[Rule],
    gates: &[Option<Gate>],
    checks: &[Vec<Check>],
    conditions: &Conditions,
    functions: &BTreeMap<String, (String, usize)>,
    errors: &mut Vec<LoadError>,
) {
    let mut check = |file: String, line: usize, name: &str| {
        if !matches!(functions.get(name), Some((_, 1))) {
            errors.push(LoadError::invalid(
                &file,
                Some(line),
                format!("column `when`: `memo {name}` names no function `{name}(app)` of the pack's scripts"),
            ));
        }
    };
    for (line, names) in conditions.memos() {
        for name in names {
            check(format!("{dir}/gates.csv"), line, name);
        }
    }
    for (r, g) in rules.iter().zip(gates) {
        for name in g.iter().flat_map(Gate::memos) {
            check(format!("{dir}/rules.csv"), r.line, name);
        }
    }
    for c in checks.iter().flatten() {
        for name in c.when.memos() {
            check(format!("{dir}/checks.csv"), c.line, name);
        }
    }
}

/// What the checks of a pack's scripts read: its rules, parameters and tables, and the script
/// API.
struct Parts<'a> {
    rules: &'a [Rule],
    params: &'a BTreeMap<String, Param>,
    tables: &'a BTreeMap<String, Arc<Table>>,
    api: &'a ScriptApi,
}

/// A pack's scripts, compiled.
struct Scripts {
    /// Every script merged (none if none compiled).
    ast: Option<AST>,
    /// Function name -> (file, number of parameters).
    functions: BTreeMap<String, (String, usize)>,
    /// Scripts found.
    count: usize,
    /// `fired("R-...")` of rules not in this pack: (file, line, rule id).
    external_rules: Vec<(String, usize, String)>,
    /// Some script did not compile.
    compile_failed: bool,
}

/// The pack's tables: the shared ones it `uses` and its own, each fact table checked against
/// the pack's parameters and the script API's facts.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the loader's state"
)]
fn pack_tables(
    dir: &str,
    m: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    params: &BTreeMap<String, Param>,
    api: &ScriptApi,
    shared: &BTreeMap<String, Arc<Table>>,
    shared_names: &BTreeSet<&str>,
    errors: &mut Vec<LoadError>,
) -> BTreeMap<String, Arc<Table>> {
    let mut tables: BTreeMap<String, Arc<Table>> = BTreeMap::new();
    let manifest_file = format!("{dir}/pack.toml");
    for name in &m.uses {
        if let Some(t) = shared.get(name) {
            // A shared fact table is checked against each pack that uses it (its `meets` rows
            // name that pack's parameters).
            for problem in check_fact_table(t, &|p| params.contains_key(p), &api.is_fact) {
                errors.push(LoadError::invalid(
                    &manifest_file,
                    None,
                    format!("shared table `{name}`: {problem}"),
                ));
            }
            tables.insert(name.clone(), Arc::clone(t));
        } else if !shared_names.contains(name.as_str()) {
            errors.push(LoadError::invalid(
                &manifest_file,
                None,
                format!("`uses` names `{name}`, which is not a table in `data/`"),
            ));
        }
    }
    for decl in &m.tables {
        let file = format!("{dir}/{}", decl.file);
        match text(files, &file).and_then(|t| {
            Table::from_csv(
                &decl.name,
                &m.version,
                format!("(pack {})", m.id),
                &file,
                t,
                &decl.key,
            )
        }) {
            Ok(t) => {
                for problem in check_fact_table(&t, &|name| params.contains_key(name), &api.is_fact)
                {
                    errors.push(LoadError::invalid(&file, None, problem));
                }
                if tables.insert(decl.name.clone(), Arc::new(t)).is_some() {
                    errors.push(LoadError::invalid(
                        &manifest_file,
                        None,
                        format!("table `{}` is declared twice", decl.name),
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    tables
}

/// The pack's scripts: every `.rhai` file directly in its folder, in name order, compiled,
/// checked (size, reserved names, only functions, literals) and merged into one AST.
fn compile_scripts(
    engine: &Engine,
    limits: &Limits,
    parts: &Parts<'_>,
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> Scripts {
    // Scripts: every `.rhai` file directly in the pack folder, in name order, merged into one AST.
    let prefix = format!("{dir}/");
    let mut ast: Option<AST> = None;
    let mut functions: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut script_count = 0;
    let mut external_rules: Vec<(String, usize, String)> = Vec::new();
    let mut compile_failed = false;
    for (path, bytes) in files.range(prefix.clone()..) {
        let Some(name) = path.strip_prefix(&prefix) else {
            break;
        };
        if name.contains('/') || !name.ends_with(".rhai") {
            continue;
        }
        script_count += 1;
        if bytes.len() > limits.max_script_bytes {
            errors.push(LoadError::invalid(
                path,
                None,
                format!(
                    "the script is {} bytes; the limit is {}",
                    bytes.len(),
                    limits.max_script_bytes
                ),
            ));
            continue;
        }
        let src = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                errors.push(LoadError::invalid(path, None, format!("not UTF-8: {e}")));
                continue;
            }
        };
        let mut compiled = match engine.compile(src) {
            Ok(a) => a,
            Err(e) => {
                let pos = e.position();
                errors.push(LoadError::Compile {
                    file: path.clone(),
                    line: pos.line().unwrap_or(0),
                    column: pos.position().unwrap_or(0),
                    message: e.err_type().to_string(),
                });
                compile_failed = true;
                continue;
            }
        };
        compiled.set_source(path.as_str());
        if src.contains("__imvo") {
            errors.push(LoadError::invalid(
                path,
                None,
                "names starting with `__imvo` are reserved for the engine",
            ));
            continue;
        }
        if !compiled.statements().is_empty() {
            errors.push(LoadError::invalid(path, None, "a pack script holds only functions: move top-level statements into a rule function"));
            continue;
        }
        for f in compiled.iter_functions() {
            if let Some((other, _)) =
                functions.insert(f.name.to_owned(), (path.clone(), f.params.len()))
            {
                errors.push(LoadError::invalid(
                    path,
                    None,
                    format!("function `{}` is also defined in `{other}`", f.name),
                ));
            }
        }
        check_literals(parts, path, src, &mut external_rules, errors);
        ast = Some(match ast {
            Some(a) => a.merge(&compiled),
            None => compiled,
        });
    }
    Scripts {
        ast,
        functions,
        count: script_count,
        external_rules,
        compile_failed,
    }
}

/// Literal references in one script (`path`, text `src`) to rule ids, parameters and tables
/// must exist; `fired("R-...")` may name another pack's rule, so those are returned in
/// `external_rules`, checked against the whole set later.
fn check_literals(
    parts: &Parts<'_>,
    path: &str,
    src: &str,
    external_rules: &mut Vec<(String, usize, String)>,
    errors: &mut Vec<LoadError>,
) {
    let (rules, params, tables, api) = (parts.rules, parts.params, parts.tables, parts.api);
    // Literal references to rule ids, parameters and tables must exist.
    // `fired("R-...")` may name another pack's rule: checked against the whole set later.
    let asked: Vec<(usize, &str)> = literals_after(src, "fired(\"");
    for (line, id) in &asked {
        if !rules.iter().any(|r| &*r.id == *id) {
            external_rules.push((path.to_owned(), *line, (*id).to_owned()));
        }
    }
    for (line, id) in literals_after(src, "\"R-") {
        let id = format!("R-{id}");
        if asked.iter().any(|(_, a)| *a == id) {
            continue;
        }
        if !rules.iter().any(|r| *r.id == *id) {
            errors.push(LoadError::invalid(
                path,
                Some(line),
                format!("rule `{id}` is not in the pack's rule table"),
            ));
        }
    }
    // Parameter and table names given as literals must exist.
    let mut check = |calls: &[String], exists: &dyn Fn(&str) -> bool, what: &str, problem: &str| {
        for call in calls {
            for (line, name) in literals_after(src, call) {
                if !exists(name) {
                    errors.push(LoadError::invalid(
                        path,
                        Some(line),
                        format!("{what} `{name}` {problem}"),
                    ));
                }
            }
        }
    };
    // The functions that take such names come from the script API (`api`), listed once
    // where they are registered.
    let calls = |kind: Named| -> Vec<String> {
        api.named_arguments
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(f, _)| format!("{f}(\""))
            .collect()
    };
    check(
        &calls(Named::Parameter),
        &|p| params.contains_key(p),
        "parameter",
        "is not in the pack's parameter table",
    );
    check(
        &calls(Named::Table),
        &|t| tables.contains_key(t),
        "table",
        "is neither a table of the pack nor one it `uses`",
    );
}

/// Every rule has exactly one function `r_...(app)`, except an item (`R-EC-06.2`) whose parent
/// rule has one; every `r_...` function is a rule's (checked only if the rule table was read
/// whole, `rules_ok`); no function name is reserved. With `missing_ok` (no script, or one that
/// did not compile) a rule without a function is not reported again.
fn check_functions(
    dir: &str,
    rules: &[Rule],
    checks: &[Vec<Check>],
    functions: &BTreeMap<String, (String, usize)>,
    rules_ok: bool,
    missing_ok: bool,
    errors: &mut Vec<LoadError>,
) {
    // Every rule has exactly one function `r_...(app)`, except an item (`R-EC-06.2`) whose parent
    // rule has one: the parent may report its items. Every `r_...` function is a rule.
    let has_parent_function = |id: &str| {
        id.rsplit_once('.').is_some_and(|(parent, _)| {
            rules
                .iter()
                .any(|r| &*r.id == parent && functions.contains_key(&r.function))
        })
    };
    for (i, r) in rules.iter().enumerate() {
        // A table rule may keep a script as its reference (run in reference mode).
        let table = checks.get(i).is_some_and(|c| !c.is_empty());
        match functions.get(&r.function) {
            Some((_, 1)) => {}
            Some((file, n)) => errors.push(LoadError::invalid(
                file,
                None,
                format!("function `{}` of rule `{}` takes {n} parameters; it must take one, `app`", r.function, r.id),
            )),
            None if table || has_parent_function(&r.id) || missing_ok => {}
            None => errors.push(LoadError::invalid(
                &format!("{dir}/rules.csv"),
                None,
                format!("rule `{}` has no function `{}(app)` in the pack's scripts (nor a parent rule that reports it)", r.id, r.function),
            )),
        }
    }
    for (name, (file, _)) in functions {
        if name.starts_with("__") {
            errors.push(LoadError::invalid(
                file,
                None,
                format!("function `{name}`: names starting with `__` are reserved for the engine"),
            ));
        }
        if rules_ok && name.starts_with("r_") && !rules.iter().any(|r| &r.function == name) {
            errors.push(LoadError::invalid(file, None, format!("function `{name}` looks like a rule function but no rule in the table maps to it (helpers must not start with `r_`)")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_with_lines() {
        let src = "fn a(app) {\n floor(\"R-EC-06.2\", \"A\", \"x\");\n param(\"annex_i.x\") }";
        assert_eq!(literals_after(src, "\"R-"), vec![(2, "EC-06.2")]);
        assert_eq!(literals_after(src, "param(\""), vec![(3, "annex_i.x")]);
        assert_eq!(
            literals_after("capacity_meets(\"R-X-01\", \"a\")", "meets(\""),
            vec![]
        );
    }
}
