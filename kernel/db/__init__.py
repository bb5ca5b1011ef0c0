"""The database: the engine and its tables' base, the single writer (the one write path),
backups."""
