-- The large texts (an application, a decision, a review, a batch chunk's lines, a policy set's
-- files) are compressed out of line by PostgreSQL (TOAST). Its default compressor, pglz, was
-- the limit of storing screenings: the group commit's INSERT waited on compressing each record's
-- ~24 KB, and `POST /v1/screenings` stored 2,671-2,765 a second on this project's 2-core machine;
-- with lz4 it stored 4,339-4,838 (64 connections, two runs each in turn, 2026-12-05;
-- docs/performance.md, "The service's write path, and screening slots"). The records take the
-- same space.
--
-- Version 0007, not 0006: a 0006 (records_latest) existed briefly for PostgreSQL and was removed
-- before any release, so a development database may have 0006 recorded; a number is never
-- reused. Such a database is refused by the migrator (version 6 applied but missing); drop the
-- index `records_latest` and delete version 6 from `_sqlx_migrations` first.
--
-- Only new values are compressed with lz4; values already stored keep pglz and read as before,
-- and nothing is rewritten. `SET COMPRESSION` takes a brief exclusive lock on each table: the
-- tables are altered in the order a stored batch's commit locks them (`batch_chunks`, then
-- `records`), and the migration gives up after 5 s of waiting for a lock (a long `audit verify`
-- or `rescreen --stored` reading `records`) instead of holding every write back; run it again
-- then. A server before PostgreSQL 14, or built without lz4, keeps pglz: the statements are
-- skipped, not failed.
SET LOCAL lock_timeout = '5s';
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000
        AND EXISTS (
            SELECT 1 FROM pg_settings
            WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
        )
    THEN
        ALTER TABLE batch_chunks ALTER COLUMN items SET COMPRESSION lz4;
        ALTER TABLE records
            ALTER COLUMN input SET COMPRESSION lz4,
            ALTER COLUMN decision SET COMPRESSION lz4,
            ALTER COLUMN review SET COMPRESSION lz4;
        ALTER TABLE policy_sets ALTER COLUMN files SET COMPRESSION lz4;
    END IF;
END
$$;
