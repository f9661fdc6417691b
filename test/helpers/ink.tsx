// Ink in a test: a fake terminal of a chosen size, input written as the terminal would deliver it,
// and waiting for the frame that answers each write instead of sleeping (as ink-testing-library and
// gemini-cli's harness do).
import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import React, { useEffect } from 'react';
import { useKeyDispatcher } from '../../src/components/useKeys.js';
import type { KeyDispatcher } from '../../src/input/dispatcher.js';

export const KEY = { enter: '\r', escape: '\u001b', down: '\u001b[B', up: '\u001b[A', ctrlC: '\u0003', home: '\u001b[H', end: '\u001b[F', pageUp: '\u001b[5~', pageDown: '\u001b[6~', backspace: '\u007f' };

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(public columns: number, public rows: number) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    this.emit('frame');
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private chunks: string[] = [];
  write(data: string) {
    this.chunks.push(data);
    this.emit('readable');
  }
  read = () => this.chunks.shift() ?? null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface InkHarness {
  frame(): string;
  /** Writes each argument as one read of the terminal, waiting after each for the frame it causes. */
  press(...chunks: string[]): Promise<void>;
  /** Waits until nothing changes any more: no key waiting (but behind a busy command), no new frame over two event-loop turns. */
  settle(): Promise<void>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
}

export async function renderInk(tree: React.ReactElement, size = { columns: 120, rows: 30 }): Promise<InkHarness> {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  let dispatcher: KeyDispatcher | undefined;
  function Probe() {
    const found = useKeyDispatcher();
    useEffect(() => {
      dispatcher = found;
    }, [found]);
    return null;
  }
  const instance: Instance = render(
    <>
      {tree}
      <Probe />
    </>,
    { stdout: stdout as never, stdin: stdin as never, stderr: new FakeStdout(size.columns, size.rows) as never, debug: true, exitOnCtrlC: false, patchConsole: false },
  );
  const frame = () => stdout.frames.at(-1) ?? '';
  const settle = async () => {
    for (let stable = 0; stable < 2; ) {
      const before = stdout.frames.length;
      await turn();
      // Keys may still wait, but only behind a command that is under way (they are its typeahead).
      const waiting = Boolean(dispatcher?.pending && dispatcher.busy);
      stable = stdout.frames.length === before && (!dispatcher?.pending || waiting) ? stable + 1 : 0;
    }
  };
  await settle();
  const harness: InkHarness = {
    frame,
    settle,
    async press(...chunks) {
      for (const chunk of chunks) {
        stdin.write(chunk);
        await settle();
      }
    },
    async waitFor(text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) {
          await settle();
          return current;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${current}`);
        // Not a fixed sleep: the next frame, or a short poll for work outside the event loop (a query).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 25);
          function done() {
            clearTimeout(timer);
            stdout.off('frame', done);
            resolve();
          }
          stdout.once('frame', done);
        });
      }
    },
    async resize(columns, rows) {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
      await settle();
    },
    unmount: () => instance.unmount(),
  };
  return harness;
}
