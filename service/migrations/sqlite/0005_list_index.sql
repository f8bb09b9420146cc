-- The cases list (issue 17): screenings newest first, 50 a page, with the few columns a list
-- shows. In SQLite a row's later columns (the holder) sit behind its application and decision,
-- which spill onto overflow pages, so reading them for a list read every page of every row.
-- This index holds what the list filters on and shows, so the list never touches the rows.
CREATE INDEX records_list ON records (kind, seq, id, created_at, created_by, reference, instrument, outcome, category, holder, engine_version);
