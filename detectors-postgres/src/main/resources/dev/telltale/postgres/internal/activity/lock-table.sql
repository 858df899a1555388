-- What: how full the shared lock table is. Fast-path locks (weak relation locks kept per backend) do not use it,
--       so they are not counted. Its size is max_locks_per_transaction x (max_connections +
--       autovacuum_max_workers + 1 + max_worker_processes + max_wal_senders + max_prepared_transactions);
--       when it is full, any statement that needs a new lock fails with "out of shared memory".
-- Needs: nothing (pg_locks is readable by every role).
-- Versions: 13 and later.
select count(*) filter (where not fastpath) as shared_entries,
       count(*) as all_locks,
       current_setting('max_locks_per_transaction')::bigint as max_locks_per_transaction,
       current_setting('max_connections')::bigint as max_connections,
       current_setting('max_prepared_transactions')::bigint as max_prepared_transactions,
       current_setting('max_locks_per_transaction')::bigint
         * (current_setting('max_connections')::bigint + current_setting('autovacuum_max_workers')::bigint + 1
            + current_setting('max_worker_processes')::bigint + current_setting('max_wal_senders')::bigint
            + current_setting('max_prepared_transactions')::bigint) as capacity
  from pg_locks
