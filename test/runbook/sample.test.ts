// Precision and recall of action classification on a hand-judged sample of public runbooks
// (test/fixtures/sample: excerpts of openshift/runbooks, prometheus-operator/runbooks and GitLab's
// runbooks, prose shortened and reworded, code as published). sample.judged.json holds, for every
// fenced block (by line) and inline code span, the kind a person would run it as, or null when it
// is output, config, an example or a name. Goal: 98% for fenced blocks, 95% for inline code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions } from '../../src/runbook/walk.js';
import { codeElements } from '../helpers/codeElements.js';
import judged from './sample.judged.json' with { type: 'json' };

interface Judgement {
  source: string;
  fenced: Record<string, string | null>;
  inline: Array<[string, string | null]>;
  code?: Record<string, string>;
}

const files = judged as unknown as Record<string, Judgement>;
const read = (file: string) => readFileSync(new URL(`../fixtures/sample/${file}`, import.meta.url), 'utf8');

interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  misses: string[];
}

function score(type: 'fenced' | 'inline'): Score {
  const s: Score = { truePositives: 0, falsePositives: 0, falseNegatives: 0, misses: [] };
  for (const [file, judgement] of Object.entries(files)) {
    const elements = codeElements(read(file)).filter((e) => e.type === type);
    const expectedInline = [...judgement.inline];
    for (const element of elements) {
      let expected: string | null;
      if (type === 'fenced') {
        expect(judgement.fenced, `${file}: fence at line ${element.key} has no judgement`).toHaveProperty(element.key);
        expected = judgement.fenced[element.key]!;
      } else {
        const at = expectedInline.findIndex(([code]) => code === element.key);
        expect(at, `${file}: inline \`${element.key}\` has no judgement`).toBeGreaterThanOrEqual(0);
        expected = expectedInline.splice(at, 1)[0]![1];
      }
      const predicted = element.predicted.length ? element.predicted.join('+') : null;
      if (expected !== null && predicted === expected) s.truePositives++;
      else {
        if (predicted !== null) s.falsePositives++;
        if (expected !== null) s.falseNegatives++;
        if (predicted !== expected) s.misses.push(`${file} ${type} ${element.key}: judged ${expected}, parsed ${predicted}`);
      }
    }
    if (type === 'fenced') expect(elements.length, `${file}: judged fences`).toBe(Object.keys(judgement.fenced).length);
  }
  return s;
}

const precision = (s: Score) => s.truePositives / (s.truePositives + s.falsePositives);
const recall = (s: Score) => s.truePositives / (s.truePositives + s.falseNegatives);
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

describe('judged sample of public runbooks', () => {
  it('has the sample it claims: 25 files from three collections', () => {
    const sources = Object.values(files).map((j) => j.source.split(' ')[0]);
    expect(Object.keys(files)).toHaveLength(25);
    expect(new Set(sources)).toEqual(new Set(['openshift/runbooks', 'prometheus-operator/runbooks', 'GitLab']));
  });

  it('classifies fenced blocks with precision and recall of at least 98%', () => {
    const s = score('fenced');
    console.log(`fenced: ${s.truePositives + s.falseNegatives} actions judged; precision ${percent(precision(s))}, recall ${percent(recall(s))}${s.misses.length ? `\n  ${s.misses.join('\n  ')}` : ''}`);
    expect(precision(s)).toBeGreaterThanOrEqual(0.98);
    expect(recall(s)).toBeGreaterThanOrEqual(0.98);
  });

  it('classifies inline code with precision and recall of at least 95%', () => {
    const s = score('inline');
    console.log(`inline: ${s.truePositives + s.falseNegatives} actions judged; precision ${percent(precision(s))}, recall ${percent(recall(s))}${s.misses.length ? `\n  ${s.misses.join('\n  ')}` : ''}`);
    expect(precision(s)).toBeGreaterThanOrEqual(0.95);
    expect(recall(s)).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps exactly the commands of judged transcripts, without their output', () => {
    for (const [file, judgement] of Object.entries(files)) {
      if (!judgement.code) continue;
      const actions = allActions(parseRunbook(read(file))).map(({ action }) => action);
      for (const [line, code] of Object.entries(judgement.code)) {
        expect(actions.filter((a) => a.line === Number(line)).map((a) => a.code).join('\n---\n'), `${file} line ${line}`).toBe(code);
      }
    }
  });
});
