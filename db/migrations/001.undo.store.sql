-- Removes the team store. Recorded sessions are the team's evidence: when the store holds any, this
-- runs only when the operator asked for it (runbook db rollback --force --confirm DATABASE sets
-- runbook.drop_recorded_data). Dump them first:
--   pg_dump --data-only --table=runbook_sessions --table=runbook_events "$DATABASE_URL" > runbook-store.sql
-- The runbook_operator role stays: roles belong to the whole cluster and may be granted to people.

do $$
declare
  held integer;
begin
  select count(*) into held from runbook_sessions;
  if held > 0 and coalesce(current_setting('runbook.drop_recorded_data', true), '') <> 'yes' then
    raise exception 'The store holds % recorded session(s); undoing migration 1 drops them. Dump it first: pg_dump --data-only --table=runbook_sessions --table=runbook_events "$DATABASE_URL" > runbook-store.sql; then run: runbook db rollback --force --confirm %', held, current_database();
  end if;
end $$;

drop table if exists runbook_events;
drop table if exists runbook_sessions;
drop function if exists runbook_event_arrives();
drop function if exists runbook_set_signature(text, text);
