//! The store on real databases: SQLite always, PostgreSQL when `TEST_POSTGRES_URL` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::collections::BTreeMap;

use imvo_service::store::{
    BatchState, Checkpoint, Db, Digested, IdemKey, IdemState, ListFilter, NewRecord, RecordKind,
    Store,
};

fn screening(reference: &str, outcome: &str, category: Option<&str>) -> NewRecord {
    NewRecord {
        kind: RecordKind::Screening,
        created_by: "key-test".into(),
        reference: reference.into(),
        instrument: "export_credit".into(),
        outcome: Some(outcome.into()),
        category: category.map(str::to_owned),
        as_of: Some("2022-11-01".into()),
        policy_set: Some("sha256:abc".into()),
        engine_version: "0.1.0".into(),
        input: Some(format!(
            r#"{{"applicant":{{"name":"Applicant of {reference}"}},"reference":"{reference}"}}"#
        )),
        decision: Some(format!(r#"{{"outcome":"{outcome}"}}"#)),
        ..NewRecord::default()
    }
}

async fn raw(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    match store.db() {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
    }
}

#[tokio::test]
async fn records_chain_list_and_verify() {
    for (name, store) in support::stores().await {
        let a = store
            .append(vec![
                (screening("REF-1", "proceed", Some("C")), None),
                (screening("REF-2", "refer", None), None),
            ])
            .await
            .unwrap();
        let b = store
            .append(vec![(
                screening("REF-1", "proceed_with_conditions", Some("B")),
                None,
            )])
            .await
            .unwrap();
        assert_eq!((a[0].seq, a[1].seq, b[0].seq), (1, 2, 3), "{name}");
        assert_eq!(a[1].prev_hash, a[0].hash, "{name}");
        assert_eq!(
            b[0].prev_hash, a[1].hash,
            "{name}: chained across transactions"
        );
        let got = store.record(&a[0].id).await.unwrap().unwrap();
        assert_eq!(got.hash, a[0].hash, "{name}");
        assert_eq!(got.compute_hash(), got.hash, "{name}");
        // A record without a holder (as every record stored before keys had holders) hashes
        // content without one, exactly as before.
        assert!(!got.content().contains("holder"), "{name}");

        let all = store
            .list(&ListFilter {
                limit: 10,
                ..ListFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![3, 2, 1],
            "{name}"
        );
        let f = ListFilter {
            reference: Some("REF-1".into()),
            limit: 10,
            ..ListFilter::default()
        };
        assert_eq!(store.list(&f).await.unwrap().len(), 2, "{name}");
        let f = ListFilter {
            category: Some("none".into()),
            limit: 10,
            ..ListFilter::default()
        };
        assert_eq!(
            store.list(&f).await.unwrap()[0].reference,
            "REF-2",
            "{name}"
        );
        let f = ListFilter {
            outcome: Some("proceed".into()),
            limit: 10,
            ..ListFilter::default()
        };
        assert_eq!(store.list(&f).await.unwrap().len(), 1, "{name}");
        let f = ListFilter {
            applicant: Some("OF ref-2".into()),
            summary: true,
            limit: 10,
            ..ListFilter::default()
        };
        let found = store.list(&f).await.unwrap();
        assert_eq!(found.len(), 1, "{name}: by applicant");
        assert_eq!(found[0].reference, "REF-2", "{name}");
        assert!(
            found[0].decision.is_none(),
            "{name}: a summary reads no decision"
        );
        let f = ListFilter {
            before: Some(3),
            limit: 1,
            ..ListFilter::default()
        };
        assert_eq!(store.list(&f).await.unwrap()[0].seq, 2, "{name}: cursor");
        assert_eq!(
            store.history("REF-1", None).await.unwrap().len(),
            2,
            "{name}"
        );

        let v = store.verify(None).await.unwrap();
        assert_eq!(v.records, 3, "{name}");
        assert!(v.broken.is_none(), "{name}: {v:?}");
        let head = store.head().await.unwrap().unwrap();
        assert_eq!(
            head,
            Checkpoint {
                seq: 3,
                hash: b[0].hash.clone()
            },
            "{name}"
        );
        let v = store.verify(Some(&head)).await.unwrap();
        assert_eq!(v.checkpoint_matches, Some(true), "{name}");
    }
}

#[tokio::test]
async fn records_are_append_only_in_the_database() {
    for (name, store) in support::stores().await {
        store
            .append(vec![(screening("REF-1", "proceed", Some("C")), None)])
            .await
            .unwrap();
        let update = raw(&store, "UPDATE records SET outcome = 'decline'").await;
        assert!(update.is_err(), "{name}: an UPDATE went through");
        assert!(
            update.unwrap_err().to_string().contains("append-only"),
            "{name}"
        );
        assert!(
            raw(&store, "DELETE FROM records").await.is_err(),
            "{name}: a DELETE went through"
        );
        if name == "postgres" {
            assert!(
                raw(&store, "TRUNCATE records").await.is_err(),
                "{name}: TRUNCATE went through"
            );
        }
        assert_eq!(store.verify(None).await.unwrap().records, 1, "{name}");
    }
}

#[tokio::test]
async fn a_changed_row_is_found_and_a_rewritten_chain_fails_its_checkpoint() {
    for (name, store) in support::stores().await {
        let batch = (1..=5)
            .map(|i| (screening(&format!("REF-{i}"), "proceed", Some("C")), None))
            .collect();
        store.append(batch).await.unwrap();
        let checkpoint = store.head().await.unwrap().unwrap();
        // Behind the service's back: lift the guard and change one stored row.
        let (off, on) = match name {
            "sqlite" => (
                vec!["DROP TRIGGER records_no_update"],
                vec![
                    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'records are append-only'); END",
                ],
            ),
            _ => (
                vec!["ALTER TABLE records DISABLE TRIGGER records_no_update"],
                vec!["ALTER TABLE records ENABLE TRIGGER records_no_update"],
            ),
        };
        for s in &off {
            raw(&store, s).await.unwrap();
        }
        assert_eq!(
            raw(
                &store,
                "UPDATE records SET outcome = 'decline' WHERE seq = 3"
            )
            .await
            .unwrap(),
            1
        );
        let v = store.verify(Some(&checkpoint)).await.unwrap();
        let broken = v.broken.expect("the change must be found");
        assert_eq!(broken.seq, 3, "{name}: {}", broken.reason);
        assert!(broken.reason.contains("does not match its hash"), "{name}");

        // Rewrite the whole chain consistently from row 3 on: the chain verifies again, but
        // the exported checkpoint no longer matches.
        let rows: Vec<_> = {
            let mut out = Vec::new();
            for seq in 3..=5 {
                let r = store
                    .list(&ListFilter {
                        before: Some(seq + 1),
                        limit: 1,
                        ..ListFilter::default()
                    })
                    .await
                    .unwrap();
                out.push(r[0].clone());
            }
            out
        };
        let mut prev = store
            .list(&ListFilter {
                before: Some(3),
                limit: 1,
                ..ListFilter::default()
            })
            .await
            .unwrap()[0]
            .hash
            .clone();
        for mut r in rows {
            r.prev_hash = prev.clone();
            r.hash = r.compute_hash();
            let sql = format!(
                "UPDATE records SET prev_hash = 'x{0}', hash = 'y{0}' WHERE seq = {0}",
                r.seq
            );
            raw(&store, &sql).await.unwrap();
            let sql = format!(
                "UPDATE records SET prev_hash = '{}', hash = '{}' WHERE seq = {}",
                r.prev_hash, r.hash, r.seq
            );
            raw(&store, &sql).await.unwrap();
            prev = r.hash;
        }
        for s in &on {
            raw(&store, s).await.unwrap();
        }
        let v = store.verify(Some(&checkpoint)).await.unwrap();
        assert!(
            v.broken.is_none(),
            "{name}: the rewrite is self-consistent: {v:?}"
        );
        assert_eq!(
            v.checkpoint_matches,
            Some(false),
            "{name}: the checkpoint catches it"
        );
    }
}

#[tokio::test]
async fn idempotency_keys_claim_in_flight_done_and_mismatch() {
    for (name, store) in support::stores().await {
        assert_eq!(
            store.claim_idempotency("k1", "abc", "h1").await.unwrap(),
            IdemState::Claimed,
            "{name}"
        );
        assert_eq!(
            store.claim_idempotency("k1", "abc", "h1").await.unwrap(),
            IdemState::InFlight,
            "{name}"
        );
        assert_eq!(
            store.claim_idempotency("k1", "abc", "h2").await.unwrap(),
            IdemState::Mismatch,
            "{name}"
        );
        // Another principal's key of the same name is its own.
        assert_eq!(
            store.claim_idempotency("k2", "abc", "h9").await.unwrap(),
            IdemState::Claimed,
            "{name}"
        );
        let rec = store
            .append(vec![(
                screening("REF-1", "proceed", Some("C")),
                Some(IdemKey {
                    principal: "k1".into(),
                    key: "abc".into(),
                }),
            )])
            .await
            .unwrap();
        assert_eq!(
            store.claim_idempotency("k1", "abc", "h1").await.unwrap(),
            IdemState::Done(rec[0].id.clone()),
            "{name}"
        );
        store.release_idempotency("k2", "abc").await.unwrap();
        assert_eq!(
            store.claim_idempotency("k2", "abc", "h9").await.unwrap(),
            IdemState::Claimed,
            "{name}"
        );
    }
}

/// A record's holder is stored and covered by its hash, and the chain verifies with records
/// with and without one.
#[tokio::test]
async fn a_holder_is_covered_by_the_record_hash() {
    for (name, store) in support::stores().await {
        store
            .append(vec![(screening("REF-1", "proceed", Some("C")), None)])
            .await
            .unwrap();
        let held = store
            .append(vec![(
                NewRecord {
                    holder: Some("Anna de Vries".into()),
                    ..screening("REF-3", "proceed", Some("C"))
                },
                None,
            )])
            .await
            .unwrap();
        let held = store.record(&held[0].id).await.unwrap().unwrap();
        assert_eq!(held.holder.as_deref(), Some("Anna de Vries"), "{name}");
        assert!(
            held.content().contains(r#""holder":"Anna de Vries""#),
            "{name}"
        );
        assert_eq!(held.compute_hash(), held.hash, "{name}");
        let v = store.verify(None).await.unwrap();
        assert!(v.broken.is_none() && v.records == 2, "{name}: {v:?}");
    }
}

#[tokio::test]
async fn keys_and_policy_sets_are_kept() {
    for (name, store) in support::stores().await {
        store
            .insert_key(
                "abc123",
                "sha256:x",
                &["analyst".into(), "auditor".into()],
                None,
            )
            .await
            .unwrap();
        let k = store.key("abc123").await.unwrap().unwrap();
        assert_eq!(k.roles, vec!["analyst", "auditor"], "{name}");
        assert_eq!(
            k.holder, "abc123",
            "{name}: a key without a holder reads as its id"
        );
        store
            .insert_key("def456", "sha256:y", &["analyst".into()], Some("Bram"))
            .await
            .unwrap();
        assert_eq!(
            store.key("def456").await.unwrap().unwrap().holder,
            "Bram",
            "{name}"
        );
        assert!(store.revoke_key("abc123").await.unwrap(), "{name}");
        assert!(
            !store.revoke_key("abc123").await.unwrap(),
            "{name}: revoked once"
        );
        assert!(
            store
                .key("abc123")
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some(),
            "{name}"
        );

        let mut files = BTreeMap::new();
        files.insert("p-1.0.0/pack.toml".to_owned(), b"id = \"p\"".to_vec());
        store.save_policy_set("sha256:set", &files).await.unwrap();
        store.save_policy_set("sha256:set", &files).await.unwrap();
        assert_eq!(
            store.policy_set_files("sha256:set").await.unwrap(),
            Some(files),
            "{name}"
        );
        assert_eq!(
            store.policy_set_files("sha256:none").await.unwrap(),
            None,
            "{name}"
        );
    }
}

/// On PostgreSQL the application role gets no UPDATE, DELETE or TRUNCATE on `records` (the
/// privileges of docs/deployment.md), so not even disabling a trigger opens the table to it.
#[tokio::test]
async fn postgres_app_role_cannot_change_records() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    let schema = support::unique("imvo_priv");
    let owner = Store::connect_with_schema(&url, Some(&schema))
        .await
        .unwrap();
    owner
        .append(vec![(screening("REF-1", "proceed", Some("C")), None)])
        .await
        .unwrap();
    let role = support::unique("imvo_app");
    for sql in [
        format!("CREATE ROLE {role} LOGIN"),
        format!("GRANT USAGE ON SCHEMA {schema} TO {role}"),
        format!("GRANT SELECT, INSERT ON {schema}.records, {schema}.policy_sets TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.idempotency TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE ON {schema}.api_keys TO {role}"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.batches, {schema}.batch_chunks TO {role}"
        ),
        format!("GRANT SELECT, INSERT ON {schema}.batch_lines TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE ON {schema}.sessions TO {role}"),
        format!("GRANT SELECT ON {schema}._sqlx_migrations TO {role}"),
    ] {
        raw(&owner, &sql).await.unwrap();
    }
    let app_url = url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    assert_ne!(
        app_url, url,
        "TEST_POSTGRES_URL must name the user postgres"
    );
    let app = Store::connect_with_schema(&app_url, Some(&schema))
        .await
        .unwrap();
    // It can do its work: append and verify.
    app.append(vec![(screening("REF-2", "refer", None), None)])
        .await
        .unwrap();
    assert!(app.verify(None).await.unwrap().broken.is_none());
    // And work a stored batch: store an upload, claim its chunk, finish it.
    let batch = imvo_service::store::NewBatch {
        id: "b-app-role".into(),
        created_by: "k".into(),
        format: "jsonl".into(),
        as_of: None,
        policy_set: "sha256:x".into(),
        missions_only: false,
    };
    app.create_batch(&batch).await.unwrap();
    app.add_chunk("b-app-role", 0, "[]").await.unwrap();
    app.queue_batch("b-app-role", 1, 1, None).await.unwrap();
    let c = app.claim_chunk("w", 60_000).await.unwrap().unwrap();
    let line = imvo_service::store::LineOutcome::Screened(Box::new(Digested::new(screening(
        "REF-3",
        "proceed",
        Some("C"),
    ))));
    assert!(
        app.complete_chunk("w", &c.batch_id, c.chunk, vec![(1, line)])
            .await
            .unwrap()
    );
    assert_eq!(
        app.batch("b-app-role").await.unwrap().unwrap().state,
        BatchState::Done
    );
    assert!(app.verify(None).await.unwrap().broken.is_none());
    // And keep the pages' sessions.
    app.insert_session("sha256:s", "k", "t").await.unwrap();
    app.touch_session("sha256:s").await.unwrap();
    app.end_session("sha256:s").await.unwrap();
    assert!(
        app.session("sha256:s")
            .await
            .unwrap()
            .unwrap()
            .ended_at
            .is_some()
    );
    // It cannot change or remove a record, nor lift the guard.
    for sql in [
        "UPDATE records SET outcome = 'decline'",
        "DELETE FROM records",
        "DELETE FROM batch_lines",
        "TRUNCATE records",
        "ALTER TABLE records DISABLE TRIGGER records_no_update",
    ] {
        let e = raw(&app, sql).await.expect_err(sql).to_string();
        assert!(
            e.contains("permission denied") || e.contains("must be owner"),
            "{sql}: {e}"
        );
    }
    app.close().await;
    // Roles are cluster-wide: remove this one.
    raw(&owner, &format!("DROP OWNED BY {role}")).await.unwrap();
    raw(&owner, &format!("DROP ROLE {role}")).await.unwrap();
}

/// A claim left unfinished (a crash, a cut-off request) is taken over once it is stale.
#[tokio::test]
async fn a_stale_idempotency_claim_is_taken_over() {
    for (name, store) in support::stores().await {
        assert_eq!(
            store.claim_idempotency("k1", "old", "h1").await.unwrap(),
            IdemState::Claimed,
            "{name}"
        );
        assert_eq!(
            store.claim_idempotency("k1", "old", "h1").await.unwrap(),
            IdemState::InFlight,
            "{name}"
        );
        raw(
            &store,
            "UPDATE idempotency SET created_at = '2000-01-01T00:00:00.000000Z'",
        )
        .await
        .unwrap();
        assert_eq!(
            store.claim_idempotency("k1", "old", "h1").await.unwrap(),
            IdemState::Claimed,
            "{name}: stale"
        );
    }
}

#[tokio::test]
async fn a_chunk_whose_lease_was_taken_over_is_finished_once() {
    use imvo_service::store::{LineOutcome, NewBatch};
    for (name, store) in support::stores().await {
        store
            .create_batch(&NewBatch {
                id: "b1".into(),
                created_by: "k".into(),
                format: "jsonl".into(),
                as_of: None,
                policy_set: "sha256:x".into(),
                missions_only: false,
            })
            .await
            .unwrap();
        store.add_chunk("b1", 0, "[]").await.unwrap();
        // An abandoned upload takes no more chunks and cannot be queued.
        let mut other = NewBatch {
            id: "b0".into(),
            created_by: "k".into(),
            format: "jsonl".into(),
            as_of: None,
            policy_set: "sha256:x".into(),
            missions_only: false,
        };
        store.create_batch(&other).await.unwrap();
        store.abandon_batch("b0").await.unwrap();
        assert!(store.add_chunk("b0", 0, "[]").await.is_err(), "{name}");
        assert!(store.queue_batch("b0", 1, 1, None).await.is_err(), "{name}");
        // Not claimable before the upload is queued.
        assert!(
            store.claim_chunk("w1", 60_000).await.unwrap().is_none(),
            "{name}"
        );
        store.queue_batch("b1", 2, 1, None).await.unwrap();
        // w1 claims with a lease that runs out at once; w2 takes the chunk over.
        let c1 = store.claim_chunk("w1", -1).await.unwrap().unwrap();
        let c2 = store.claim_chunk("w2", 60_000).await.unwrap().unwrap();
        assert_eq!((c1.chunk, c2.chunk), (0, 0), "{name}");
        assert!(
            store.claim_chunk("w3", 60_000).await.unwrap().is_none(),
            "{name}: leased"
        );
        let lines = |r: &str| {
            vec![
                (
                    1,
                    LineOutcome::Screened(Box::new(Digested::new(screening(
                        r,
                        "proceed",
                        Some("C"),
                    )))),
                ),
                (2, LineOutcome::Rejected("{\"line\":2}".into())),
            ]
        };
        // The worker that lost its lease stores nothing.
        assert!(
            !store
                .complete_chunk("w1", "b1", 0, lines("LATE"))
                .await
                .unwrap(),
            "{name}"
        );
        assert!(
            store
                .complete_chunk("w2", "b1", 0, lines("ON-TIME"))
                .await
                .unwrap(),
            "{name}"
        );
        // And a second finish of the same chunk is refused too.
        assert!(
            !store
                .complete_chunk("w2", "b1", 0, lines("AGAIN"))
                .await
                .unwrap(),
            "{name}"
        );
        let c = store.batch_counts("b1").await.unwrap();
        assert_eq!((c.done, c.screened, c.failed), (2, 1, 1), "{name}");
        assert_eq!(
            store.batch("b1").await.unwrap().unwrap().state,
            BatchState::Done,
            "{name}"
        );
        let v = store.verify(None).await.unwrap();
        assert_eq!(v.records, 1, "{name}: one record, from the lease holder");
        assert_eq!(
            store.batch_results("b1", 0, 10).await.unwrap().len(),
            1,
            "{name}"
        );
        assert_eq!(
            store.batch_errors("b1", 0, 10).await.unwrap(),
            vec![(2, "{\"line\":2}".to_owned())],
            "{name}"
        );
        // A queued upload is not abandoned.
        other.id = "b2".into();
        store.create_batch(&other).await.unwrap();
        store.add_chunk("b2", 0, "[]").await.unwrap();
        store.queue_batch("b2", 1, 1, None).await.unwrap();
        store.abandon_batch("b2").await.unwrap();
        assert_eq!(
            store.batch("b2").await.unwrap().unwrap().state,
            BatchState::Queued,
            "{name}"
        );
    }
}

/// The latest screening of each application is found by one index lookup a screening, not by
/// walking every later screening (SQLite preferred the covering `records_list` index for that,
/// which made `imvo rescreen --stored` quadratic: 25 s for 20,000 screenings). Held on SQLite's
/// plan for the store's own query.
#[tokio::test]
async fn the_latest_screening_is_found_through_its_index() {
    let (store, _) = support::sqlite().await;
    let Db::Sqlite(pool) = store.db() else {
        panic!("not SQLite")
    };
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!(
        "EXPLAIN QUERY PLAN {}",
        imvo_service::store::latest_screenings_sql()
    ))
    .bind(0i64)
    .bind(256i64)
    .bind(1_000i64)
    .fetch_all(pool)
    .await
    .unwrap();
    let details: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    assert!(
        details.iter().any(|d| d.starts_with(
            "SEARCH n USING COVERING INDEX records_latest (reference=? AND instrument=? AND kind=?"
        )),
        "{details:?}"
    );
    store.close().await;
}
