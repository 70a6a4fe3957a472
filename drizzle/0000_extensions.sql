-- Trigram search on post-office names: PGlite loads pg_trgm as an extension, PostgreSQL ships it in contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
