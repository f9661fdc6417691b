import { Box, Text, useApp, useStdout } from 'ink';
import React, { useEffect, useRef, useState } from 'react';
import { color } from '../components/theme.js';
import { useKeys } from '../components/useKeys.js';
import type { EventRecord } from '../session/chain.js';
import { emptyView, foldEvent, type SessionView } from '../session/view.js';
import { describeProgress, type FollowHandlers, type Follower, type StoredExcerpt, type StoredSession } from '../store/follow.js';
import { headerLine, oneLine, sessionListLine, stepsLines, storyLines, type Tone, type WatchLine } from '../store/watchView.js';

const TONE: Record<Tone, Parameters<typeof color>[0] | undefined> = { title: undefined, muted: 'muted', ok: 'ok', danger: 'danger', warning: 'warn', plain: undefined };

function Line({ line }: { line: WatchLine }) {
  const tone = TONE[line.tone];
  const shade = tone ? color(tone) : undefined;
  return (
    <Text wrap="truncate-end" bold={line.tone === 'title'} {...(shade ? { color: shade } : {})}>
      {line.text || ' '}
    </Text>
  );
}

/** A read-only view of the team store: the newest (or a named) session, its story so far and as it lands. */
export function Watch({ start, named }: { start: (handlers: FollowHandlers) => Promise<Follower>; named?: boolean }) {
  const [view, setView] = useState<SessionView>(emptyView);
  const [excerpts, setExcerpts] = useState<Map<string, StoredExcerpt>>(() => new Map());
  const [session, setSession] = useState<StoredSession | undefined>();
  const [connected, setConnected] = useState(false);
  const [pinned, setPinned] = useState(Boolean(named));
  const [error, setError] = useState<string | undefined>();
  const [list, setList] = useState<StoredSession[] | undefined>();
  const [cursor, setCursor] = useState(0);
  const follower = useRef<Follower | undefined>(undefined);
  const { exit } = useApp();
  const { stdout } = useStdout();
  useEffect(() => {
    start({
      onEvents: (batch: EventRecord[]) => setView((v) => batch.reduce(foldEvent, v)),
      onExcerpts: (found) =>
        setExcerpts((m) => {
          const next = new Map(m);
          for (const e of found) next.set(e.sha256, e);
          return next;
        }),
      onSession: (s, fresh) => {
        if (fresh) {
          setView(emptyView());
          setExcerpts(new Map());
        }
        setSession(s);
      },
    })
      .then((f) => {
        follower.current = f;
        setConnected(true);
      })
      .catch((e: Error) => {
        // Nothing to watch (no such session, no store): say it once and leave with its exit code.
        setError(e.message);
        exit(e);
      });
    return () => void follower.current?.stop();
  }, []);
  useKeys((key) => {
    const { input } = key;
    if (key.ctrl && input === 'c') return exit();
    if (list) {
      if (key.escape || input === 'l') setList(undefined);
      else if (key.upArrow || input === 'k') setCursor((c) => Math.max(0, c - 1));
      else if (key.downArrow || input === 'j') setCursor((c) => Math.min(list.length - 1, c + 1));
      else if (key.return && list[cursor]) {
        const id = list[cursor]!.id;
        setList(undefined);
        setPinned(true);
        void follower.current?.pick(id);
      } else if (input === 'q') exit();
      return;
    }
    if (input === 'q') exit();
    if (input === 'l' && follower.current) {
      void follower.current.list().then((sessions) => {
        setCursor(0);
        setList(sessions);
      }, (e: Error) => setError(e.message));
    }
  });
  const rows = Math.max(6, (stdout.rows || 24) - 1);
  if (list) {
    return (
      <Box flexDirection="column">
        <Text bold>Sessions in the team store (live first, then the most recent)</Text>
        {list.length ? null : <Text color={color('muted')}>The store has no sessions yet.</Text>}
        {list.slice(0, rows - 3).map((s, i) => (
          <Text key={s.id} wrap="truncate-end" color={i === cursor ? color('accent') : undefined}>
            {i === cursor ? '❯ ' : '  '}
            {sessionListLine(s)}
          </Text>
        ))}
        <Text color={color('muted')}>↑↓ choose · Enter watch it · Esc back · q quit</Text>
      </Box>
    );
  }
  const head: WatchLine[] = [headerLine(connected || session ? session : undefined, pinned)];
  if (!connected && !error) head[0] = { text: 'Connecting to the team store…', tone: 'title' };
  if (session) head.push({ text: oneLine(`${session.runbook ?? ''}${session.section ? ` › ${session.section}` : ''} · ${describeProgress(view)}`), tone: 'muted' });
  head.push(...stepsLines(view));
  const story = storyLines(view, excerpts);
  const live = session && session.status === 'open';
  // Until the first fetch has landed, the session row may be known without its events: say nothing
  // about its state yet, so "sealed" is never shown over an empty story.
  const footer = !connected && !error
    ? 'loading… · q quit'
    : !session
    ? 'waiting for a session · l sessions · q quit'
    : live
      ? 'live · read-only · new events appear as they land · l sessions · q quit'
      : `${session.status === 'sealed' ? 'Session sealed' : 'Session interrupted'}: no longer live${pinned ? '' : ' · the watch moves to the next session when one starts'} · l sessions · q quit`;
  const room = Math.max(1, rows - head.length - 1 - (error ? 1 : 0));
  return (
    <Box flexDirection="column">
      {head.map((line, i) => (
        <Line key={`h${i}`} line={line} />
      ))}
      {error ? <Text color={color('danger')}>{oneLine(error)}</Text> : null}
      {story.slice(-room).map((line, i) => (
        <Line key={`s${i}`} line={line} />
      ))}
      <Text color={color(live ? 'ok' : 'muted')} wrap="truncate-end">
        {footer}
      </Text>
    </Box>
  );
}
