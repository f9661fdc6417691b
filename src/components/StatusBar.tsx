import { Box, Text } from 'ink';
import React, { useEffect, useState } from 'react';
import { fitHeader, SEPARATOR, type HeaderDetail } from './layout.js';
import { color } from './theme.js';
import { visibleLine } from './visible.js';

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

/** h:mm:ss since the start; never negative (a clock set back, a start read from a later event). */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function badgeText(env: string, protectedEnv: boolean): string {
  if (env === 'sandbox') return ' SANDBOX ';
  if (protectedEnv) return ` ${env.toUpperCase()} ${color('danger') ? '' : ' (PROTECTED)'}`.replace(/ +$/, ' ');
  return `env ${env}`;
}

function mirrorText(mirror: NonNullable<StatusBarProps['mirror']>): string {
  if (mirror.health === 'conflict') return 'mirror CONFLICT';
  if (mirror.health === 'live' && !mirror.behind) return 'mirror live';
  if (mirror.health === 'offline') return `mirror offline${mirror.behind ? `, ${mirror.behind} queued` : ''}`;
  return `mirror behind by ${mirror.behind}`;
}

/** Runbook · environment (protected in red) · session · elapsed · signed state, in one line that fits. */
export function StatusBar(props: StatusBarProps) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!props.startedAt || props.sealed) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [props.startedAt, props.sealed]);
  const badge = badgeText(props.env, props.protectedEnv);
  const details: HeaderDetail[] = props.sessionId
    ? [
        { text: `session ${props.sessionId.slice(0, 15)}`, keep: 1 },
        { text: elapsed(now - (props.startedAt ?? now)), keep: 3 },
        { text: props.sealed ? 'sealed' : 'unsigned', keep: 2 },
      ]
    : [{ text: 'no session yet', keep: 1 }];
  if (props.incident) details.push({ text: props.incident, keep: 4 });
  if (props.mirror) details.push({ text: mirrorText(props.mirror), keep: 0 });
  // One column spare: a line that reaches the last column makes some terminals wrap.
  const fitted = fitHeader({ title: visibleLine(props.title), badge: visibleLine(badge), details }, props.width - 1);
  const tone = (d: HeaderDetail) =>
    d.text === 'sealed' ? color('ok') : d.text === 'unsigned' ? color('warn') : d.text.startsWith('mirror') ? (props.mirror?.health === 'conflict' ? color('danger') : props.mirror?.health === 'offline' ? color('warn') : color('muted')) : d.text === 'no session yet' ? color('muted') : undefined;
  return (
    <Box width={props.width} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold>{fitted.title}</Text>
        {SEPARATOR}
        {props.env === 'sandbox' ? (
          <Text backgroundColor={color('warn')} color={color('warn') ? 'black' : undefined} bold>{badge}</Text>
        ) : props.protectedEnv ? (
          <Text backgroundColor={color('danger')} color={color('danger') ? 'white' : undefined} bold>{badge}</Text>
        ) : (
          <Text color={color('accent')}>{badge}</Text>
        )}
        {fitted.details.map((d) => (
          <Text key={d.text}>
            {SEPARATOR}
            <Text color={tone(d)}>{d.text}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
