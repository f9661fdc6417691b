// The report as GitHub-flavoured Markdown. Parts only a person can write are marked `✍ TO WRITE`
// so they are easy to find (and to grep for before the review).

import type { ActionEntry, ReportData } from './data.js';

export const TO_WRITE = '✍ TO WRITE';

const cell = (value: string | null | undefined) => (value === null || value === undefined ? '*NULL*' : value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/\s+$/, '') || ' ');

function table(columns: string[], rows: string[][]): string[] {
  return [`| ${columns.map(cell).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${columns.map((_, i) => cell(r[i] ?? '')).join(' | ')} |`)];
}

function fence(code: string, info = ''): string[] {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  return [`${marks}${info}`, code, marks];
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return 'unknown';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

const utc = (ts: string | undefined) => (ts ? `${ts.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '')} UTC` : '');
const time = (ts: string) => ts.slice(11, 19);

function prompt(text: string): string[] {
  return [`> **${TO_WRITE}:** ${text}`, ''];
}

function title(data: ReportData): string {
  const { purpose, section, runbookTitle } = data.header;
  const what = section?.title ?? runbookTitle;
  if (data.template === 'drill') return `Drill record: ${what}`;
  if (purpose.kind === 'incident') return `Post-incident report: ${[purpose.id, purpose.title].filter(Boolean).join(' ') || what}`;
  return `Session report: ${what}`;
}

function ganttLines(data: ReportData): string[] {
  if (!data.gantt.length) return [];
  const out = ['```mermaid', 'gantt', `  title Steps of ${cellMermaid(data.header.section?.title ?? data.header.runbookTitle)}`, '  dateFormat YYYY-MM-DDTHH:mm:ss', '  axisFormat %H:%M'];
  const tag = { done: 'done', failed: 'crit', skipped: 'milestone', open: 'active' } as const;
  data.gantt.forEach((task, i) => {
    const seconds = Math.max(1, Math.round((Date.parse(task.end) - Date.parse(task.start)) / 1000));
    out.push(`  ${cellMermaid(task.label)} (${task.outcome}) :${tag[task.outcome]}, s${i + 1}, ${task.start.slice(0, 19)}, ${seconds}s`);
  });
  out.push('```');
  return out;
}

/** Mermaid task names end at a colon and break on a few other characters. */
function cellMermaid(text: string): string {
  return text.replace(/[:;#`"]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 90);
}

function actionLines(entry: ActionEntry): string[] {
  const facts = [
    `status **${entry.status}**`,
    entry.exitCode !== undefined ? `exit code ${entry.exitCode}` : '',
    entry.signal ? `signal ${entry.signal}` : '',
    entry.rows !== undefined ? `${entry.rows} row${entry.rows === 1 ? '' : 's'}` : '',
    entry.durationMs !== undefined ? `${entry.durationMs} ms` : '',
    `started ${utc(entry.startedAt)} (event ${entry.seq})`,
  ].filter(Boolean);
  const out = [`### ${entry.number}. ${entry.kind}${entry.stepLabel ? ` — ${entry.stepLabel}` : ''}`, '', ...fence(entry.code, entry.kind === 'sql' ? 'sql' : entry.kind === 'shell' ? 'sh' : ''), '', facts.join(' · '), ''];
  if (entry.error) out.push(`Error: ${entry.error}`, '');
  for (const output of entry.outputs) {
    const link = output.evidence ? `[evidence/${output.evidence.sha256}](evidence/${output.evidence.sha256})` : '';
    if (output.table) {
      const { columns, head, tail, omitted } = output.table;
      if (columns.length) {
        const rows = [...head, ...(omitted > 0 ? [columns.map((_, i) => (i === 0 ? `… ${omitted} rows omitted …` : ''))] : []), ...tail];
        out.push(...table(columns, rows.map((r) => r.map((v) => (v === null ? '*NULL*' : v)))), '');
      }
      out.push(`${omitted > 0 ? `${omitted} rows omitted — full result: ` : 'Full result: '}${link}${output.evidence ? ` (${output.evidence.size} bytes, CSV)` : ''}`, '');
    } else if (output.excerpt) {
      const { head, tail, omitted } = output.excerpt;
      if (head.length) out.push(...fence([...head, ...(omitted > 0 ? [`… ${omitted} lines omitted …`] : []), ...tail].join('\n'), 'text'), '');
      out.push(`${omitted > 0 ? `${omitted} lines omitted — full output: ` : 'Full output: '}${link}${output.evidence ? ` (${output.evidence.size} bytes)` : ''}`, '');
    }
  }
  return out;
}

export function renderMarkdown(data: ReportData): string {
  const { header: h, verification: v } = data;
  const out: string[] = [`# ${title(data)}`, ''];
  if (!v.ok) {
    const why = v.firstBadLine !== undefined ? `line ${v.firstBadLine} of the session log is bad: ${v.reason}` : (v.reason ?? 'the session could not be verified');
    out.push(`> [!CAUTION]`, `> **This session did not verify: ${why}.** What follows is drawn from a record that cannot be fully trusted.`, '');
  }
  if (h.runbookChanged) out.push('> [!WARNING]', '> The runbook file has changed since this session ran: its SHA-256 no longer matches the one recorded.', '');
  const purpose = h.purpose.kind === 'incident' ? `Incident ${[h.purpose.id, h.purpose.title].filter(Boolean).join(' — ') || '(no id)'}${h.purpose.severity ? `, severity ${h.purpose.severity}` : ''}` : h.purpose.kind === 'drill' ? `Drill${h.purpose.title ? `: ${h.purpose.title}` : ''}` : `Routine check${h.purpose.title ? `: ${h.purpose.title}` : ''}`;
  out.push(
    ...table(['', ''], [
      ['Purpose', purpose],
      ['Runbook', `${h.runbookTitle} (\`${h.runbookPath}\`, SHA-256 \`${h.runbookSha256.slice(0, 16)}…\`)`],
      ['Section', h.section ? `${h.section.title} (\`${h.section.id}\`)` : '—'],
      ['Environment', h.env],
      ['Operators', h.operators.join(', ')],
      ['Started', utc(h.start)],
      ['Ended', utc(h.end)],
      ['Duration', formatDuration(h.durationMs)],
      ['Status', h.status],
      ['Session', `\`${data.session.id}\``],
    ]),
    '',
  );

  if (data.template === 'drill' && data.drill) {
    const d = data.drill;
    out.push('## Recovery objectives', '');
    out.push(`- **RTO measured: ${formatDuration(d.rtoMs)}**, from the session's start (${utc(h.start)}) to ${d.rtoStep ? `“${d.rtoStep.label}” marked done at ${utc(d.rtoStep.at)}` : 'no step marked done'}. Another step can be chosen with \`--rto-step\`.`);
    out.push(d.rpo ? `- **RPO: ${d.rpo}** (as given).` : `- **RPO:** ${TO_WRITE}: the point in time restored to, and the data written after it that was lost (or pass \`--rpo\`).`, '');
  }

  out.push('## Summary', '', ...prompt('what happened, in two or three sentences: the symptom, the cause, the fix.'));
  out.push('## Impact', '', ...prompt('who and what was affected, for how long, and whether data was exposed or lost.'));
  out.push('## Root cause and contributing factors', '', ...prompt('why it happened, and what made it worse or harder to see.'));
  out.push('## Action items', '', ...table(['Item', 'Owner', 'Due'], [[`${TO_WRITE}`, '', ''], ['', '', '']]), '');
  out.push('## Lessons learned', '', '### What went well', '', ...prompt('…'), '### What went wrong', '', ...prompt('…'), '### Where we got lucky', '', ...prompt('…'));

  out.push('## Timeline', '', 'All times UTC; each row links to its event in `session.jsonl` and, where there is one, its evidence file.', '');
  out.push(...table(['Time', 'What happened', 'Event', 'Evidence'], data.timeline.map((r) => [time(r.ts), r.what, `#${r.seq}`, r.evidence ? `[${r.evidence.slice(0, 12)}…](evidence/${r.evidence})` : ''])), '');
  out.push(...ganttLines(data), '');

  out.push('## Actions', '');
  if (!data.actions.length) out.push('No command or query was run in this session.', '');
  for (const entry of data.actions) out.push(...actionLines(entry));

  const dev = data.deviations;
  out.push('## Deviations', '');
  const deviationLines = [
    ...dev.skipped.map((s) => `- Skipped: ${s.label}${s.reason ? ` — “${s.reason}”` : ''}`),
    ...dev.failedSteps.map((s) => `- Failed step: ${s.label}`),
    ...dev.failedActions.map((a) => `- Action ${a.number} did not succeed (\`${a.action}\`)${a.error ? `: ${a.error}` : ''}`),
    ...dev.refused.map((r) => `- Refused${r.label ? ` (${r.label})` : ''}: ${r.reason}`),
    ...dev.outOfOrder.map((o) => `- Done out of the runbook's order: ${o.label}, after ${o.after}`),
    ...dev.neverReached.map((n) => `- Never reached: ${n.label}`),
  ];
  out.push(...(deviationLines.length ? deviationLines : ['None: every step was taken in order and every action succeeded.']), '');

  out.push('## Notes', '');
  out.push(...(data.notes.length ? data.notes.map((n) => `- ${time(n.ts)}${n.stepLabel ? ` (${n.stepLabel})` : ''}: ${n.text.replace(/\n/g, ' ')}`) : ['No notes were taken.']), '');
  if (data.attachments.length) {
    out.push('## Attachments', '', ...data.attachments.map((a) => `- ${time(a.ts)} ${a.kind === 'file' ? `file \`${a.name}\`` : 'pasted text'}${a.evidence ? `: [evidence/${a.evidence.sha256}](evidence/${a.evidence.sha256}) (${a.evidence.size} bytes)` : ''}`), '');
  }

  out.push('## Integrity', '');
  out.push(
    `- Events: ${v.events} · chain ${v.chainIntact ? 'intact' : 'BROKEN'} · evidence files ${v.evidence.checked - v.evidence.bad}/${v.evidence.checked} intact · signature ${v.signature}`,
    `- Head hash: \`${v.head}\``,
    `- Signer: ${v.signer ?? 'none (not sealed)'}${v.fingerprint ? ` · key \`${v.fingerprint}\`` : ''}`,
    '',
    'Check it yourself:',
    '',
    ...fence([`runbook verify ${data.session.id}`, `ssh-keygen -Y verify -f ~/.config/runbook/allowed_signers -I ${v.signer ?? 'SIGNER'} \\`, `  -n runbook-session -s ${data.session.dir}/session.jsonl.sig < ${data.session.dir}/session.jsonl`].join('\n'), 'sh'),
    '',
  );
  return out.join('\n');
}
