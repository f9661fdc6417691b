-- Each operator's record stays theirs (issue 15):
-- * a session belongs to the login role (session_user) that inserted its first event; only that role
--   appends to it or sets its signature (RLS policy and trigger both check it);
-- * the line is the only truth: seq, ts, type, prev, hash and body are derived from the line, and a row
--   whose columns say something else is refused; the session row is kept from the lines alone;
-- * recorded rows are never updated or deleted, and no function is executable by PUBLIC.
-- SECURITY DEFINER functions run with search_path = pg_catalog, pg_temp and name tables as public.*.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'runbook_reviewer') then
    create role runbook_reviewer nologin;
  end if;
end $$;

-- Null for sessions recorded before ownership was kept: no one can append to those.
alter table public.runbook_sessions add column owner_role name;
-- First events by hash: a session cannot be recorded again under another id.
create index runbook_events_first_hash on public.runbook_events (hash) where seq = 0;
-- The same, as a constraint that holds against concurrent inserts at any isolation level (sessions
-- recorded before migration 2 may share a first event: only the first of them keeps it here).
alter table public.runbook_sessions add column first_hash text;
-- When the session reached the store, by the store's clock ("the newest session" for watchers; the
-- started_at a line claims can be any date).
alter table public.runbook_sessions add column recorded_at timestamptz;
update public.runbook_sessions s set recorded_at = s.started_at,
  first_hash = (select e.hash from public.runbook_events e where e.session_id = s.id and e.seq = 0
                and not exists (select 1 from public.runbook_events o where o.seq = 0 and o.hash = e.hash and o.session_id < e.session_id));
alter table public.runbook_sessions alter column recorded_at set default now(), alter column recorded_at set not null;
create unique index runbook_sessions_first_hash on public.runbook_sessions (first_hash);
create index runbook_sessions_recorded on public.runbook_sessions (recorded_at desc);

-- The line as PostgreSQL's JSON parser can read it: the \u0000 and lone-surrogate escapes that
-- JSON.stringify writes (and jsonb cannot hold) read as U+FFFD. Only escapes change: an escaped
-- backslash is set aside first, so "\\u0000" stays text. The caller refuses a raw chr(1).
create function public.runbook_json_readable(line text) returns text
language sql immutable set search_path = pg_catalog, pg_temp as $$
  select replace(
    regexp_replace(
      regexp_replace(
        replace(replace(line, E'\\\\', chr(1)), E'\\u0000', E'\\ufffd'),
        E'\\\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\\\u[dD][c-fC-F][0-9a-fA-F]{2})', E'\\\\ufffd', 'g'),
      E'(?<!\\\\u[dD][89abAB][0-9a-fA-F]{2})\\\\u[dD][c-fC-F][0-9a-fA-F]{2}', E'\\\\ufffd', 'g'),
    chr(1), E'\\\\')
$$;

-- A JSON value's first duplicate key, at any depth (jsonb keeps the last; another reader may keep the first).
create function public.runbook_json_duplicate_key(value json) returns text
language plpgsql immutable set search_path = pg_catalog, pg_temp as $$
declare
  k text;
  v json;
  seen text[] := '{}';
  found text;
begin
  if json_typeof(value) = 'object' then
    for k, v in select e.key, e.value from json_each(value) e loop
      if k = any (seen) then
        return k;
      end if;
      seen := seen || k;
      found := public.runbook_json_duplicate_key(v);
      if found is not null then
        return found;
      end if;
    end loop;
  elsif json_typeof(value) = 'array' then
    for v in select e.value from json_array_elements(value) e loop
      found := public.runbook_json_duplicate_key(v);
      if found is not null then
        return found;
      end if;
    end loop;
  end if;
  return null;
end $$;

-- The public key blob inside an armored OpenSSH signature of namespace runbook-session; null when
-- the text is not one.
create function public.runbook_sshsig_key(armored text) returns bytea
language plpgsql immutable set search_path = pg_catalog, pg_temp as $$
declare
  b bytea;
  key_len bigint;
  ns_len bigint;
begin
  if armored is null or armored !~ '^\s*-----BEGIN SSH SIGNATURE-----\s[A-Za-z0-9+/=\s]+-----END SSH SIGNATURE-----\s*$' then
    return null;
  end if;
  b := decode(regexp_replace(armored, '-----(BEGIN|END) SSH SIGNATURE-----|\s', '', 'g'), 'base64');
  if length(b) < 18 or substring(b from 1 for 6) <> '\x535348534947'::bytea
     or get_byte(b, 6) <> 0 or get_byte(b, 7) <> 0 or get_byte(b, 8) <> 0 or get_byte(b, 9) <> 1 then
    return null;
  end if;
  key_len := (get_byte(b, 10)::bigint << 24) | (get_byte(b, 11) << 16) | (get_byte(b, 12) << 8) | get_byte(b, 13);
  if 14 + key_len + 4 > length(b) then
    return null;
  end if;
  ns_len := (get_byte(b, 14 + key_len::int)::bigint << 24) | (get_byte(b, 15 + key_len::int) << 16) | (get_byte(b, 16 + key_len::int) << 8) | get_byte(b, 17 + key_len::int);
  if 18 + key_len + ns_len > length(b) or substring(b from 19 + key_len::int for ns_len::int) <> convert_to('runbook-session', 'UTF8') then
    return null;
  end if;
  return substring(b from 15 for key_len::int);
exception when others then
  return null;
end $$;

-- Every row continues its owner's chain, and says only what its line says.
create or replace function public.runbook_event_arrives() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  parsed jsonb;
  duplicate text;
  seq integer;
  ts timestamptz;
  hash text;
  session public.runbook_sessions%rowtype;
  previous text;
  key_blob bytea;
  readable text;
begin
  if new.line is null then
    raise exception 'runbook_events: a row needs its line';
  end if;
  -- Every watcher reads every line: one operator must not be able to make them fetch gigabytes.
  if octet_length(new.line) > 1048576 then
    raise exception 'runbook_events: the line of % is larger than 1 MiB, which the store does not take', new.session_id;
  end if;
  -- A raw chr(1) is never JSON; it would pass for an escaped backslash in runbook_json_readable.
  if strpos(new.line, chr(1)) > 0 then
    raise exception 'runbook_events: the line of % holds a raw control character, which JSON never has', new.session_id;
  end if;
  readable := public.runbook_json_readable(new.line);
  begin
    parsed := readable::jsonb;
  exception when others then
    raise exception 'runbook_events: the line of % is not valid JSON (%)', new.session_id, sqlerrm;
  end;
  if jsonb_typeof(parsed) <> 'object' then
    raise exception 'runbook_events: the line of % is not a JSON object', new.session_id;
  end if;
  -- The tool writes compact JSON: whitespace outside strings means the line was made some other way.
  if regexp_replace(new.line, '"(\\.|[^"\\])*"', '', 'g') ~ '\s' then
    raise exception 'runbook_events: the line of % has whitespace outside its strings, which the tool never writes', new.session_id;
  end if;
  duplicate := public.runbook_json_duplicate_key(readable::json);
  if duplicate is not null then
    raise exception 'runbook_events: the line of % has a duplicate key "%"', new.session_id, duplicate;
  end if;

  -- Every column follows from the line: filled when missing, refused when it differs.
  if jsonb_typeof(parsed -> 'seq') is distinct from 'number' or parsed ->> 'seq' !~ '^(0|[1-9][0-9]{0,8})$' then
    raise exception 'runbook_events: the line''s seq is not a non-negative integer';
  end if;
  seq := (parsed ->> 'seq')::integer;
  if jsonb_typeof(parsed -> 'ts') is distinct from 'string' or parsed ->> 'ts' !~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$' then
    raise exception 'runbook_events: the line''s ts is not an ISO-8601 UTC time';
  end if;
  begin
    ts := (parsed ->> 'ts')::timestamptz;
  exception when others then
    raise exception 'runbook_events: the line''s ts is not a valid time';
  end;
  if jsonb_typeof(parsed -> 'type') is distinct from 'string' or parsed ->> 'type' = '' then
    raise exception 'runbook_events: the line has no event type';
  end if;
  if jsonb_typeof(parsed -> 'prev') is distinct from 'string' or parsed ->> 'prev' !~ '^[0-9a-f]{64}$' then
    raise exception 'runbook_events: the line''s prev is not a SHA-256 in hex';
  end if;
  if parsed ? 'session_id' and parsed ->> 'session_id' is distinct from new.session_id then
    raise exception 'runbook_events: the line names session %, the row %', parsed ->> 'session_id', new.session_id;
  end if;
  hash := encode(sha256(convert_to(new.line, 'UTF8')), 'hex');
  if new.seq is distinct from seq and new.seq is not null then
    raise exception 'runbook_events: the seq column (%) is not the line''s seq (%)', new.seq, seq;
  end if;
  if new.ts is distinct from ts and new.ts is not null then
    raise exception 'runbook_events: the ts column (%) is not the line''s ts (%)', new.ts, parsed ->> 'ts';
  end if;
  if new.type is distinct from parsed ->> 'type' and new.type is not null then
    raise exception 'runbook_events: the type column (%) is not the line''s type (%)', new.type, parsed ->> 'type';
  end if;
  if new.prev is distinct from parsed ->> 'prev' and new.prev is not null then
    raise exception 'runbook_events: the prev column is not the line''s prev';
  end if;
  if new.hash is distinct from hash and new.hash is not null then
    raise exception 'runbook_events: the hash column of % #% is not the SHA-256 of its line', new.session_id, seq;
  end if;
  if new.body is distinct from parsed and new.body is not null then
    raise exception 'runbook_events: the body of % #% is not its line: the store keeps only what the line says', new.session_id, seq;
  end if;
  new.seq := seq;
  new.ts := ts;
  new.type := parsed ->> 'type';
  new.prev := parsed ->> 'prev';
  new.hash := hash;
  new.body := parsed;

  if new.seq = 0 then
    if new.session_id !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$' then
      raise exception 'runbook_events: "%" is not a session id the tool makes (letters, digits, ".", "_", "-"; at most 200)', new.session_id;
    end if;
    if new.type <> 'started' then
      raise exception 'runbook_events: the first event of % must be "started", not "%"', new.session_id, new.type;
    end if;
    if new.prev <> repeat('0', 64) then
      raise exception 'runbook_events: the first event of % must record 64 zeros as prev', new.session_id;
    end if;
    -- Every later line chains to this one, so a session is recorded once: not again under another id.
    select e.session_id into previous from public.runbook_events e where e.seq = 0 and e.hash = new.hash limit 1;
    if previous is not null then
      raise exception 'runbook_events: this first event is already recorded as session %: a session is recorded once', previous;
    end if;
    select * into session from public.runbook_sessions s where s.id = new.session_id;
    if found then
      raise exception 'runbook_events: session % already exists in the store (it belongs to %)', new.session_id, coalesce(session.owner_role::text, 'no one')
        using errcode = 'unique_violation';
    end if;
    begin
      insert into public.runbook_sessions (id, owner_role, first_hash, runbook, runbook_sha256, section, env, operator, host, purpose, started_at)
      values (new.session_id, session_user, new.hash, parsed -> 'runbook' ->> 'path', parsed -> 'runbook' ->> 'sha256', parsed -> 'section' ->> 'title',
              parsed ->> 'env', parsed ->> 'operator', parsed ->> 'host', parsed -> 'purpose', new.ts);
    exception when unique_violation then
      -- Another transaction recorded this id or this first event at the same moment.
      raise exception 'runbook_events: session % or its first event is already recorded: a session is recorded once', new.session_id
        using errcode = 'unique_violation';
    end;
  else
    if new.type = 'started' then
      raise exception 'runbook_events: "started" can only be the first event of a session (% #%)', new.session_id, new.seq;
    end if;
    select * into session from public.runbook_sessions s where s.id = new.session_id for update;
    if not found then
      raise exception 'runbook_events: % #% does not follow the stored chain: the store has no first event for it', new.session_id, new.seq;
    end if;
    if session.owner_role is distinct from session_user then
      raise exception 'runbook_events: session % belongs to %; % may not append to it', new.session_id,
        coalesce(session.owner_role::text, 'no one (recorded before ownership was kept)'), session_user
        using errcode = 'insufficient_privilege';
    end if;
    if session.status = 'sealed' then
      raise exception 'runbook_events: session % is sealed: nothing can be appended to it', new.session_id;
    end if;
    -- Only the next seq: the row for an earlier one would be refused by the primary key after this
    -- trigger has moved the session row (or dropped silently by ON CONFLICT DO NOTHING).
    if new.seq < session.events then
      raise exception 'runbook_events: the store already holds an event at % #%', new.session_id, new.seq using errcode = 'unique_violation';
    end if;
    if new.seq > session.events then
      raise exception 'runbook_events: % #% does not follow the stored chain: the store holds % events', new.session_id, new.seq, session.events;
    end if;
    select e.hash into previous from public.runbook_events e where e.session_id = new.session_id and e.seq = new.seq - 1;
    if previous is null or previous <> new.prev then
      if exists (select 1 from public.runbook_events e where e.session_id = new.session_id and e.seq = new.seq) then
        raise exception 'runbook_events: the store already holds another event at % #%', new.session_id, new.seq using errcode = 'unique_violation';
      end if;
      raise exception 'runbook_events: % #% does not follow the stored chain', new.session_id, new.seq;
    end if;
  end if;

  -- A seal must describe the log it closes.
  if new.type = 'sealed' then
    if jsonb_typeof(parsed -> 'events') is distinct from 'number' or parsed ->> 'events' is distinct from (new.seq + 1)::text then
      raise exception 'runbook_events: the sealed event of % counts % events, the log has %', new.session_id, parsed ->> 'events', new.seq + 1;
    end if;
    if jsonb_typeof(parsed -> 'head') is distinct from 'string' or parsed ->> 'head' is distinct from new.prev then
      raise exception 'runbook_events: the sealed event of % names another head than the line before it', new.session_id;
    end if;
    begin
      key_blob := case when jsonb_typeof(parsed -> 'key') = 'string' then decode(split_part(parsed ->> 'key', ' ', 2), 'base64') end;
    exception when others then
      key_blob := null;
    end;
    if key_blob is null or length(key_blob) = 0 then
      raise exception 'runbook_events: the sealed event of % names no OpenSSH public key', new.session_id;
    end if;
    if parsed ->> 'fingerprint' is distinct from 'SHA256:' || rtrim(encode(sha256(key_blob), 'base64'), '=') then
      raise exception 'runbook_events: the sealed event''s fingerprint is not the fingerprint of its key';
    end if;
  end if;

  update public.runbook_sessions s set
    events = new.seq + 1,
    head_hash = new.hash,
    status = case new.type when 'sealed' then 'sealed' when 'interrupted' then 'interrupted' when 'resumed' then 'open' else s.status end,
    ended_at = case when new.type in ('sealed', 'interrupted') then new.ts else s.ended_at end,
    signer = case when new.type = 'sealed' then parsed ->> 'signer' else s.signer end
  where s.id = new.session_id;
  perform pg_notify('runbook_events', json_build_object('session', new.session_id, 'seq', new.seq)::text);
  return new;
end $$;

create function public.runbook_events_append_only() returns trigger
language plpgsql set search_path = pg_catalog, pg_temp as $$
begin
  raise exception '% is append-only: a recorded event or session is never changed or deleted', tg_table_name;
end $$;

create trigger runbook_events_append_only before update or delete on public.runbook_events
  for each row execute function public.runbook_events_append_only();
create trigger runbook_events_no_truncate before truncate on public.runbook_events
  for each statement execute function public.runbook_events_append_only();
create trigger runbook_sessions_no_truncate before truncate on public.runbook_sessions
  for each statement execute function public.runbook_events_append_only();

-- The session row follows from its events; the only other change is its signature, set once, by its
-- owner, on a sealed session, made with the key its sealed event names.
create function public.runbook_session_guard() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  sealed_key text;
  key_blob bytea;
begin
  if tg_op = 'DELETE' then
    raise exception 'runbook_sessions: a recorded session is never deleted';
  end if;
  if (new.id, new.owner_role, new.first_hash, new.recorded_at, new.runbook, new.runbook_sha256, new.section, new.env, new.operator, new.host, new.purpose, new.started_at)
     is distinct from (old.id, old.owner_role, old.first_hash, old.recorded_at, old.runbook, old.runbook_sha256, old.section, old.env, old.operator, old.host, old.purpose, old.started_at)
     or (pg_trigger_depth() < 2 and (new.events, new.head_hash, new.status, new.ended_at, new.signer)
         is distinct from (old.events, old.head_hash, old.status, old.ended_at, old.signer)) then
    raise exception 'runbook_sessions: the row of % follows from its events; it cannot change otherwise', old.id;
  end if;
  if new.signature is distinct from old.signature then
    if old.owner_role is distinct from session_user then
      raise exception 'runbook_sessions: session % belongs to %; % may not set its signature', old.id, coalesce(old.owner_role::text, 'no one'), session_user
        using errcode = 'insufficient_privilege';
    end if;
    if old.signature is not null then
      raise exception 'runbook_sessions: session % already has a signature', old.id;
    end if;
    if old.status <> 'sealed' then
      raise exception 'runbook_sessions: session % is not sealed yet: its signature comes after the sealed event', old.id;
    end if;
    key_blob := public.runbook_sshsig_key(new.signature);
    if key_blob is null then
      raise exception 'runbook_sessions: the signature for % is not an SSH signature of namespace runbook-session', old.id;
    end if;
    select e.body ->> 'key' into sealed_key from public.runbook_events e where e.session_id = old.id and e.seq = old.events - 1;
    if key_blob is distinct from decode(split_part(sealed_key, ' ', 2), 'base64') then
      raise exception 'runbook_sessions: the signature for % was made with another key than its sealed event names', old.id;
    end if;
  end if;
  return new;
end $$;

create trigger runbook_session_guard before update or delete on public.runbook_sessions
  for each row execute function public.runbook_session_guard();

-- The signature arrives after the sealed event; only the session's owner may set it (once). It runs
-- with the caller's rights: the RLS policy below and the guard trigger above both check the owner.
create or replace function public.runbook_set_signature(session text, armored text) returns void
language plpgsql security invoker set search_path = pg_catalog, pg_temp as $$
declare
  current public.runbook_sessions%rowtype;
begin
  select * into current from public.runbook_sessions s where s.id = session;
  if not found then
    raise exception 'runbook_set_signature: the store has no session %', session;
  end if;
  if current.owner_role is distinct from session_user then
    raise exception 'runbook_set_signature: session % belongs to %; % may not set its signature', session, coalesce(current.owner_role::text, 'no one'), session_user
      using errcode = 'insufficient_privilege';
  end if;
  if current.signature is not distinct from armored then
    return;
  end if;
  update public.runbook_sessions s set signature = armored where s.id = session;
  if not found then
    raise exception 'runbook_set_signature: session % may not be signed by %', session, session_user using errcode = 'insufficient_privilege';
  end if;
end $$;

-- The one column an operator may change, on their own sessions only.
grant update (signature) on public.runbook_sessions to runbook_operator;
create policy operators_sign_own_sessions on public.runbook_sessions for update to runbook_operator
  using (owner_role = session_user) with check (owner_role = session_user);

-- Operators append only to sessions they own (or start a new one); reviewers read.
drop policy operators_append_events on public.runbook_events;
-- Volatile, so that it sees the session row the trigger has just created for a first event in the
-- same statement (a subquery in the policy would see only the statement's starting snapshot).
create function public.runbook_owns_session(session text) returns boolean
language sql volatile set search_path = pg_catalog, pg_temp as $$
  select exists (select 1 from public.runbook_sessions s where s.id = session and s.owner_role = session_user);
$$;
create policy operators_append_own_sessions on public.runbook_events for insert to runbook_operator
  with check (public.runbook_owns_session(session_id));
grant select on public.runbook_sessions, public.runbook_events to runbook_reviewer;
create policy reviewers_read_sessions on public.runbook_sessions for select to runbook_reviewer using (true);
create policy reviewers_read_events on public.runbook_events for select to runbook_reviewer using (true);

-- No function is anyone's to call but the grants below; Supabase's API roles get nothing.
do $$
declare
  fn regprocedure;
  api text;
begin
  for fn in select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'public' and p.proname like 'runbook\_%' loop
    execute format('revoke all on function %s from public', fn);
    foreach api in array array['anon', 'authenticated', 'service_role'] loop
      if exists (select 1 from pg_roles where rolname = api) then
        execute format('revoke all on function %s from %I', fn, api);
      end if;
    end loop;
  end loop;
  foreach api in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api) then
      execute format('revoke all on public.runbook_sessions, public.runbook_events from %I', api);
      if to_regclass('public.runbook_schemaversion') is not null then
        execute format('revoke all on public.runbook_schemaversion from %I', api);
      end if;
    end if;
  end loop;
end $$;
grant execute on function public.runbook_set_signature(text, text) to runbook_operator;
grant execute on function public.runbook_owns_session(text) to runbook_operator;
