-- Names sort by code point (COLLATE "C"), as on SQLite, whatever the database's locale: searches
-- ordered by name give the same pages on both stores.
ALTER TABLE registered_models ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE experiments ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE runs ALTER COLUMN name TYPE TEXT COLLATE "C";
