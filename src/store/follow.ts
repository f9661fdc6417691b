// Following a session live from the team store: LISTEN for new events, fetch what came after the
// last one seen, in order. A slow poll covers a notification lost to a reconnect.

import type { Client, ClientConfig } from 'pg';
import { UsageError } from '../errors.js';
import type { EventRecord } from '../session/chain.js';
import { isKnownEvent, type SessionEvent } from '../session/events.js';
import type { SessionView } from '../session/view.js';

export interface StoredSession {
  id: string;
  env: string | null;
  operator: string | null;
  section: string | null;
  status: string;
}

export interface Follower {
  session: StoredSession;
  stop(): Promise<void>;
}

const POLL_MS = 3_000;

// The name asked for first; then the session that reached the store last (recorded_at, the store's
// clock, from schema 2; a line's started_at can claim any date).
const NEWEST = "order by (id = $1) desc, (to_jsonb(s) ->> 'recorded_at')::timestamptz desc nulls last, started_at desc";

/** Another operator's text, fit for one terminal line: no control, escape or bidi characters. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ');
}

/** A JSON value as text, whatever it is (String() throws on an object whose toString is not a function). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function cleanSession(row: StoredSession): StoredSession {
  const clean = (v: unknown) => (v === null || v === undefined ? null : printable(text(v)));
  return { id: printable(text(row.id)), env: clean(row.env), operator: clean(row.operator), section: clean(row.section), status: printable(text(row.status)) };
}

export async function followSession(database: ClientConfig, sessionId: string | undefined, onEvents: (events: EventRecord[]) => void, onSession?: (session: StoredSession) => void): Promise<Follower> {
  const { default: pg } = await import('pg');
  const client: Client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000, application_name: 'runbook-watch' });
  client.on('error', () => undefined);
  await client.connect();
  const pick = sessionId
    ? await client.query<StoredSession>(`select id, env, operator, section, status from runbook_sessions s where id = $1 or id like $2 escape '\\' ${NEWEST} limit 2`, [sessionId, `%${sessionId.replace(/[\\%_]/g, '\\$&')}%`])
    : await client.query<StoredSession>(`select id, env, operator, section, status from runbook_sessions s ${NEWEST} limit 1`, ['']);
  if (!pick.rows.length) {
    await client.end();
    throw new UsageError(sessionId ? `The store has no session "${sessionId}".` : 'The store has no sessions yet.');
  }
  const session = cleanSession(pick.rows[0]!);
  let last = -1;
  let fetching: Promise<void> = Promise.resolve();
  let stopped = false;
  const fetchNew = () => {
    fetching = fetching.then(async () => {
      if (stopped) return;
      const { rows } = await client.query<{ line: string }>('select line from runbook_events where session_id = $1 and seq > $2 order by seq', [session.id, last]);
      if (!rows.length) return;
      const events = rows.map((r) => JSON.parse(r.line) as EventRecord);
      last = events[events.length - 1]!.seq;
      onEvents(events);
      if (onSession) {
        const fresh = await client.query<StoredSession>('select id, env, operator, section, status from runbook_sessions where id = $1', [session.id]);
        if (fresh.rows[0]) onSession(cleanSession(fresh.rows[0]));
      }
    }).catch(() => undefined);
    return fetching;
  };
  client.on('notification', (message) => {
    try {
      if ((JSON.parse(message.payload ?? '{}') as { session?: string }).session === session.id) void fetchNew();
    } catch {
      // not ours
    }
  });
  await client.query('listen runbook_events');
  await fetchNew();
  const poll = setInterval(() => void fetchNew(), POLL_MS);
  poll.unref();
  return {
    session,
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      await fetching;
      await client.end().catch(() => undefined);
    },
  };
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
      return `${step}output${typeof event.rows === 'number' ? `: ${event.rows} rows` : ''} (evidence ${text((event.evidence as { sha256?: string } | undefined)?.sha256 ?? '').slice(0, 12)}…)`;
    case 'action.finished':
      return `${step}→ ${text(event.status)}${typeof event.rows === 'number' ? `, ${event.rows} rows` : ''}${typeof event.exitCode === 'number' ? `, exit ${event.exitCode}` : ''}${typeof event.error === 'string' ? `: ${event.error}` : ''}`;
    case 'action.refused':
      return `${step}refused: ${text(event.reason ?? '')}`;
    case 'sealed':
      return `sealed by ${text(event.signer)}`;
    default:
      return `${step}${event.type}`;
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
