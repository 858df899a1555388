-- What: the server settings that decide whether autovacuum analyzes anything: track_counts (without it
--       the modification counters stay 0 and autovacuum does nothing), autovacuum, and autovacuum_naptime
--       (in seconds: how often autovacuum looks at each database).
-- Needs: nothing.
-- Versions: 13 and later.
select current_setting('track_counts')::bool as track_counts, current_setting('autovacuum')::bool as autovacuum,
       (select setting::float8 from pg_settings where name = 'autovacuum_naptime') as naptime_seconds
