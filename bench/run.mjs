// `npm run bench`: every benchmark's figures beside their floors measured in the same run.
// Machines here are shared and noisy: compare ratios, quote medians.
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const only = process.argv[2];
const loadAtStart = loadavg()[0];
const startedAt = new Date();
const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.mjs') && (!only || f.includes(only))).sort();
const rows = [];
for (const file of files) {
  const bench = await import(new URL(file, import.meta.url).href);
  process.stderr.write(`running ${bench.name}…\n`);
  rows.push(...(await bench.run()));
}

const fmt = (value, unit) => (unit === 'ms' ? `${value.toFixed(0)} ms` : `${value.toFixed(value < 10 ? 2 : 0)} ${unit}`);
const table = [['measure', 'figure', 'floor (same run)', 'ratio', 'goal']];
for (const row of rows) {
  table.push([
    row.what,
    fmt(row.value, row.unit),
    row.floor === undefined ? '' : `${fmt(row.floor, row.floorUnit ?? row.unit)} (${row.floorWhat})`,
    row.floor ? `${(row.value / row.floor).toFixed(2)}×` : '',
    row.goal ?? '',
  ]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${startedAt.toISOString().slice(0, 16).replace('T', ' ')}–${new Date().toISOString().slice(11, 16)} UTC, load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end`);
console.log(line(table[0]));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table.slice(1)) console.log(line(r));
