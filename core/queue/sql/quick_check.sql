-- SQLite's check of the database file's structure: one row 'ok', or rows naming what is
-- corrupt. Read at startup, before anything is served from the file.
PRAGMA quick_check
