// A session: what one operator did, as events in a signed log. The runners and the TUI record through
// this; it knows nothing of how an event was produced.

import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { sha256Hex, type EventRecord } from './chain.js';
import { replaceFileDurable } from './durable.js';
import { EvidenceWriter, writeEvidence } from './evidence.js';
import { newSessionId } from './id.js';
import { fingerprint } from './keys.js';
import { SessionLog, SIG_FILE, type LogOptions } from './log.js';
import { sessionsDir } from './paths.js';
import { redactString, type RedactionCounts } from './redact.js';
import type { Signer } from './signer.js';
import { signMessage } from './sshsig.js';

export type Purpose =
  | { kind: 'incident'; id?: string; title?: string; severity?: string }
  | { kind: 'drill'; title?: string }
  | { kind: 'routine'; title?: string };

export type StepStatus = 'done' | 'skipped' | 'failed' | 'pending';

/** Where an event happened: every event names its runbook, section and step when it has them. */
export interface Where {
  runbook?: string;
  section?: string;
  step?: string;
}

export interface StartSessionOptions extends LogOptions {
  runbook: { path: string; bytes: Buffer; title: string };
  section?: { id: string; title: string };
  env: string;
  /** What the environment points at (host, database or sandbox copy; never credentials). */
  target?: Record<string, unknown>;
  purpose: Purpose;
  operator?: string;
  /** Where sessions live (default `$XDG_STATE_HOME/runbook/sessions`). */
  root?: string;
  /** Values always redacted: the environment's database password, service keys. */
  secrets?: string[];
  /** Fixed id and host, for reproducible sessions (golden-file tests). */
  id?: string;
  host?: string;
}

function operatorName(): string {
  try {
    return process.env.USER || userInfo().username;
  } catch {
    return 'operator';
  }
}

export type EventListener = (event: EventRecord) => void;

export class Session {
  private readonly secrets: string[];
  private readonly listeners = new Set<EventListener>();

  private constructor(
    readonly id: string,
    readonly dir: string,
    readonly log: SessionLog,
    secrets: string[],
  ) {
    this.secrets = [...secrets];
  }

  static start(options: StartSessionOptions): Session {
    const now = options.now ?? (() => new Date());
    const id = options.id ?? newSessionId(options.section?.title ?? options.purpose.kind, now());
    const dir = join(options.root ?? sessionsDir(), id);
    const log = SessionLog.create(
      dir,
      'started',
      {
        runbook: { path: resolve(options.runbook.path), sha256: sha256Hex(options.runbook.bytes), title: options.runbook.title },
        section: options.section,
        env: options.env,
        ...(options.target && Object.keys(options.target).length ? { target: options.target } : {}),
        purpose: options.purpose,
        operator: options.operator ?? operatorName(),
        host: options.host ?? hostname(),
        tool: { name: 'runbook', version: VERSION },
      },
      options,
    );
    return new Session(id, dir, log, options.secrets ?? []);
  }

  /** Reopen an interrupted session; records that it was resumed (and any torn line recovered). */
  static resume(dir: string, options: LogOptions & { secrets?: string[] } = {}): { session: Session; events: EventRecord[] } {
    const opened = SessionLog.open(dir, options);
    const id = dir.split(/[\\/]/).filter(Boolean).pop()!;
    const session = new Session(id, dir, opened.log, options.secrets ?? []);
    const resumed = session.record('resumed', { pid: process.pid, host: hostname(), ...(opened.staleHolder ? { previous: opened.staleHolder } : {}) });
    return { session, events: [...opened.events, resumed] };
  }

  /** Add a value that must never reach the log or evidence (a secret placeholder value). */
  addSecret(value: string): void {
    if (value && !this.secrets.includes(value)) this.secrets.push(value);
  }

  /** Redact free text (a note, a reason, a command as run); the counts go into the event. */
  redact(text: string): { text: string; redactions?: RedactionCounts } {
    const { text: out, counts } = redactString(text, { knownSecrets: this.secrets });
    return Object.keys(counts).length ? { text: out, redactions: counts } : { text: out };
  }

  record(type: string, fields: Record<string, unknown> = {}): EventRecord {
    const event = this.log.append(type, fields);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Be told of every event recorded from now on (the TUI keeps its view of the session this way). */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get sealed(): boolean {
    return this.log.sealed;
  }

  setStepStatus(where: Where, status: StepStatus, reason?: string): EventRecord {
    const redacted = reason === undefined ? undefined : this.redact(reason);
    return this.record('step', { ...where, status, reason: redacted?.text, redactions: redacted?.redactions });
  }

  note(where: Where, text: string): EventRecord {
    const { text: body, redactions } = this.redact(text);
    return this.record('note', { ...where, text: body, redactions });
  }

  /** Attach evidence gathered elsewhere: a file's bytes or pasted text (a ticket link, remote output). */
  attach(where: Where, attachment: { name: string; data: Buffer | string; kind: 'file' | 'text' }): EventRecord {
    const evidence = writeEvidence(this.dir, attachment.data, { knownSecrets: this.secrets });
    // A file's name can hold a secret too (dump-<password>.sql): redacted like any other text.
    return this.record('attachment', { ...where, name: this.redact(attachment.name).text, kind: attachment.kind, evidence });
  }

  /** A placeholder value; a secret one is recorded only as set, and redacted from then on. */
  setPlaceholder(where: Where, name: string, value: string, secret: boolean): EventRecord {
    if (secret) {
      this.addSecret(value);
      return this.record('placeholder', { ...where, name, secret: true, value: 'set' });
    }
    return this.record('placeholder', { ...where, name, value: this.redact(value).text });
  }

  /** A writer for an action's output or a query's result, redacting with this session's secrets. */
  evidenceWriter(): EvidenceWriter {
    return new EvidenceWriter(this.dir, { knownSecrets: this.secrets });
  }

  /** Seal: the final `sealed` event, then an SSH signature over the whole log. */
  async seal(signer: Signer): Promise<{ event: EventRecord; signaturePath: string }> {
    const event = this.record('sealed', {
      signer: signer.identity,
      key: signer.publicLine,
      fingerprint: fingerprint(signer.key),
      events: this.log.seq + 1,
      head: this.log.head,
    });
    const signature = await signMessage(this.log.contents(), signer.key, signer.sign);
    const signaturePath = join(this.dir, SIG_FILE);
    replaceFileDurable(signaturePath, signature, 0o644);
    this.log.close();
    return { event, signaturePath };
  }

  /** Leave the session open for `runbook resume`, saying why. */
  interrupt(reason: string): void {
    if (!this.log.sealed) this.record('interrupted', { reason });
    this.log.close();
  }

  close(): void {
    this.log.close();
  }
}
