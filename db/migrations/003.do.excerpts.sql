-- Evidence in the team store (issue 21): for each action output or attachment, an excerpt cut from its
-- evidence file on the operator's machine (already redacted there), and the whole file when it is
-- small enough. A row is accepted only from the session's owner (session_user, as for events), only
-- for an event of that session that names evidence, and only with that event's SHA-256 and size;
-- a whole file must hash to it. Rows are never changed or deleted. Team roles read.

create table public.runbook_excerpts (
  session_id text not null,
  -- The action.output or attachment event whose evidence this is cut from.
  seq integer not null,
  -- SHA-256 and size of the whole evidence file, as the event records them.
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint not null check (size >= 0),
  -- output: first and last lines of a command's output; rows: a result's columns and first rows;
  -- file: an attached file's first and last lines.
  kind text not null check (kind in ('output', 'rows', 'file')),
  -- JSON: {"head": [...], "tail": [...], "lines": N} or {"columns": [...], "rows": [[...]], "more": bool}.
  excerpt jsonb not null check (octet_length(excerpt::text) <= 262144),
  -- The whole evidence file, when it was within the operator's limit; null for an excerpt only.
  content bytea,
  received_at timestamptz not null default now(),
  -- No foreign key: the trigger below checks the event exists (events are never deleted), and a key
  -- would make `truncate runbook_events` fail on the key before the append-only trigger says why.
  primary key (session_id, seq)
);

create function public.runbook_excerpt_arrives() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  session public.runbook_sessions%rowtype;
  event public.runbook_events%rowtype;
begin
  select * into session from public.runbook_sessions s where s.id = new.session_id;
  if not found then
    raise exception 'runbook_excerpts: the store has no session %', new.session_id;
  end if;
  if session.owner_role is distinct from session_user then
    raise exception 'runbook_excerpts: session % belongs to %; % may not add evidence to it', new.session_id,
      coalesce(session.owner_role::text, 'no one (recorded before ownership was kept)'), session_user
      using errcode = 'insufficient_privilege';
  end if;
  select * into event from public.runbook_events e where e.session_id = new.session_id and e.seq = new.seq;
  if not found then
    raise exception 'runbook_excerpts: % #% is not in the store yet: an excerpt follows its event', new.session_id, new.seq;
  end if;
  if event.type not in ('action.output', 'attachment') or jsonb_typeof(event.body -> 'evidence') is distinct from 'object' then
    raise exception 'runbook_excerpts: % #% is a % event that names no evidence', new.session_id, new.seq, event.type;
  end if;
  if new.sha256 is distinct from event.body -> 'evidence' ->> 'sha256' then
    raise exception 'runbook_excerpts: the excerpt for % #% names evidence %, the event %', new.session_id, new.seq, left(new.sha256, 12), left(event.body -> 'evidence' ->> 'sha256', 12);
  end if;
  if new.size::text is distinct from event.body -> 'evidence' ->> 'size' then
    raise exception 'runbook_excerpts: the excerpt for % #% gives a size of %, the event %', new.session_id, new.seq, new.size, event.body -> 'evidence' ->> 'size';
  end if;
  if new.content is not null and (length(new.content) <> new.size or encode(sha256(new.content), 'hex') <> new.sha256) then
    raise exception 'runbook_excerpts: the file sent for % #% is not the evidence its event names (SHA-256 or size differ)', new.session_id, new.seq;
  end if;
  if jsonb_typeof(new.excerpt) is distinct from 'object' then
    raise exception 'runbook_excerpts: an excerpt is a JSON object';
  end if;
  new.received_at := now();
  perform pg_notify('runbook_events', json_build_object('session', new.session_id, 'seq', new.seq, 'excerpt', true)::text);
  return new;
end $$;

create trigger runbook_excerpt_arrives before insert on public.runbook_excerpts
  for each row execute function public.runbook_excerpt_arrives();
create trigger runbook_excerpts_append_only before update or delete on public.runbook_excerpts
  for each row execute function public.runbook_events_append_only();
create trigger runbook_excerpts_no_truncate before truncate on public.runbook_excerpts
  for each statement execute function public.runbook_events_append_only();

alter table public.runbook_excerpts enable row level security;
grant select, insert on public.runbook_excerpts to runbook_operator;
grant select on public.runbook_excerpts to runbook_reviewer;
create policy team_reads_excerpts on public.runbook_excerpts for select to runbook_operator using (true);
create policy reviewers_read_excerpts on public.runbook_excerpts for select to runbook_reviewer using (true);
create policy operators_add_own_excerpts on public.runbook_excerpts for insert to runbook_operator
  with check (public.runbook_owns_session(session_id));

-- As in migration 2: no function is PUBLIC's to call, Supabase's API roles get nothing.
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
      execute format('revoke all on public.runbook_excerpts from %I', api);
    end if;
  end loop;
end $$;
grant execute on function public.runbook_owns_session(text) to runbook_operator;
