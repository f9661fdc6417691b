-- The team store: sessions mirrored from operators' signed logs (the local log stays the source of truth).

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'runbook_operator') then
    create role runbook_operator nologin;
  end if;
end $$;

create table runbook_sessions (
  id text primary key,
  runbook text,
  runbook_sha256 text,
  section text,
  env text,
  operator text,
  host text,
  purpose jsonb,
  started_at timestamptz not null,
  ended_at timestamptz,
  status text not null default 'open' check (status in ('open', 'interrupted', 'sealed')),
  events integer not null default 0,
  head_hash text,
  signer text,
  signature text
);
-- "The latest sessions".
create index runbook_sessions_latest on runbook_sessions (started_at desc);

create table runbook_events (
  session_id text not null references runbook_sessions (id),
  seq integer not null check (seq >= 0),
  ts timestamptz not null,
  type text not null,
  prev text not null,
  hash text not null,
  -- The exact bytes of the log line, so anyone can re-check the chain from the store alone.
  line text not null,
  body jsonb not null,
  -- Unique per session and seq; the same index serves "events of a session after seq N".
  primary key (session_id, seq)
);

-- Every row must continue its session's chain: its hash is the SHA-256 of its line, and its prev is
-- the previous row's hash. The session row follows from the events.
create function runbook_event_arrives() returns trigger
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

create trigger runbook_event_arrives before insert on runbook_events
  for each row execute function runbook_event_arrives();

-- The signature arrives after the sealed event; it can be set once, on a sealed session.
create function runbook_set_signature(session text, armored text) returns void
language sql security definer set search_path = public as $$
  update runbook_sessions set signature = armored where id = session and status = 'sealed' and signature is null;
$$;

alter table runbook_sessions enable row level security;
alter table runbook_events enable row level security;
grant select on runbook_sessions to runbook_operator;
grant select, insert on runbook_events to runbook_operator;
grant execute on function runbook_set_signature(text, text) to runbook_operator;
create policy team_reads_sessions on runbook_sessions for select to runbook_operator using (true);
create policy team_reads_events on runbook_events for select to runbook_operator using (true);
create policy operators_append_events on runbook_events for insert to runbook_operator with check (true);
-- No update or delete policy, and no such grant: a recorded event can never be changed through the store.
