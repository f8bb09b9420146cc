-- The latest screening of each application (`imvo rescreen --stored`): for every screening, the
-- question "is there a later screening of the same reference and instrument?" is answered from
-- this index, by one lookup. Without it SQLite answered from `records_list` (kind, seq, ...),
-- which it prefers because that index covers the columns, and walked every later screening for
-- each one: quadratic in the number stored (20,000 screenings took 25 s, 1,000,000 hours).
-- PostgreSQL needs no such index: its planner answers the question with an anti join on
-- `records_reference` (reference, seq), one lookup a screening (EXPLAIN ANALYZE, 2026-12-04).
CREATE INDEX records_latest ON records (reference, instrument, kind, seq);
