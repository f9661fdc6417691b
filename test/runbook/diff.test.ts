// "The runbook changed since your last session": added, removed and edited steps and sections.
import { describe, expect, it } from 'vitest';
import { describeDiff, diffRunbooks, isEmptyDiff } from '../../src/runbook/diff.js';
import { parseRunbook } from '../../src/runbook/parse.js';

const before = `# Ops
## Failover
1. Page the lead.
2. Check replication lag: \`select now() - pg_last_xact_replay_timestamp()\`
3. Promote the replica.
4. Update DNS.
## Old section
- gone soon
`;

const after = `# Ops
## Failover
1. Page the lead.
2. Freeze deploys.
3. Check replication lag: \`select now() - pg_last_xact_replay_timestamp() as lag\`
4. Promote the replica.
## New section
- brand new
`;

describe('runbook model diff', () => {
  it('names added, removed and edited steps without shifting the rest', () => {
    const diff = diffRunbooks(parseRunbook(before), parseRunbook(after));
    const failover = diff.sections.find((s) => s.id === 'failover')!;
    expect(failover.change).toBe('changed');
    expect(failover.steps).toEqual([
      { change: 'added', number: '2', text: 'Freeze deploys.' },
      { change: 'edited', number: '3', before: expect.stringContaining('Check replication lag'), after: expect.stringContaining('Check replication lag'), detail: expect.stringMatching(/changed/) },
      { change: 'removed', number: '4', text: 'Update DNS.' },
    ]);
    expect(diff.sections.find((s) => s.id === 'new-section')).toMatchObject({ change: 'added', steps: [{ change: 'added', text: 'brand new' }] });
    expect(diff.sections.find((s) => s.id === 'old-section')).toMatchObject({ change: 'removed' });
    const lines = describeDiff(diff);
    expect(lines).toContain('    + 2. Freeze deploys.');
    expect(lines).toContain('    - 4. Update DNS.');
    expect(lines).toContain('+ New section (section added)');
  });

  it('is empty for the same runbook', () => {
    expect(isEmptyDiff(diffRunbooks(parseRunbook(before), parseRunbook(before)))).toBe(true);
  });
});
