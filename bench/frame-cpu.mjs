// Preload (`node --import`) for the first-frame bench: when the first write holding one of the markers
// in FRAME_CPU_MARKERS (tab-separated; a first frame's last text) is about to reach the terminal,
// appends "marker<TAB>CPU ms" (user + system) to FRAME_CPU_LOG. CPU time moves far less than wall
// time when other work shares the machine.
import { appendFileSync } from 'node:fs';

const markers = (process.env.FRAME_CPU_MARKERS ?? '').split('\t').filter(Boolean);
const write = process.stdout.write.bind(process.stdout);
let seen = false;
process.stdout.write = (chunk, ...rest) => {
  const marker = seen ? undefined : markers.find((m) => String(chunk).includes(m));
  if (marker) {
    seen = true;
    const { user, system } = process.cpuUsage();
    appendFileSync(process.env.FRAME_CPU_LOG, `${marker}\t${(user + system) / 1000}\n`);
  }
  return write(chunk, ...rest);
};
