import { Box, Text } from 'ink';
import React, { useEffect, useState } from 'react';
import { terminalSafe } from '../format/terminal.js';
import { color } from './theme.js';

export interface StatusBarProps {
  title: string;
  env: string;
  protectedEnv: boolean;
  sessionId?: string;
  startedAt?: number;
  sealed: boolean;
  width: number;
  mirror?: { health: 'live' | 'behind' | 'offline' | 'conflict'; behind: number };
  /** Severity and escalation changed during the session ("sev 1 · escalated to Level 2"). */
  incident?: string;
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Runbook · environment (protected in red) · session · elapsed · signed state. */
export function StatusBar(props: StatusBarProps) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!props.startedAt || props.sealed) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [props.startedAt, props.sealed]);
  const env = props.protectedEnv ? ` ${props.env.toUpperCase()} ` : props.env;
  return (
    <Box width={props.width}>
      <Text bold wrap="truncate-end">{terminalSafe(props.title)}</Text>
      <Text> · </Text>
      {props.env === 'sandbox' ? <Text backgroundColor={color('warn')} color={color('warn') ? 'black' : undefined} bold> SANDBOX </Text> : props.protectedEnv ? <Text backgroundColor={color('danger')} color={color('danger') ? 'white' : undefined} bold>{env}{color('danger') ? '' : ' (PROTECTED)'}</Text> : <Text color={color('accent')}>env {env}</Text>}
      <Text> · </Text>
      {props.sessionId ? (
        <Text>
          session {props.sessionId.slice(0, 15)} · {elapsed((props.sealed ? now : now) - (props.startedAt ?? now))} · {props.sealed ? <Text color={color('ok')}>sealed</Text> : <Text color={color('warn')}>unsigned</Text>}
        </Text>
      ) : (
        <Text color={color('muted')}>no session yet</Text>
      )}
      {props.incident ? <Text color={color('danger')} bold>{' · '}{terminalSafe(props.incident)}</Text> : null}
      {props.mirror ? (
        <Text color={props.mirror.health === 'conflict' ? color('danger') : props.mirror.health === 'offline' ? color('warn') : color('muted')}>
          {' · '}mirror {props.mirror.health === 'conflict' ? 'CONFLICT' : props.mirror.health === 'live' && !props.mirror.behind ? 'live' : props.mirror.health === 'offline' ? `offline${props.mirror.behind ? `, ${props.mirror.behind} queued` : ''}` : `behind by ${props.mirror.behind}`}
        </Text>
      ) : null}
    </Box>
  );
}
