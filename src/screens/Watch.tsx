import { Box, Text, useApp, useStdout } from 'ink';
import React, { useEffect, useState } from 'react';
import { terminalSafe } from '../format/terminal.js';
import { color } from '../components/theme.js';
import { useKeys } from '../components/useKeys.js';
import type { EventRecord } from '../session/chain.js';
import { viewOf } from '../session/view.js';
import { describeEvent, describeProgress, type Follower, type StoredSession } from '../store/follow.js';

/** A read-only view of a session as it is mirrored: its events as they land. */
export function Watch({ start }: { start: (onEvents: (events: EventRecord[]) => void, onSession: (s: StoredSession) => void) => Promise<Follower> }) {
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [session, setSession] = useState<StoredSession | undefined>();
  const [error, setError] = useState<string | undefined>();
  const { exit } = useApp();
  const { stdout } = useStdout();
  useEffect(() => {
    let follower: Follower | undefined;
    start((batch) => setEvents((all) => [...all, ...batch]), setSession)
      .then((f) => {
        follower = f;
        setSession(f.session);
      })
      .catch((e: Error) => setError(e.message));
    return () => void follower?.stop();
  }, []);
  useKeys((key) => {
    if (key.input === 'q' || (key.ctrl && key.input === 'c')) exit();
  });
  const rows = Math.max(3, (stdout.rows || 24) - 5);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Watching {terminalSafe(`${session?.id ?? '…'} · ${session?.env ?? ''} · ${session?.operator ?? ''} · ${session?.status ?? ''}`)}
      </Text>
      {events.length ? <Text wrap="truncate-end">{terminalSafe(describeProgress(viewOf(events)))}</Text> : null}
      {error ? <Text color={color('danger')}>{terminalSafe(error)}</Text> : null}
      {events.slice(-rows).map((e) => (
        <Text key={e.seq} wrap="truncate-end">
          <Text color={color('muted')}>{e.ts.slice(11, 19)} #{e.seq} </Text>
          {terminalSafe(describeEvent(e))}
        </Text>
      ))}
      <Text color={color('muted')}>read-only · new events appear as they land · q quit</Text>
    </Box>
  );
}
