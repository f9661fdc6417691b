import { randomBytes } from 'node:crypto';
import { slugify } from '../runbook/slug.js';

/** Sortable by time, readable: `20261124-031002-rls-misconfiguration-7f3a`. */
export function newSessionId(label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = slugify(label).replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'session';
  return `${stamp}-${slug}-${randomBytes(2).toString('hex')}`;
}
