// The floor for the TUI's first frame: a bare Ink app from the project's own dependencies.
import { Text, render } from 'ink';
import React from 'react';

render(<Text>hello from ink</Text>);
setTimeout(() => process.exit(0), 2000);
