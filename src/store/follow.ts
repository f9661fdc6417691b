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

export async function followSession(database: ClientConfig, sessionId: string | undefined, onEvents: (events: EventRecord[]) => void, onSession?: (session: StoredSession) => void): Promise<Follower> {
  const { default: pg } = await import('pg');
  const client: Client = new pg.Client({ ...database, connectionTimeoutMillis: 10_000, application_name: 'runbook-watch' });
  client.on('error', () => undefined);
  await client.connect();
  const pick = sessionId
    ? await client.query<StoredSession>('select id, env, operator, section, status from runbook_sessions where id = $1 or id like $2 order by started_at desc limit 2', [sessionId, `%${sessionId}%`])
    : await client.query<StoredSession>('select id, env, operator, section, status from runbook_sessions order by started_at desc limit 1');
  if (!pick.rows.length) {
    await client.end();
    throw new UsageError(sessionId ? `The store has no session "${sessionId}".` : 'The store has no sessions yet.');
  }
  const session = pick.rows[0]!;
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
        if (fresh.rows[0]) onSession(fresh.rows[0]);
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
  const step = typeof record.step === 'string' ? `${record.step}: ` : '';
  if (!isKnownEvent(record)) return `${step}${record.type}`;
  const event = record as SessionEvent;
  switch (event.type) {
    case 'started':
      return `session started by ${String(event.operator)} on ${String(event.env)}`;
    case 'step':
      return `${step}${String(event.status)}${typeof event.reason === 'string' ? ` (${event.reason})` : ''}`;
    case 'note':
      return `${step}note: ${String(event.text ?? '')}`;
    case 'action.started':
      return `${step}running ${String(event.kind)}: ${String(event.code ?? '').split('\n')[0]}`;
    case 'action.output':
      return `${step}output${typeof event.rows === 'number' ? `: ${event.rows} rows` : ''} (evidence ${String(event.evidence?.sha256 ?? '').slice(0, 12)}…)`;
    case 'action.finished':
      return `${step}→ ${String(event.status)}${typeof event.rows === 'number' ? `, ${event.rows} rows` : ''}${typeof event.exitCode === 'number' ? `, exit ${event.exitCode}` : ''}${typeof event.error === 'string' ? `: ${event.error}` : ''}`;
    case 'action.refused':
      return `${step}refused: ${String(event.reason ?? '')}`;
    case 'sealed':
      return `sealed by ${String(event.signer)}`;
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
