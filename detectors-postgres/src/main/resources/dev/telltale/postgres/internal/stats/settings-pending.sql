-- What: settings changed in the configuration and reloaded but waiting for a restart (pg_settings.pending_restart),
--       with the value in force, the first :limit by name and how many there are in all; and whether this role may
--       read the configuration files (pg_file_settings) for the values waiting and the entries in error.
-- Needs: nothing beyond CONNECT (pg_settings shows what the role may see); the files need superuser.
-- Versions: 13 and later.
select s.name,
       current_setting(s.name) as in_force,
       count(*) over ()::int8 as total
  from pg_settings s
 where s.pending_restart
 order by s.name
 limit :limit
