// The one input hook of the TUI, in place of Ink's useInput: every key of a read, in order, to the
// handler on top (see src/input/dispatcher.ts). The handler is read through a ref, so a re-render never
// re-subscribes it and never changes who hears a key first.

import type { EventEmitter } from 'node:events';
import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { KeyDispatcher, type KeyHandler } from '../input/dispatcher.js';
import { createKeySplitter } from '../input/splitKeys.js';

export type { Key } from '../input/splitKeys.js';
export type { KeyHandler, KeyResult } from '../input/dispatcher.js';

/** Layers: the screen below, a view over it (record view), a dialog on top. */
export const LAYER = { screen: 0, overlay: 1, dialog: 2 } as const;

const dispatchers = new WeakMap<EventEmitter, KeyDispatcher>();
const dropListeners = new WeakMap<KeyDispatcher, Set<(count: number) => void>>();

/** The dispatcher of one Ink app (one per input stream), listening from its first use on. */
export function dispatcherFor(emitter: EventEmitter): KeyDispatcher {
  let dispatcher = dispatchers.get(emitter);
  if (!dispatcher) {
    const listeners = new Set<(count: number) => void>();
    const created = new KeyDispatcher((count) => listeners.forEach((l) => l(count)));
    dropListeners.set(created, listeners);
    const splitter = createKeySplitter();
    emitter.on('input', (chunk: string) => created.push(splitter.push(chunk)));
    dispatchers.set(emitter, created);
    dispatcher = created;
  }
  return dispatcher;
}

function useDispatcher(): { dispatcher: KeyDispatcher; setRawMode: (on: boolean) => void; isRawModeSupported: boolean } {
  const { internal_eventEmitter, setRawMode, isRawModeSupported } = useStdin();
  return { dispatcher: dispatcherFor(internal_eventEmitter), setRawMode, isRawModeSupported };
}

export function useKeys(handler: KeyHandler, options: { isActive?: boolean; layer?: number } = {}): void {
  const { isActive = true, layer = LAYER.screen } = options;
  const latest = useRef(handler);
  latest.current = handler;
  const { dispatcher, setRawMode, isRawModeSupported } = useDispatcher();
  useEffect(() => {
    if (!isActive) return;
    if (isRawModeSupported) setRawMode(true);
    const remove = dispatcher.add((key, context) => latest.current(key, context), layer);
    return () => {
      remove();
      if (isRawModeSupported) setRawMode(false);
    };
  }, [isActive, layer, dispatcher]);
}

/** Called when keys were dropped because too many waited (so the screen can say so). */
export function useDroppedKeys(onDropped: (count: number) => void): void {
  const latest = useRef(onDropped);
  latest.current = onDropped;
  const { dispatcher } = useDispatcher();
  useEffect(() => {
    const listener = (count: number) => latest.current(count);
    const listeners = dropListeners.get(dispatcher)!;
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [dispatcher]);
}

/** The app's dispatcher, for test harnesses that wait until every key sent has been handled. */
export function useKeyDispatcher(): KeyDispatcher {
  return useDispatcher().dispatcher;
}
