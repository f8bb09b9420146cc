//! A batch's lines as the workbench lists them: filtered by outcome, category or failure, paged
//! by line number.

use super::{Db, Store, StoreError};

/// One line of a batch.
#[derive(Debug, Clone)]
pub struct LineRow {
    /// Line number in the upload.
    pub line: i64,
    /// The screening stored for it, if it was screened.
    pub record_id: Option<String>,
    /// Its application's reference, if it was screened.
    pub reference: Option<String>,
    /// Outcome, if screened.
    pub outcome: Option<String>,
    /// Category, if any.
    pub category: Option<String>,
    /// Why it was not screened (JSON), if it was rejected.
    pub error: Option<String>,
    /// The decision (JSON), when asked for.
    pub decision: Option<String>,
}

/// Which lines.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    /// Screened lines with this outcome.
    pub outcome: Option<String>,
    /// Screened lines with this category (`none` for none).
    pub category: Option<String>,
    /// Only rejected lines (`true`) or only screened ones (`false`).
    pub failed: Option<bool>,
    /// Lines after this one.
    pub after: i64,
    /// At most this many.
    pub limit: i64,
    /// With each line's decision.
    pub decisions: bool,
}

type Row = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// The lines of batch `id` that `f` selects, in line order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch_lines(&self, id: &str, f: &LineFilter) -> Result<Vec<LineRow>, StoreError> {
        let decision = if f.decisions { "r.decision" } else { "NULL" };
        let mut sql = format!(
            "SELECT l.line, l.record_id, r.reference, l.outcome, l.category, l.error, {decision} \
             FROM batch_lines l LEFT JOIN records r ON r.id = l.record_id \
             WHERE l.batch_id = $1 AND l.line > $2"
        );
        let mut binds: Vec<String> = Vec::new();
        if let Some(o) = &f.outcome {
            binds.push(o.clone());
            sql.push_str(&format!(" AND l.outcome = ${}", binds.len() + 2));
        }
        match f.category.as_deref() {
            Some("none") => sql.push_str(" AND l.record_id IS NOT NULL AND l.category IS NULL"),
            Some(c) => {
                binds.push(c.to_owned());
                sql.push_str(&format!(" AND l.category = ${}", binds.len() + 2));
            }
            None => {}
        }
        match f.failed {
            Some(true) => sql.push_str(" AND l.error IS NOT NULL"),
            Some(false) => sql.push_str(" AND l.record_id IS NOT NULL"),
            None => {}
        }
        sql.push_str(&format!(" ORDER BY l.line LIMIT ${}", binds.len() + 3));
        let rows: Vec<Row> = on_db!(self, |p| {
            let mut q = sqlx::query_as(&sql).bind(id).bind(f.after);
            for b in &binds {
                q = q.bind(b);
            }
            q.bind(f.limit).fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(line, record_id, reference, outcome, category, error, decision)| LineRow {
                    line,
                    record_id,
                    reference,
                    outcome,
                    category,
                    error,
                    decision,
                },
            )
            .collect())
    }
}
