// The runbook as a readable tree for people: sections, numbered steps, actions with their kind,
// placeholders highlighted, and source line numbers.

import type { Action, Runbook, Section, Step } from '../runbook/model.js';
import { findPlaceholderSpans } from '../runbook/placeholders.js';
import { allActions, allSections } from '../runbook/walk.js';
import type { Style } from './style.js';
import { terminalSafe } from './terminal.js';

function highlightPlaceholders(action: Action, style: Style): string {
  if (action.kind === 'url') return terminalSafe(action.code);
  let out = '';
  let at = 0;
  for (const span of findPlaceholderSpans(action.code)) {
    out += terminalSafe(action.code.slice(at, span.start)) + style.yellow(style.bold(terminalSafe(action.code.slice(span.start, span.end))));
    at = span.end;
  }
  return out + terminalSafe(action.code.slice(at));
}

function actionLines(action: Action, indent: string, style: Style): string[] {
  const kind = style.cyan(`${action.kind.padEnd(7)} `);
  const codeLines = highlightPlaceholders(action, style).split('\n');
  const needs = action.placeholders.length ? `  ${style.yellow(`needs: ${action.placeholders.join(', ')}`)}` : '';
  const env = action.env?.length ? `  ${style.dim(`env: ${action.env.join(', ')}`)}` : '';
  const out = [`${indent}▸ ${kind}${codeLines[0]}${needs}${env}  ${style.dim(`L${action.line}`)}`];
  for (const more of codeLines.slice(1)) out.push(`${indent}  ${' '.repeat(8)}${more}`);
  return out;
}

function stepLines(steps: Step[], prefix: string, indent: string, style: Style): string[] {
  const out: string[] = [];
  steps.forEach((step, i) => {
    const number = `${prefix}${i + 1}.`;
    const box = step.checked === undefined ? '' : step.checked ? '[x] ' : '[ ] ';
    const [first = '', ...rest] = terminalSafe(step.text).split('\n');
    out.push(`${indent}${style.bold(number)} ${box}${first}${rest.length ? style.dim(' …') : ''}  ${style.dim(`L${step.line}`)}`);
    const inner = indent + ' '.repeat(number.length + 1);
    for (const action of step.actions) out.push(...actionLines(action, inner, style));
    out.push(...stepLines(step.steps, `${prefix}${i + 1}.`, inner, style));
  });
  return out;
}

function sectionLines(section: Section, depth: number, style: Style): string[] {
  const indent = '  '.repeat(depth);
  const heading = `${indent}${style.magenta('#'.repeat(Math.max(section.level, 1)))} ${style.bold(terminalSafe(section.title))}  ${style.dim(`${terminalSafe(section.id)} · L${section.line}`)}`;
  return [
    heading,
    ...stepLines(section.steps, '', indent + '  ', style),
    ...section.sections.flatMap((s) => sectionLines(s, depth + 1, style)),
  ];
}

export function renderTree(runbook: Runbook, file: string, style: Style): string {
  const sections = allSections(runbook).length;
  const actions = allActions(runbook).length;
  const out = [style.bold(terminalSafe(runbook.title)), style.dim(`${file} · ${sections} sections · ${actions} actions`), ''];
  if (!runbook.sections.length) out.push('This runbook has no sections or steps.');
  for (const section of runbook.sections) out.push(...sectionLines(section, 0, style));
  return out.join('\n') + '\n';
}

export function renderSummary(runbook: Runbook, file: string, style: Style): string {
  const sections = allSections(runbook).length;
  const actions = allActions(runbook).length;
  return `${style.bold(terminalSafe(runbook.title))}  ${style.dim(`${file} · ${sections} sections · ${actions} actions`)}`;
}
