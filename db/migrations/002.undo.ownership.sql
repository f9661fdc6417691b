-- Back to schema 1: the ownership column, the guards and the reviewer policies go; recorded events and
-- sessions stay. Who owned each session is recorded data, so with sessions in the store this runs
-- only when the operator asked for it (runbook db rollback --force --confirm DATABASE sets
-- runbook.drop_recorded_data); dump the store first:
--   pg_dump --data-only --table=runbook_sessions --table=runbook_events "$DATABASE_URL" > runbook-store.sql

do $$
declare
  held integer;
begin
  select count(*) into held from public.runbook_sessions;
  if held > 0 and coalesce(current_setting('runbook.drop_recorded_data', true), '') <> 'yes' then
    raise exception 'The store holds % recorded session(s) and undoing migration 2 drops who owns each. Dump it first: pg_dump --data-only --table=runbook_sessions --table=runbook_events "$DATABASE_URL" > runbook-store.sql; then run: runbook db rollback --force --confirm %', held, current_database();
  end if;
end $$;

drop policy if exists reviewers_read_events on public.runbook_events;
drop policy if exists reviewers_read_sessions on public.runbook_sessions;
revoke all on public.runbook_sessions, public.runbook_events from runbook_reviewer;
drop policy if exists operators_append_own_sessions on public.runbook_events;
drop policy if exists operators_sign_own_sessions on public.runbook_sessions;
revoke update (signature) on public.runbook_sessions from runbook_operator;
create policy operators_append_events on public.runbook_events for insert to runbook_operator with check (true);

drop trigger if exists runbook_session_guard on public.runbook_sessions;
drop function if exists public.runbook_session_guard();
drop trigger if exists runbook_events_append_only on public.runbook_events;
drop trigger if exists runbook_events_no_truncate on public.runbook_events;
drop trigger if exists runbook_sessions_no_truncate on public.runbook_sessions;
drop function if exists public.runbook_events_append_only();

create or replace function public.runbook_event_arrives() returns trigger
language plpgsql security definer set search_path = public as $$
declare
  previous text;
begin
  if new.hash <> encode(sha256(convert_to(new.line, 'UTF8')), 'hex') then
    raise exception 'runbook_events: hash of % #% does not match its line', new.session_id, new.seq;
  end if;
  if new.seq = 0 then
    if new.prev <> repeat('0', 64) then
      raise exception 'runbook_events: the first event of % must record 64 zeros as prev', new.session_id;
    end if;
    insert into runbook_sessions (id, runbook, runbook_sha256, section, env, operator, host, purpose, started_at)
    values (new.session_id, new.body -> 'runbook' ->> 'path', new.body -> 'runbook' ->> 'sha256', new.body -> 'section' ->> 'title',
            new.body ->> 'env', new.body ->> 'operator', new.body ->> 'host', new.body -> 'purpose', new.ts)
    on conflict (id) do nothing;
  else
    select hash into previous from runbook_events where session_id = new.session_id and seq = new.seq - 1;
    if previous is null or previous <> new.prev then
      raise exception 'runbook_events: % #% does not follow the stored chain', new.session_id, new.seq;
    end if;
  end if;
  update runbook_sessions set
    events = new.seq + 1,
    head_hash = new.hash,
    status = case new.type when 'sealed' then 'sealed' when 'interrupted' then 'interrupted' when 'resumed' then 'open' else status end,
    ended_at = case when new.type in ('sealed', 'interrupted') then new.ts else ended_at end,
    signer = case when new.type = 'sealed' then new.body ->> 'signer' else signer end
  where id = new.session_id and events <= new.seq;
  perform pg_notify('runbook_events', json_build_object('session', new.session_id, 'seq', new.seq)::text);
  return new;
end $$;
revoke all on function public.runbook_event_arrives() from public;

drop function if exists public.runbook_set_signature(text, text);
create function public.runbook_set_signature(session text, armored text) returns void
language sql security definer set search_path = public as $$
  update runbook_sessions set signature = armored where id = session and status = 'sealed' and signature is null;
$$;
revoke all on function public.runbook_set_signature(text, text) from public;
grant execute on function public.runbook_set_signature(text, text) to runbook_operator;

drop function if exists public.runbook_sshsig_key(text);
drop function if exists public.runbook_owns_session(text);
drop function if exists public.runbook_json_duplicate_key(json);
alter table public.runbook_sessions drop column owner_role, drop column first_hash, drop column recorded_at;
drop function if exists public.runbook_json_readable(text);
drop index if exists public.runbook_events_first_hash;
-- runbook_reviewer stays: roles belong to the whole cluster and may be granted to people.
