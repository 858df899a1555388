-- test: outlives a short statement timeout
select pg_sleep(5)
