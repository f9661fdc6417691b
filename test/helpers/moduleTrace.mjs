// Preload (`node --import`) for the first-frame test: logs every module file the process loads, in
// order, to MODULE_TRACE_LOG, and a FRAME line when the first write holding MODULE_TRACE_MARKER (the
// first frame) goes to the terminal. Ink writes a frame in one call, so FRAME means all of it.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const log = process.env.MODULE_TRACE_LOG;
const marker = process.env.MODULE_TRACE_MARKER;
register(new URL('./moduleTraceHooks.mjs', import.meta.url), { data: { log } });
const write = process.stdout.write.bind(process.stdout);
let framed = false;
process.stdout.write = (chunk, ...rest) => {
  if (!framed && String(chunk).includes(marker)) {
    framed = true;
    appendFileSync(log, 'FRAME\n');
  }
  return write(chunk, ...rest);
};
