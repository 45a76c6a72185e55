"""Full-text search: one search function over SQLite FTS5 (embedded) and PostgreSQL full-text
search (production), kept in step with the records in the transaction that changes them.

Each context registers a ``Source`` (what of its records is searched); listings join the
ranked hits of ``engine.matching`` onto their own query, so their filters, visibility rules
and pagination stay where they are.
"""
