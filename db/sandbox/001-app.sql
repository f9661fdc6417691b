-- The sandbox: a small Supabase-like application matching the bundled runbook, in an embedded
-- PostgreSQL. One table is left exposed on purpose, so "Audit RLS policies; ensure no table exposed
-- without policy" has something to find.

create extension if not exists pg_stat_statements;

create role anon nologin;
create role authenticated nologin;
create role service_role nologin bypassrls;
create role member nologin;
create role subscriber nologin;
create role admin nologin;
grant member, subscriber to authenticated;

create table public.profiles (
  id serial primary key,
  email text not null unique,
  role text not null default 'member' check (role in ('member', 'subscriber', 'admin'))
);
insert into public.profiles (email, role) values ('dana@example.com', 'admin'), ('ravi@example.com', 'member'), ('mei@example.com', 'subscriber');
alter table public.profiles enable row level security;
create policy profiles_self on public.profiles for select to authenticated using (email = current_setting('request.jwt.claim.email', true));
create policy profiles_admin on public.profiles for all to admin using (true);

create table public.ebooks (
  id serial primary key,
  owner_id int not null references public.profiles (id),
  title text not null,
  storage_path text not null
);
insert into public.ebooks (owner_id, title, storage_path) values (1, 'Runbooks at 3 a.m.', 'ebooks/1.pdf'), (2, 'Postgres for the rest of us', 'ebooks/2.pdf'), (3, 'Restore drills', 'ebooks/3.pdf');
alter table public.ebooks enable row level security;
create policy ebooks_owner on public.ebooks for select to authenticated using (owner_id = (select id from public.profiles where email = current_setting('request.jwt.claim.email', true)));
create policy ebooks_subscriber on public.ebooks for select to subscriber using (true);

create table public.evidence (
  id serial primary key,
  profile_id int not null references public.profiles (id),
  kind text not null,
  recorded_at timestamptz not null default now()
);
insert into public.evidence (profile_id, kind) values (1, 'audit-export'), (2, 'gdpr-request');
alter table public.evidence enable row level security;
create policy evidence_admin on public.evidence for select to admin using (true);

-- Left exposed: no row level security, readable by anon.
create table public.mission_progress (
  id serial primary key,
  profile_id int not null references public.profiles (id),
  mission text not null,
  percent int not null
);
insert into public.mission_progress (profile_id, mission, percent) values (1, 'onboarding', 100), (2, 'onboarding', 40), (3, 'first-ebook', 10);

grant usage on schema public to anon, authenticated, service_role, member, subscriber, admin;
grant select on all tables in schema public to anon, authenticated, service_role, member, subscriber, admin;

-- Some query history, so the latency procedure (pg_stat_statements) has something to show.
select count(*) from public.ebooks where owner_id = 1;
select count(*) from public.ebooks where owner_id = 2;
select * from public.profiles where email = 'dana@example.com';
select e.title, p.email from public.ebooks e join public.profiles p on p.id = e.owner_id order by e.title;
select mission, avg(percent) from public.mission_progress group by mission;
