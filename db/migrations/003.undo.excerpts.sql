-- Back to schema 2: the evidence excerpts go. They are copies of files on the operators' machines,
-- but with excerpts in the store this runs only when the operator asked for it (runbook db rollback
-- --force --confirm DATABASE sets runbook.drop_recorded_data); dump them first:
--   pg_dump --data-only --table=runbook_excerpts "$DATABASE_URL" > runbook-excerpts.sql

do $$
declare
  held integer;
begin
  select count(*) into held from public.runbook_excerpts;
  if held > 0 and coalesce(current_setting('runbook.drop_recorded_data', true), '') <> 'yes' then
    raise exception 'The store holds % evidence excerpt(s) and undoing migration 3 drops them. Dump them first: pg_dump --data-only --table=runbook_excerpts "$DATABASE_URL" > runbook-excerpts.sql; then run: runbook db rollback --force --confirm %', held, current_database();
  end if;
end $$;

drop table public.runbook_excerpts;
drop function if exists public.runbook_excerpt_arrives();
