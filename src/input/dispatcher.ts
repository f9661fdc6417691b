// Who gets each key, in order. Handlers sit in layers (a dialog above the screen); the top one gets
// the key first and may pass it on. A handler that started something slow (it returned a promise) holds
// the keys that follow until that settles or something above it (a dialog) takes input: typeahead
// lands where the operator will see it, never on the screen they just left. Pure: no Ink, no React.

import type { Key } from './splitKeys.js';

/** `false`: not mine, the layer below may take it. A promise: mine, and keys wait until it settles. */
export type KeyResult = void | boolean | Promise<unknown>;
/** `typedAhead`: the key arrived before this handler existed (typed before its dialog was on screen). */
export type KeyHandler = (key: Key, context: { typedAhead: boolean }) => KeyResult;

interface Entry {
  handler: KeyHandler;
  layer: number;
  order: number;
  /** How many keys had arrived when it was added. */
  keysBefore: number;
  busy?: Promise<unknown>;
  /** When it became busy: only handlers added since then (the dialogs its command opened) take keys. */
  busySince?: number;
}

/** Keys waiting beyond this are dropped, and said so: typing into a hung screen must not replay later. */
export const MAX_QUEUED_KEYS = 256;

export class KeyDispatcher {
  private readonly queue: Array<{ key: Key; seq: number }> = [];
  private arrived = 0;
  private readonly entries: Entry[] = [];
  private order = 0;
  private draining = false;

  constructor(private readonly onDropped: (count: number) => void = () => undefined) {}

  /** Adds a handler; returns the function that removes it. */
  add(handler: KeyHandler, layer = 0): () => void {
    const entry: Entry = { handler, layer, order: this.order++, keysBefore: this.arrived };
    this.entries.push(entry);
    // Keys held for a layer below now belong to this one.
    this.drain();
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
      this.drain();
    };
  }

  push(keys: Key[]): void {
    const room = MAX_QUEUED_KEYS - this.queue.length;
    if (keys.length > room) this.onDropped(keys.length - Math.max(0, room));
    for (const key of keys.slice(0, Math.max(0, room))) this.queue.push({ key, seq: this.arrived++ });
    this.drain();
  }

  /** Keys received but not handled yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** True while no key waits and no handler holds the keys. */
  get idle(): boolean {
    return !this.queue.length && !this.busy;
  }

  /** True while a handler's command holds the keys after it. */
  get busy(): boolean {
    return this.entries.some((e) => e.busy);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length) {
        if (!this.deliver(this.queue[0]!)) break;
        this.queue.shift();
      }
    } finally {
      this.draining = false;
    }
  }

  /** True when the key was taken (or nobody wants it); false when it has to wait. */
  private deliver({ key, seq }: { key: Key; seq: number }): boolean {
    const ordered = [...this.entries].sort((a, b) => b.layer - a.layer || b.order - a.order);
    const since = Math.max(-1, ...this.entries.filter((e) => e.busy).map((e) => e.busySince!));
    for (const entry of ordered) {
      if (entry.busy || entry.order < since) return false;
      const result = entry.handler(key, { typedAhead: seq < entry.keysBefore });
      if (result === false) continue;
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const busy = (result as Promise<unknown>).then(
          () => undefined,
          () => undefined,
        );
        entry.busy = busy;
        entry.busySince = this.order;
        void busy.then(() => {
          if (entry.busy === busy) delete entry.busy;
          this.drain();
        });
      }
      return true;
    }
    return this.entries.length > 0;
  }
}
