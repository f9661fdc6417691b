// A session: what one operator did, as events in a signed log. The runners and the TUI record through
// this; it knows nothing of how an event was produced.

import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import { sha256Hex } from './chain.js';
import { replaceFileDurable } from './durable.js';
import type { EventFields, EventOf, EventType, SessionEvent, Purpose, StepStatus, Where } from './events.js';
import { isStorageError, storageFault } from './fault.js';
import { EvidenceWriter, writeEvidence } from './evidence.js';
import { newSessionId } from './id.js';
import { fingerprint } from './keys.js';
import { SessionLog, SIG_FILE, type LogOptions } from './log.js';
import { sessionsDir } from './paths.js';
import { redactFields, redactString, type RedactionCounts } from './redact.js';
import { buildKnownSecrets, KnownSecrets, looksSecretName, looksLikeToken } from './secrets.js';
import type { Signer } from './signer.js';
import { signMessage } from './sshsig.js';

export type { Purpose, StepStatus, Where } from './events.js';

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
  /** The runbook's SHA-256 as the last session on it ran it, when it has changed since. */
  previousSha256?: string;
}

function operatorName(): string {
  try {
    return process.env.USER || userInfo().username;
  } catch {
    return 'operator';
  }
}

export type EventListener = (event: SessionEvent) => void;

export class Session {
  private readonly listeners = new Set<EventListener>();

  private constructor(
    readonly id: string,
    readonly dir: string,
    readonly log: SessionLog,
    /** Exact values redacted everywhere (secrets.ts builds it; the log checks every event against it too). */
    readonly knownSecrets: KnownSecrets,
  ) {}

  private get secrets(): string[] {
    return this.knownSecrets.values;
  }

  /** From the start: secret-named variables of the process environment, plus the values given. */
  private static knownSecretsFrom(secrets: string[] | undefined): { known: KnownSecrets; redact: LogOptions['redact'] } {
    const known = buildKnownSecrets({ processEnv: process.env, extra: secrets ?? [] });
    return { known, redact: (fields, counts) => redactFields(fields, { knownSecrets: known.values }, counts) };
  }

  static start(options: StartSessionOptions): Session {
    const now = options.now ?? (() => new Date());
    const id = options.id ?? newSessionId(options.section?.title ?? options.purpose.kind, now());
    const dir = join(options.root ?? sessionsDir(), id);
    const { known, redact } = Session.knownSecretsFrom(options.secrets);
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
        ...(options.previousSha256 ? { previousSha256: options.previousSha256 } : {}),
      },
      { ...options, redact },
    );
    return new Session(id, dir, log, known);
  }

  /** Reopen an interrupted session; records that it was resumed (and any torn line recovered). */
  static resume(dir: string, options: LogOptions & { secrets?: string[] } = {}): { session: Session; events: SessionEvent[] } {
    const { known, redact } = Session.knownSecretsFrom(options.secrets);
    const opened = SessionLog.open(dir, { ...options, redact });
    const id = dir.split(/[\\/]/).filter(Boolean).pop()!;
    const session = new Session(id, dir, opened.log, known);
    const resumed = session.record('resumed', { pid: process.pid, host: hostname(), ...(opened.staleHolder ? { previous: opened.staleHolder } : {}) });
    return { session, events: [...(opened.events as unknown as SessionEvent[]), resumed] };
  }

  /** Add a value that must never reach the log or evidence (a secret placeholder value). */
  addSecret(value: string): void {
    this.knownSecrets.add(value);
  }

  /** Redact free text (a note, a reason, a command as run); the counts go into the event. */
  redact(text: string): { text: string; redactions?: RedactionCounts } {
    const { text: out, counts } = redactString(text, { knownSecrets: this.secrets });
    return Object.keys(counts).length ? { text: out, redactions: counts } : { text: out };
  }

  /** Append one event (fsync'd before this returns) and tell the listeners. */
  record<T extends EventType>(type: T, fields: EventFields[T]): EventOf<T> {
    const event = this.log.append(type, fields as Record<string, unknown>) as unknown as EventOf<T>;
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Every event recorded so far, read back from the log. */
  events(): SessionEvent[] {
    return this.log.contents().toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SessionEvent);
  }

  /** Be told of every event recorded from now on (the TUI keeps its view of the session this way). */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get sealed(): boolean {
    return this.log.sealed;
  }

  setStepStatus(where: Where, status: StepStatus, reason?: string): EventOf<'step'> {
    const redacted = reason === undefined ? undefined : this.redact(reason);
    return this.record('step', { ...where, status, reason: redacted?.text, redactions: redacted?.redactions });
  }

  note(where: Where, text: string, extra: { automatic?: boolean } = {}): EventOf<'note'> {
    const { text: body, redactions } = this.redact(text);
    return this.record('note', { ...where, text: body, redactions, ...extra });
  }

  /** Attach evidence gathered elsewhere: a file's bytes or pasted text (a ticket link, remote output). */
  attach(where: Where, attachment: { name: string; data: Buffer | string; kind: 'file' | 'text' }): EventOf<'attachment'> {
    const evidence = writeEvidence(this.dir, attachment.data, { knownSecrets: this.secrets });
    // A file's name can hold a secret too (dump-<password>.sql): redacted like any other text.
    return this.record('attachment', { ...where, name: this.redact(attachment.name).text, kind: attachment.kind, evidence });
  }

  /** A placeholder value; a secret one is recorded only as set, and redacted from then on. */
  setPlaceholder(where: Where, name: string, value: string, secret: boolean): EventOf<'placeholder'> {
    if (secret || looksSecretName(name) || looksLikeToken(value)) {
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
  async seal(signer: Signer): Promise<{ event: EventOf<'sealed'>; signaturePath: string }> {
    // Appended without telling listeners yet: they hear of the seal once its signature is on disk.
    const event = this.log.append('sealed', {
      signer: signer.identity,
      key: signer.publicLine,
      fingerprint: fingerprint(signer.key),
      events: this.log.seq + 1,
      head: this.log.head,
    }) as EventOf<'sealed'>;
    const signaturePath = join(this.dir, SIG_FILE);
    try {
      const signature = await signMessage(this.log.contents(), signer.key, signer.sign);
      replaceFileDurable(signaturePath, signature, 0o644);
    } catch (error) {
      // A sealed line without its signature would never verify: take the line back, leave the session open.
      this.log.retractLast();
      if (!isStorageError(error)) throw error;
      throw storageFault(error, 'write the signature', this.dir, 'the session stays open and unsealed; free some space and seal it again (runbook resume)');
    }
    for (const listener of this.listeners) listener(event);
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
