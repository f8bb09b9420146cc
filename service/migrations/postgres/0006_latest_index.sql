-- The latest screening of each application (`imvo rescreen --stored`): for every screening, the
-- question "is there a later screening of the same reference and instrument?" is answered from
-- this index, by one lookup. Without it SQLite answered from `records_list` (kind, seq, ...),
-- which it prefers because that index covers the columns, and walked every later screening for
-- each one: quadratic in the number stored (20,000 screenings took 25 s, 1,000,000 hours).
CREATE INDEX records_latest ON records (reference, instrument, kind, seq);
