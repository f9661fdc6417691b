// Starting the read-only watch view.
import { render } from 'ink';
import React from 'react';
import { Watch } from './screens/Watch.js';
import { followStore } from './store/follow.js';
import { assertTerminal } from './tui.js';

export async function runWatch(store: string, ref: string | undefined): Promise<void> {
  assertTerminal();
  const app = render(<Watch named={Boolean(ref)} start={(handlers) => followStore({ connectionString: store }, ref, handlers)} />);
  await app.waitUntilExit();
}
