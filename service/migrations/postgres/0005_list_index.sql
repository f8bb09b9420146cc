-- The cases list (issue 17): screenings newest first, 50 a page. PostgreSQL keeps the large
-- application and decision out of line (TOAST), so an index on the order is enough here.
CREATE INDEX records_list ON records (kind, seq);
