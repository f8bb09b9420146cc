-- The large texts (an application, a decision, a review, a batch chunk's lines, a policy set's
-- files) are compressed out of line by PostgreSQL (TOAST). Its default compressor, pglz, was
-- the limit of storing screenings: the group commit's INSERT waited on compressing each record's
-- ~24 KB, and `POST /v1/screenings` stored 2,671-2,765 a second on this project's 2-core machine;
-- with lz4 it stored 4,339-4,838 (64 connections, two runs each in turn, 2026-12-05;
-- docs/performance.md, "PostgreSQL: lz4 for the large texts"). The records take the same space.
--
-- Only new values are compressed with lz4; values already stored keep pglz and read as before,
-- and nothing is rewritten. A server before PostgreSQL 14, or built without lz4, keeps pglz:
-- the statement is skipped, not failed.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000
        AND EXISTS (
            SELECT 1 FROM pg_settings
            WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
        )
    THEN
        ALTER TABLE records
            ALTER COLUMN input SET COMPRESSION lz4,
            ALTER COLUMN decision SET COMPRESSION lz4,
            ALTER COLUMN review SET COMPRESSION lz4;
        ALTER TABLE batch_chunks ALTER COLUMN items SET COMPRESSION lz4;
        ALTER TABLE policy_sets ALTER COLUMN files SET COMPRESSION lz4;
    END IF;
END
$$;
