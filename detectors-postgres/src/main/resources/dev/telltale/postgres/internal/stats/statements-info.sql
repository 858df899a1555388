-- What: when pg_stat_statements was last reset as a whole, to restart the deltas instead of
--       reading negative numbers. Never resets anything itself.
-- Needs: pg_stat_statements 1.9 or later (pg_stat_statements_info).
-- Versions: 14 and later.
select stats_reset from pg_stat_statements_info
