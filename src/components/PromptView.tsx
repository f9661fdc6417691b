import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import TextInput from 'ink-text-input';
import React, { useRef, useState } from 'react';
import { terminalSafe } from '../format/terminal.js';
import type { PromptSpec } from '../state/store.js';
import { color } from './theme.js';

/** A question in a box: text (masked for secrets), a y/N confirmation, or a choice. Esc cancels. */
export function PromptView({ prompt, onAnswer, width }: { prompt: PromptSpec; onAnswer: (value: string | undefined) => void; width: number }) {
  const [value, setValue] = useState('');
  // Typed text followed at once by Enter (a paste, a fast typist) arrives before the next render;
  // ink-text-input would submit the value of the last render, so the latest one is kept here.
  const latest = useRef('');
  const change = (next: string) => {
    // A paste arrives as one chunk, newline included: the newline submits what came before it.
    const newline = next.search(/[\r\n]/);
    if (newline >= 0) {
      latest.current = next.slice(0, newline);
      onAnswer(latest.current);
      return;
    }
    latest.current = next;
    setValue(next);
  };
  useInput((input, key) => {
    if (key.escape) onAnswer(undefined);
    else if (prompt.kind === 'confirm') {
      if (input === 'y' || input === 'Y') onAnswer('yes');
      else if (input === 'n' || input === 'N' || key.return) onAnswer('no');
    }
  });
  const border = prompt.kind === 'confirm' && prompt.danger ? color('danger') : color('accent');
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={border} paddingX={1} width={Math.min(width, 100)}>
      <Text bold color={border}>{terminalSafe(prompt.title)}</Text>
      {prompt.kind === 'text' ? (
        <>
          <Box>
            <Text>{prompt.label}</Text>
            <TextInput value={value} onChange={change} onSubmit={() => onAnswer(latest.current)} {...(prompt.mask ? { mask: '•' } : {})} />
          </Box>
          <Text color={color('muted')}>{prompt.hint ? `${prompt.hint} · ` : ''}Enter to confirm · Esc to cancel</Text>
        </>
      ) : prompt.kind === 'confirm' ? (
        <>
          {prompt.lines.map((line, i) => (
            <Text key={i} wrap="wrap">{terminalSafe(line) || ' '}</Text>
          ))}
          <Text bold>Run it? y = yes · n or Enter = no · Esc = cancel</Text>
        </>
      ) : (
        <>
          <SelectInput items={prompt.options.map((o) => ({ label: o.label, value: o.value, key: o.value }))} onSelect={(item) => onAnswer(item.value)} />
          <Text color={color('muted')}>↑↓ choose · Enter select · Esc cancel</Text>
        </>
      )}
    </Box>
  );
}
