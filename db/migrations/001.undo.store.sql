drop table if exists runbook_events;
drop table if exists runbook_sessions;
drop function if exists runbook_event_arrives();
drop function if exists runbook_set_signature(text, text);
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'runbook_operator') then
    drop role runbook_operator;
  end if;
end $$;
