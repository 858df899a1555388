-- What: whether this role may read the configuration files through pg_file_settings.
-- Needs: nothing.
-- Versions: 13 and later.
select has_function_privilege('pg_show_all_file_settings()', 'execute') as files_readable
