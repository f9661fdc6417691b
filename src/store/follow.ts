// Following the team store live: LISTEN for new events and excerpts, fetch what came after the last
// ones seen, in order. Without a named session it follows the newest and switches to a newer one as
// soon as its first event lands; with none yet it waits. A slow poll covers a notification lost to a
// reconnect.

import type { Client, ClientConfig } from 'pg';
import { UsageError } from '../errors.js';
import type { EventRecord } from '../session/chain.js';
import { isKnownEvent, type SessionEvent } from '../session/events.js';
import type { SessionView } from '../session/view.js';
import type { LinesExcerpt, RowsExcerpt, ExcerptKind } from './excerpts.js';

export interface StoredSession {
  id: string;
  env: string | null;
  operator: string | null;
  section: string | null;
  runbook?: string | null;
  purpose?: { kind?: string; id?: string; title?: string; severity?: string } | null;
  status: string;
  started_at?: string;
  ended_at?: string | null;
  events?: number;
}

export interface StoredExcerpt {
  seq: number;
  kind: ExcerptKind;
  sha256: string;
  size: number;
  excerpt: LinesExcerpt | RowsExcerpt;
  /** The store holds the whole evidence file. */
  full: boolean;
}

export interface FollowHandlers {
  onEvents(events: EventRecord[]): void;
  /** The session row changed (status, counts); on a switch, `fresh` is true and what was shown goes. */
  onSession?(session: StoredSession | undefined, fresh: boolean): void;
  onExcerpts?(excerpts: StoredExcerpt[]): void;
}

export interface Follower {
  session: StoredSession | undefined;
  /** Follow this session from now on (a pick from the list): no more switching. */
  pick(id: string): Promise<void>;
  /** The live and recent sessions, newest first. */
  list(limit?: number): Promise<StoredSession[]>;
  stop(): Promise<void>;
}

const POLL_MS = 2_000;
// Newest by the store's own clock (a session's own start time is whatever its log claims).
const BY_STORE_CLOCK = "(to_jsonb(s) ->> 'recorded_at')::timestamptz desc nulls last, started_at desc";
const SESSION_COLUMNS = "id, env, operator, section, runbook, purpose, status, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') as started_at, ended_at, events";

const strings = (value: unknown, limit: number): string[] => (Array.isArray(value) ? value.slice(0, limit).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) : []);

/**
 * An excerpt as the watch may trust it: the store checks its SHA-256 against the event, not its text,
 * so whatever shape the owner sent is reduced to lists of strings of bounded length.
 */
export function normalizeExcerpt(row: StoredExcerpt): StoredExcerpt {
  const raw = (row.excerpt && typeof row.excerpt === 'object' ? row.excerpt : {}) as unknown as Record<string, unknown>;
  const excerpt: LinesExcerpt | RowsExcerpt =
    row.kind === 'rows'
      ? { columns: strings(raw.columns, 100), rows: (Array.isArray(raw.rows) ? raw.rows.slice(0, 100) : []).map((r) => strings(r, 100)), more: raw.more === true }
      : { head: strings(raw.head, 100), tail: strings(raw.tail, 100), omitted: raw.omitted === true, ...(Number.isInteger(raw.lines) ? { lines: raw.lines as number } : {}) };
  return { ...row, excerpt };
}

export async function followSession(database: ClientConfig, sessionId: string | undefined, onEvents: (events: EventRecord[]) => void, onSession?: (session: StoredSession) => void): Promise<Follower> {
  return followStore(database, sessionId, { onEvents, onSession: (session) => session && onSession?.(session) });
}

export async function followStore(database: ClientConfig, sessionId: string | undefined, handlers: FollowHandlers): Promise<Follower> {
  const { default: pg } = await import('pg');
  const client: Client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000, application_name: 'runbook-watch' });
  client.on('error', () => undefined);
  await client.connect();
  const hasExcerpts = Boolean((await client.query<{ t: string | null }>("select to_regclass('runbook_excerpts')::text as t")).rows[0]?.t);
  let pinned = Boolean(sessionId);
  let session: StoredSession | undefined;
  if (sessionId) {
    // The exact id first; a part of one matches literally (LIKE's wildcards escaped).
    const named = await client.query<StoredSession>(`select ${SESSION_COLUMNS} from runbook_sessions s where id = $1 or id like $2 escape '\\' order by (id = $1) desc, ${BY_STORE_CLOCK} limit 1`, [sessionId, `%${sessionId.replace(/[\\%_]/g, '\\$&')}%`]);
    if (!named.rows.length) {
      await client.end();
      throw new UsageError(`The store has no session "${sessionId}".`);
    }
    session = named.rows[0];
  }
  let last = -1;
  let lastExcerpt = -1;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  const newest = async () => (await client.query<StoredSession>(`select ${SESSION_COLUMNS} from runbook_sessions s order by ${BY_STORE_CLOCK}, id desc limit 1`)).rows[0];
  const switchTo = (next: StoredSession | undefined) => {
    session = next;
    last = -1;
    lastExcerpt = -1;
    handlers.onSession?.(next, true);
  };
  const step = async () => {
    if (stopped) return;
    if (!pinned) {
      const latest = await newest();
      if (latest && latest.id !== session?.id) switchTo(latest);
    }
    if (!session) return;
    const id = session.id;
    const { rows } = await client.query<{ line: string }>('select line from runbook_events where session_id = $1 and seq > $2 order by seq', [id, last]);
    if (rows.length) {
      const events = rows.map((r) => JSON.parse(r.line) as EventRecord);
      last = events[events.length - 1]!.seq;
      handlers.onEvents(events);
    }
    if (hasExcerpts && handlers.onExcerpts) {
      const found = await client.query<StoredExcerpt>('select seq, kind, sha256, size::float8 as size, excerpt, content is not null as full from runbook_excerpts where session_id = $1 and seq > $2 order by seq', [id, lastExcerpt]);
      if (found.rows.length) {
        lastExcerpt = found.rows[found.rows.length - 1]!.seq;
        handlers.onExcerpts(found.rows.map(normalizeExcerpt));
      }
    }
    if (rows.length || !session.ended_at) {
      const fresh = await client.query<StoredSession>(`select ${SESSION_COLUMNS} from runbook_sessions where id = $1`, [id]);
      if (fresh.rows[0] && session?.id === id) {
        session = fresh.rows[0];
        handlers.onSession?.(session, false);
      }
    }
  };
  const fetchNew = () => {
    queue = queue.then(step).catch(() => undefined);
    return queue;
  };
  client.on('notification', (message) => {
    try {
      const said = JSON.parse(message.payload ?? '{}') as { session?: string; seq?: number };
      if (said.session === session?.id || (!pinned && said.seq === 0)) void fetchNew();
    } catch {
      // not ours
    }
  });
  await client.query('listen runbook_events');
  if (!session) handlers.onSession?.(undefined, true);
  else handlers.onSession?.(session, true);
  await fetchNew();
  const poll = setInterval(() => void fetchNew(), POLL_MS);
  poll.unref();
  return {
    get session() {
      return session;
    },
    async pick(id: string) {
      queue = queue
        .then(async () => {
          const found = await client.query<StoredSession>(`select ${SESSION_COLUMNS} from runbook_sessions where id = $1`, [id]);
          if (!found.rows[0]) return;
          pinned = true;
          switchTo(found.rows[0]);
        })
        .catch(() => undefined);
      await queue;
      await fetchNew();
    },
    async list(limit = 20) {
      return (await client.query<StoredSession>(`select ${SESSION_COLUMNS} from runbook_sessions order by (status = 'open') desc, started_at desc limit $1`, [limit])).rows;
    },
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      await queue;
      await client.end().catch(() => undefined);
    },
  };
}

/** Another operator's text, fit for one terminal line: no control, escape or bidi characters. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ');
}

/** Any field as text, without calling a `toString` another operator may have planted. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One line for a person watching: what an event says. */
export function describeEvent(record: EventRecord): string {
  return printable(describeFields(record));
}

function describeFields(record: EventRecord): string {
  const step = typeof record.step === 'string' ? `${record.step}: ` : '';
  if (!isKnownEvent(record)) return `${step}${text(record.type)}`;
  const event = record as SessionEvent;
  switch (event.type) {
    case 'started':
      return `session started by ${text(event.operator)} on ${text(event.env)}`;
    case 'step':
      return `${step}${text(event.status)}${typeof event.reason === 'string' ? ` (${event.reason})` : ''}`;
    case 'note':
      return `${step}note: ${text(event.text ?? '')}`;
    case 'action.started':
      return `${step}running ${text(event.kind)}: ${text(event.code ?? '').split('\n')[0]}`;
    case 'action.output':
      return `${step}output${typeof event.rows === 'number' ? `: ${event.rows} rows` : ''} (evidence ${text(event.evidence?.sha256 ?? '').slice(0, 12)}…)`;
    case 'action.finished':
      return `${step}→ ${text(event.status)}${typeof event.rows === 'number' ? `, ${event.rows} rows` : ''}${typeof event.exitCode === 'number' ? `, exit ${event.exitCode}` : ''}${typeof event.error === 'string' ? `: ${event.error}` : ''}`;
    case 'action.refused':
      return `${step}refused: ${text(event.reason ?? '')}`;
    case 'sealed':
      return `sealed by ${text(event.signer)}`;
    default:
      return `${step}${text(event.type)}`;
  }
}

/** Where a watched session stands, from the same fold as the TUI and the report. */
export function describeProgress(view: SessionView): string {
  const marks = Object.values(view.marks);
  const done = marks.filter((m) => m.status === 'done').length;
  const skipped = marks.filter((m) => m.status === 'skipped').length;
  const failed = marks.filter((m) => m.status === 'failed').length;
  const running = view.runs.filter((r) => r.status === 'running').length;
  const actions = view.runs.filter((r) => r.status !== 'refused').length;
  return [
    `${done} done · ${skipped} skipped · ${failed} failed`,
    `${actions} action${actions === 1 ? '' : 's'}${running ? ` (${running} running)` : ''}`,
    ...(view.env ? [`env ${view.env}`] : []),
    ...(view.sealed ? ['sealed'] : []),
  ].join(' · ');
}
