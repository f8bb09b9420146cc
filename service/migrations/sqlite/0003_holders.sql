-- Who holds a key (issue 17): a person's or a system's name, shown with the key and recorded
-- with every act stored under it, so that four-eyes checks compare people rather than keys.
-- Keys created before this have none and read as their id; records stored before it have none
-- and their hashes are unchanged (the hashed content names the holder only where there is one).
ALTER TABLE api_keys ADD COLUMN holder TEXT;
ALTER TABLE records ADD COLUMN holder TEXT;
