import { Box, Text } from 'ink';
import React, { useReducer, useRef } from 'react';
import { typedText } from '../input/splitKeys.js';
import type { PromptSpec } from '../state/store.js';
import { wrappedHeight } from './layout.js';
import { visibleText } from './visible.js';
import { color } from './theme.js';
import { LAYER, useKeys, type Key } from './useKeys.js';

/**
 * A question in a box: text (masked for secrets), a y/N confirmation, or a choice. Esc cancels.
 * What has been typed or chosen lives in refs, not in React state: every key of one read sees the
 * effect of the key before it (two Down arrows in one read move two rows, "ebooks\r" submits "ebooks").
 */
/** Lines a dialog needs at this width: border, title, what it asks, the hint line. */
export function promptHeight(prompt: PromptSpec, boxWidth: number): number {
  const inner = Math.max(1, boxWidth - 4);
  if (prompt.kind === 'confirm') return 5 + prompt.lines.reduce((n, line) => n + wrappedHeight(line || ' ', inner), 0);
  if (prompt.kind === 'choice') return 4 + prompt.options.length;
  return 5 + (prompt.note ? wrappedHeight(prompt.note, inner) : 0);
}

export function PromptView({ prompt, onAnswer, width, height }: { prompt: PromptSpec; onAnswer: (value: string | undefined) => void; width: number; height?: number }) {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const text = useRef('');
  const choice = useRef(prompt.kind === 'choice' && prompt.selected ? Math.max(0, prompt.options.findIndex((o) => o.value === prompt.selected)) : 0);
  const answered = useRef(false);
  const ignored = useRef(false);
  const answer = (value: string | undefined) => {
    answered.current = true;
    onAnswer(value);
  };

  useKeys(
    (key: Key, { typedAhead }) => {
      // Keys after the answer belong to whatever comes next, not to this question.
      if (answered.current) return false;
      // A change to data is confirmed only by a key pressed while the question is on screen.
      if (prompt.kind === 'confirm' && typedAhead) {
        if (!ignored.current) {
          ignored.current = true;
          redraw();
        }
        return;
      }
      // Pasted text answers only a text question.
      if (key.paste && prompt.kind !== 'text') return;
      if (key.escape || (key.ctrl && key.input === 'c')) return answer(undefined);
      if (prompt.kind === 'confirm') {
        if (key.input === 'y' || key.input === 'Y') answer('yes');
        else if (key.input === 'n' || key.input === 'N' || key.return) answer('no');
        return;
      }
      if (prompt.kind === 'choice') {
        const count = prompt.options.length;
        let next = choice.current;
        if (key.upArrow || key.input === 'k') next = Math.max(0, next - 1);
        else if (key.downArrow || key.input === 'j' || key.tab) next = Math.min(count - 1, next + 1);
        else if (key.home) next = 0;
        else if (key.end) next = count - 1;
        else if (/^[1-9]$/.test(key.input) && Number(key.input) <= count) next = Number(key.input) - 1;
        else if (key.return) return answer(prompt.options[next]?.value);
        if (next !== choice.current) {
          choice.current = next;
          redraw();
        }
        return;
      }
      if (key.return) return answer(text.current);
      if (key.backspace || key.delete) text.current = [...text.current].slice(0, -1).join('');
      else if (key.ctrl && key.input === 'u') text.current = '';
      else if (key.ctrl && key.input === 'w') text.current = text.current.replace(/\S+\s*$/, '');
      else text.current += typedText(key);
      redraw();
    },
    { layer: LAYER.dialog },
  );

  const border = prompt.kind === 'confirm' && prompt.danger ? color('danger') : color('accent');
  const boxWidth = Math.min(width, 100);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={border} paddingX={1} width={boxWidth} {...(height !== undefined ? { height, overflow: 'hidden' as const } : {})}>
      <Text bold color={border} wrap="truncate-end">{prompt.title}</Text>
      {prompt.kind === 'text' ? (
        <>
          {prompt.note ? <Text color={color('warn')}>{visibleText(prompt.note)}</Text> : null}
          <TextLine label={prompt.label} value={prompt.mask ? '•'.repeat([...text.current].length) : text.current} width={boxWidth - 4} />
          <Text color={color('muted')} wrap="truncate-end">{prompt.hint ? `${prompt.hint} · ` : ''}Enter to confirm · Esc to cancel</Text>
        </>
      ) : prompt.kind === 'confirm' ? (
        <>
          <ClippedLines lines={prompt.lines} width={boxWidth - 4} height={height === undefined ? undefined : height - 4 - (ignored.current ? 1 : 0)} />
          {ignored.current ? <Text color={color('warn')} wrap="truncate-end">Keys typed before this question were ignored: answer it now.</Text> : null}
          <Text bold wrap="truncate-end">Run it? y = yes · n or Enter = no · Esc = cancel</Text>
        </>
      ) : (
        <>
          {prompt.options.map((option, i) => (
            <Text key={option.value} wrap="truncate-end" {...(i === choice.current ? { color: color('accent') } : {})}>
              {i === choice.current ? '❯ ' : '  '}
              {option.label}
            </Text>
          ))}
          <Text color={color('muted')} wrap="truncate-end">↑↓ choose · Enter select · Esc cancel</Text>
        </>
      )}
    </Box>
  );
}

/** A label and what has been typed after it, the end kept in view when it is longer than the line. */
function TextLine({ label, value, width }: { label: string; value: string; width: number }) {
  const room = Math.max(4, width - label.length - 1);
  const chars = [...value];
  const shown = chars.length > room ? `…${chars.slice(chars.length - room + 1).join('')}` : value;
  return (
    <Text wrap="truncate-end">
      {label}
      {shown}
      <Text inverse> </Text>
    </Text>
  );
}

/** The lines of a confirmation, as many as fit; a last line says how many more there are. */
function ClippedLines({ lines, width, height }: { lines: string[]; width: number; height: number | undefined }) {
  let used = 0;
  const shown: string[] = [];
  for (const [i, line] of lines.entries()) {
    const need = wrappedHeight(line || ' ', width);
    const last = i === lines.length - 1;
    if (height !== undefined && used + need > height - (last ? 0 : 1)) {
      shown.push(`… ${lines.length - i} more line${lines.length - i === 1 ? '' : 's'}`);
      break;
    }
    shown.push(line);
    used += need;
  }
  return (
    <>
      {shown.map((line, i) => (
        <Text key={i} wrap="wrap">{line || ' '}</Text>
      ))}
    </>
  );
}
