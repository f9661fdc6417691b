// The session controller: what the TUI and `runbook exec` both do with a session, written once.
// Starting and resuming a session (purpose, signer, environment, known secrets, mirror), switching
// environment, running an action through the guards with the operator's permissions, step status,
// notes, attachments, sealing. No Ink here: whatever the controller must ask (a purpose, a value, a
// confirmation) goes through SessionPrompts, which the TUI answers with dialogs and exec from flags.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { listEnvironments, prepareEnvironment, releaseEnvironment, resolveCommandValues, resolveEnvironment, type Environment } from '../exec/environment.js';
import { needsDatabase } from '../exec/needsDatabase.js';
import { describeWebhook, UpdatePoster, type UpdateKind } from '../notify/webhook.js';
import { changesSinceLastSession, type RunbookChanges } from './runbookChanges.js';
import { keepRunbookCopy } from './runbookCopies.js';
import { runAction, type ActionOutcome, type RunActionOptions } from '../exec/run.js';
import type { Action, Runbook, Section, Step } from '../runbook/model.js';
import type { MirrorOutcome, MirrorStatus } from '../store/mirror.js';
import { environmentTarget } from '../exec/target.js';
import { runbookCommand } from '../format/command.js';
import type { EventOf, Purpose, SessionEvent, StepStatus, Where } from './events.js';
import { looksSecretName } from './secretName.js';
import { buildKnownSecrets } from './secrets.js';
import { exportsOutcome, isSecretValue, stepAndAction } from './carried.js';
import { fillPlaceholders } from '../runbook/placeholders.js';
import { Session } from './session.js';
import { loadSigner, type LoadSignerOptions } from './signer.js';
import { emptyView, foldEvent, viewOf, type SessionView } from './view.js';

/** An answer to "may I?": given (and how, for the log), or not — and whether a person was asked. */
export type Permission = { given: true; via: string } | { given: false; asked: boolean };

export interface WriteRequest {
  /** The code as it will run, placeholders filled, secrets redacted. */
  code: string;
  reasons: string[];
  destructive: boolean;
  /** `unknown` code asks too in a protected environment. */
  tier?: 'read' | 'write' | 'unknown';
  env: string;
}

export interface SessionPrompts {
  /** What a new session is for; undefined leaves it unstarted. */
  purpose(): Promise<Purpose | undefined>;
  /** A placeholder's (or unset variable's) value; undefined leaves the action unrun. `why`: one sentence on why it is asked again. */
  value(request: { name: string; secret: boolean; why?: string }): Promise<string | undefined>;
  /** Permission to act on a protected environment, asked before its first action. */
  confirmEnvironment(env: Environment): Promise<Permission>;
  /** Permission for a writing or destructive action. */
  confirmWrite(request: WriteRequest): Promise<Permission>;
}

export interface LoadedRunbook {
  file: string;
  runbook: Runbook;
  bytes: Buffer;
}

/** Until a face answers: nobody to ask, so nothing is given (exec's answers without flags). */
const NOBODY: SessionPrompts = {
  purpose: async () => undefined,
  value: async () => undefined,
  confirmEnvironment: async () => ({ given: false, asked: false }),
  confirmWrite: async () => ({ given: false, asked: false }),
};

export interface ControllerOptions {
  /** Default: the one `cwd` (or the process's folder) selects by default. */
  env?: Environment;
  /** Who answers the controller's questions; default nobody (nothing is given). */
  prompts?: SessionPrompts;
  purpose?: Purpose;
  /** Values known before any action asks (exec's --set); each is recorded when an action first uses it. */
  values?: Record<string, string>;
  /** The signing key; default the environment's, else the operator's own. */
  signer?: LoadSignerOptions;
  /** Where sessions live (default `$XDG_STATE_HOME/runbook/sessions`). */
  sessionRoot?: string;
  /** Where environments are looked up (the operator's project). */
  cwd?: string;
  /** Progress of slow work the operator waits for (starting the sandbox). */
  onProgress?: (message: string) => void;
}

/** What running an action came to: it ran (or the guards refused it), or it never got that far. */
export type RunResult =
  | { ran: true; outcome: ActionOutcome; /** What it exported for later actions, as recorded. */ variables?: EventOf<'variables'> }
  | { ran: false; why: 'no-session' | 'not-confirmed' | 'no-value' | 'declined'; message: string };

export interface RunRequest {
  section: Section;
  step: Step;
  action: Action;
  /** `<step id>#<n>` */
  actionId: string;
  signal?: AbortSignal;
  /** Everything was asked and allowed: the action starts now. */
  onStart?: () => void;
  onOutput?: RunActionOptions['onOutput'];
  onFirstPage?: RunActionOptions['onFirstPage'];
}

/** A signing key made for a first session: say where it is. */
export interface CreatedKey {
  identity: string;
  key: string;
  allowedSigners: string;
}

export interface SealSummary {
  done: number;
  skipped: number;
  failed: number;
  actions: number;
  durationMs: number;
  dir: string;
  id: string;
  verify: string;
}

/**
 * The values a session must never record or show: the environment's own secrets (database password,
 * service keys), variables whose names look secret, and values given under such names. The one place
 * the known-secret set is gathered; a richer rule set plugs in here.
 */
export function knownSecretsFor(env: Environment, values: Record<string, string> = {}): string[] {
  return buildKnownSecrets({ environment: env, placeholders: values }).values;
}

export class SessionController {
  env: Environment;
  session?: Session;
  view: SessionView = emptyView();
  mirror?: MirrorStatus;
  /** When this session started (ms), for the finish summary. */
  startedAt?: number;
  loaded?: LoadedRunbook;
  private envConfirmed = false;
  private readonly standing: Record<string, string>;
  /** Secret values given in this process: they live only here, never in the view or the log. */
  private readonly secretValues: Record<string, string> = {};
  /** Secret values earlier actions exported (or typed again after a resume): never in the view or the log. */
  private readonly carriedSecrets: Record<string, string> = Object.create(null) as Record<string, string>;
  private readonly prepared = new Set<Environment>();
  private readonly listeners = new Set<() => void>();
  private mirrorHandle?: import('../store/mirror.js').Mirror;
  private mirrorStarting?: Promise<void>;
  private poster?: { session: Session; poster: UpdatePoster };
  private changes?: { loaded: LoadedRunbook; changes: RunbookChanges | undefined };
  /** Posts that failed after the session was sealed (nothing more can be recorded): for the face to show. */
  readonly unrecordedFailures: string[] = [];

  constructor(private options: ControllerOptions) {
    this.env = options.env ?? resolveEnvironment(options.cwd ? { cwd: options.cwd } : {});
    this.standing = { ...(options.values ?? {}) };
  }

  /** Reopen an interrupted session on the environment it was last on (or `envName`), with every secret it knew. */
  static resume(dir: string, options: Omit<ControllerOptions, 'env'> & { envName?: string; loaded?: LoadedRunbook }): SessionController {
    const resumed = Session.resume(dir);
    try {
      const env = resolveEnvironment({ name: options.envName ?? viewOf(resumed.events).env ?? 'local', ...(options.cwd ? { cwd: options.cwd } : {}) });
      return SessionController.adopt(resumed, { ...options, env });
    } catch (error) {
      resumed.session.interrupt('resume failed');
      throw error;
    }
  }

  /** Carry on with a session already reopened (`Session.resume`), on `options.env`. */
  static adopt({ session, events }: { session: Session; events: ReadonlyArray<SessionEvent> }, options: ControllerOptions & { loaded?: LoadedRunbook }): SessionController {
    const view = viewOf(events);
    const resolve = (name: string) => resolveEnvironment({ name, ...(options.cwd ? { cwd: options.cwd } : {}) });
    const controller = new SessionController(options);
    const env = controller.env;
    controller.loaded = options.loaded;
    controller.view = view;
    controller.startedAt = Date.parse(view.startedAt ?? '') || Date.now();
    // Every environment the session was on may have printed its secrets into what comes next.
    for (const secret of knownSecretsFor(env)) session.addSecret(secret);
    for (const name of view.envs.filter((n) => n !== env.name)) {
      try {
        for (const secret of knownSecretsFor(resolve(name))) session.addSecret(secret);
      } catch {
        // An environment since removed from the config: its values are unknown, so nothing to add.
      }
    }
    controller.follow(session);
    // Resumed on another environment than the one it stopped on: the log says so before anything runs.
    if (view.env && env.name !== view.env) session.record('environment', { env: env.name, target: environmentTarget(env) });
    return controller;
  }

  /** Who answers from now on (the TUI, once its dialogs exist). */
  answerWith(prompts: SessionPrompts): void {
    this.options = { ...this.options, prompts };
  }

  private get prompts(): SessionPrompts {
    return this.options.prompts ?? NOBODY;
  }

  /** Be told whenever the session, its view, the environment or the mirror changes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** The runbook actions and sessions refer to (the TUI's picker loads another). */
  useRunbook(loaded: LoadedRunbook): void {
    this.loaded = loaded;
  }

  /** Every environment the operator may switch to: the `e` picker and `--env` offer the same list. */
  environments(): string[] {
    const listed = listEnvironments(this.options.cwd ? { cwd: this.options.cwd } : {});
    return listed.includes(this.env.name) ? listed : [this.env.name, ...listed];
  }

  /** The open session, or a new one (asking its purpose when the flags gave none). */
  async ensureSession(section?: { id: string; title: string }): Promise<{ session: Session; createdKey?: CreatedKey } | undefined> {
    if (this.session && !this.session.sealed) return { session: this.session };
    if (!this.loaded) return undefined;
    const purpose = this.options.purpose ?? (await this.prompts.purpose());
    if (!purpose) return undefined;
    const { created } = loadSigner({ create: true, ...this.signerOptions() });
    const changes = this.runbookChanges();
    keepRunbookCopy(this.loaded.bytes, this.options.sessionRoot ? { sessionRoot: this.options.sessionRoot } : process.env);
    const session = Session.start({
      ...(changes ? { previousSha256: changes.previousSha256 } : {}),
      runbook: { path: this.loaded.file, bytes: this.loaded.bytes, title: this.loaded.runbook.title },
      ...(section ? { section: { id: section.id, title: section.title } } : {}),
      env: this.env.name,
      target: { ...environmentTarget(this.env) },
      purpose,
      secrets: knownSecretsFor(this.env, this.standing),
      ...(this.options.sessionRoot ? { root: this.options.sessionRoot } : {}),
    });
    this.options = { ...this.options, purpose };
    this.view = viewOf(session.events());
    this.startedAt = Date.now();
    this.envConfirmed = false;
    this.follow(session);
    if (this.env.fromCommands) session.record('environment', { env: this.env.name, target: environmentTarget(this.env), fromCommand: Object.keys(this.env.fromCommands) });
    if (this.env.notify) {
      const p = purpose.kind === 'incident' ? `incident${purpose.id ? ` ${purpose.id}` : ''}${purpose.severity ? ` (sev ${purpose.severity})` : ''}` : purpose.kind;
      this.postUpdate('started', `Runbook session started: ${this.loaded.runbook.title}${section ? ` › ${section.title}` : ''} on ${this.env.name}, for ${p}${purpose.title ? `: ${purpose.title}` : ''}.`);
    }
    return { session, ...(created ? { createdKey: { identity: created.identity, key: created.files.key, allowedSigners: created.files.allowedSigners } } : {}) };
  }

  private signerOptions(): LoadSignerOptions {
    const given = this.options.signer ?? {};
    return given.keyPath || !this.env.signingKey ? given : { ...given, keyPath: this.env.signingKey };
  }

  private follow(session: Session): void {
    this.session = session;
    session.subscribe((event) => {
      this.view = foldEvent(this.view, event);
      this.changed();
    });
    if (this.env.store) this.mirrorStarting = this.startMirror(session, this.env.store).catch(() => undefined);
    this.changed();
  }

  private async startMirror(session: Session, store: string): Promise<void> {
    const { Mirror } = await import('../store/mirror.js');
    const mirror = new Mirror({ connectionString: store }, session.id, session.dir, process.env, (text) => session.redact(text).text);
    this.mirrorHandle = mirror;
    mirror.onChange((status) => {
      this.mirror = status;
      this.changed();
    });
    session.subscribe((event) => mirror.push(event));
    mirror.push();
  }

  /** Switch environment: recorded, its secrets known from now on, a protected one asks again. */
  switchEnvironment(name: string): Environment {
    if (name === this.env.name) return this.env;
    const next = resolveEnvironment({ name, ...(this.options.cwd ? { cwd: this.options.cwd } : {}) });
    if (this.session && !this.session.sealed) {
      for (const secret of knownSecretsFor(next, this.standing)) this.session.addSecret(secret);
      this.session.record('environment', { env: next.name, target: environmentTarget(next), ...(next.fromCommands ? { fromCommand: Object.keys(next.fromCommands) } : {}) });
    }
    this.env = next;
    this.envConfirmed = false;
    this.changed();
    return next;
  }

  /**
   * Start what the environment needs on this machine (its sandbox) and know its secrets; once per
   * environment, and only for an action that needs a database (needsDatabase.ts) when one is given.
   */
  async prepare(action?: Action): Promise<void> {
    const env = this.env;
    // Values from a command: fetched on first use and again after their ttl; one sentence when the command fails.
    if (env.fromCommands) {
      const fetched = await resolveCommandValues(env);
      if (this.session && !this.session.sealed) for (const secret of fetched) this.session.addSecret(secret);
    }
    if (!env.sandbox || this.prepared.has(env) || (action && !needsDatabase(action))) return;
    try {
      await prepareEnvironment(env, this.options.onProgress);
    } catch (error) {
      throw new Error(`The sandbox database could not start: ${(error as Error).message}`);
    }
    this.prepared.add(env);
    if (this.session && !this.session.sealed) for (const secret of knownSecretsFor(env)) this.session.addSecret(secret);
  }

  /** Values known so far: given up front, recorded in the session, and secret ones typed in this process. */
  values(): Record<string, string> {
    // No prototype: a placeholder named `constructor` or `toString` is missing until it is given.
    // What an earlier action exported comes last: as in a terminal, the latest assignment wins.
    return Object.assign(Object.create(null) as Record<string, string>, this.standing, this.view.values, this.secretValues, this.carriedValues());
  }

  /** Variables earlier actions exported whose values this process knows (a secret one is asked again after a resume). */
  carriedValues(): Record<string, string> {
    const out = Object.create(null) as Record<string, string>;
    for (const [name, carried] of Object.entries(this.view.carried)) {
      const value = carried.secret ? this.carriedSecrets[name] : carried.value;
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /**
   * An action's code for a person to paste elsewhere: every value spliced in, quoted for its place (the
   * form that runs passes values in the environment instead). While a value is unknown or secret the
   * code is copied as written, and `missing` names them: a secret never reaches the clipboard.
   */
  codeToCopy(action: Action): { code: string; missing: string[] } {
    const values = this.values();
    const secret = (name: string) => this.view.secretNames.includes(name) || Object.hasOwn(this.secretValues, name) || this.view.carried[name]?.secret === true;
    const missing = [...new Set(action.placeholders.filter((n) => values[n] === undefined || secret(n)))];
    if (missing.length) return { code: action.code, missing };
    try {
      return { code: fillPlaceholders(action.code, action.kind, values), missing };
    } catch {
      return { code: action.code, missing: [...new Set(action.placeholders)] };
    }
  }

  /** Where the value an action gets for `name` comes from, as exec's preview and the TUI say it. */
  valueSource(name: string, action: Action): { from: 'step'; actionId: string; secret: boolean } | { from: 'given' | 'typed'; secret: boolean } | { from: 'environment' } | undefined {
    const carried = Object.hasOwn(this.view.carried, name) ? this.view.carried[name]! : undefined;
    if (carried) return { from: 'step', actionId: carried.from, secret: carried.secret === true };
    if (Object.hasOwn(this.secretValues, name) || this.view.secretNames.includes(name)) return { from: Object.hasOwn(this.standing, name) ? 'given' : 'typed', secret: true };
    if (Object.hasOwn(this.view.values, name)) return { from: Object.hasOwn(this.standing, name) ? 'given' : 'typed', secret: false };
    if (Object.hasOwn(this.standing, name)) return { from: 'given', secret: isSecretValue(name, this.standing[name]!, (t) => this.session?.redact(t).text ?? t) };
    if (action.env?.includes(name) && this.env.vars[name] !== undefined) return { from: 'environment' };
    return undefined;
  }

  private where(section: Section, step?: Step): Where {
    return { ...(this.loaded ? { runbook: this.loaded.file } : {}), section: section.id, ...(step ? { step: step.id } : {}) };
  }

  /** Run one action: environment confirmation, placeholder values, write permission, then the guards and the runner. */
  async run(request: RunRequest): Promise<RunResult> {
    const { section, step, action, actionId } = request;
    const started = await this.ensureSession(section);
    if (!started) return { ran: false, why: 'no-session', message: 'No session was started: nothing was run.' };
    const { session } = started;
    const env = this.env;
    const prompts = this.prompts;
    const where = this.where(section, step);

    if (env.protected && !this.envConfirmed) {
      const permission = await prompts.confirmEnvironment(env);
      if (permission.given) {
        session.record('confirmed', { what: 'environment', env: env.name, via: permission.via });
        this.envConfirmed = true;
      } else if (permission.asked) return { ran: false, why: 'not-confirmed', message: `${env.name} was not confirmed: nothing was run.` };
    }
    await this.prepare(action);

    const values = this.values();
    for (const name of [...new Set([...action.placeholders, ...(action.env ?? [])])]) {
      const carried = Object.hasOwn(this.view.carried, name) ? this.view.carried[name]! : undefined;
      if (carried && Object.hasOwn(values, name) && (!carried.secret || Object.hasOwn(this.carriedSecrets, name))) continue;
      if (carried?.secret) {
        // Exported by an earlier action before this session was resumed: the log never held the value.
        const why = `${name} was set by ${stepAndAction(carried.from, section.id)} before this session was resumed; its value is secret, so the session log does not hold it: type it again.`;
        const value = await prompts.value({ name, secret: true, why });
        if (value === undefined) return { ran: false, why: 'no-value', message: `Not run: no value for ${name}.` };
        session.setPlaceholder(where, name, value, true);
        this.carriedSecrets[name] = value;
        values[name] = value;
        continue;
      }
      if (Object.hasOwn(this.view.values, name) || Object.hasOwn(this.secretValues, name)) continue;
      let value = Object.hasOwn(this.standing, name) ? this.standing[name] : undefined;
      if (value === undefined) {
        if (action.env?.includes(name) && Object.hasOwn(env.vars, name)) continue;
        value = await prompts.value({ name, secret: looksSecretName(name) });
        if (value === undefined) return { ran: false, why: 'no-value', message: `Not run: no value for ${name}.` };
      }
      this.rememberValue(session, where, name, value);
      values[name] = value;
    }

    // The guard judges the code as it will run; the confirmation shows that code and the verdict.
    // Loaded on first use, like its parsers: the first frame does not pay for it.
    const { judgeAction, needsPermission } = await import('../exec/guard/judge.js');
    const verdict = await judgeAction(action, env, values);
    let allowWrites = false;
    if (needsPermission(verdict, env) && !verdict.blocked) {
      const code = session.redact(verdict.code).text;
      const reasons = verdict.reasons.map((r) => session.redact(r).text);
      const withValues = Object.entries(verdict.vars).map(([k, v]) => `with ${k}=${session.redact(JSON.stringify(v)).text}`);
      const permission = await prompts.confirmWrite({ code: [code, ...withValues].join('\n'), reasons, destructive: verdict.destructive, tier: verdict.tier, env: env.name });
      if (permission.given) allowWrites = true;
      else if (permission.asked) {
        session.record('action.refused', { ...where, action: actionId, kind: action.kind, code, reason: 'the operator declined to run it', tier: verdict.tier, risk: reasons });
        return { ran: false, why: 'declined', message: 'Not run: you declined.' };
      }
    }

    request.onStart?.();
    const outcome = await runAction(action, {
      session, env, where, actionId, values, carried: this.carriedValues(),
      permissions: { environmentConfirmed: !env.protected || this.envConfirmed, allowWrites },
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onOutput ? { onOutput: request.onOutput } : {}),
      ...(request.onFirstPage ? { onFirstPage: request.onFirstPage } : {}),
    });
    const variables = outcome.exports && !session.sealed ? this.recordExports(session, where, actionId, outcome) : undefined;
    return { ran: true, outcome, ...(variables ? { variables } : {}) };
  }

  /** What a finished shell action exported: one `variables` event; secrets known from now on. */
  private recordExports(session: Session, where: Where, actionId: string, outcome: ActionOutcome): EventOf<'variables'> | undefined {
    const { run, changes } = outcome.exports!;
    const result = exportsOutcome({
      changes, status: outcome.status, ...(outcome.message ? { message: outcome.message } : {}),
      carriedNames: Object.keys(this.view.carried), redact: (text) => session.redact(text).text,
    });
    for (const secret of result.secrets) session.addSecret(secret);
    for (const name of result.unset) delete this.carriedSecrets[name];
    if (!result.event) return undefined;
    const event = session.record('variables', { ...where, action: actionId, run, ...result.event });
    for (const [name, value] of Object.entries(result.carried)) {
      if (this.view.carried[name]?.secret) this.carriedSecrets[name] = value;
      else delete this.carriedSecrets[name];
    }
    return event;
  }

  private rememberValue(session: Session, where: Where, name: string, value: string): void {
    const recorded = session.setPlaceholder(where, name, value, looksSecretName(name));
    // The session may judge a value secret by its shape (a pasted token): remember it as one too.
    if (recorded.secret === true) this.secretValues[name] = value;
  }

  private openSession(): Session {
    if (!this.session || this.session.sealed) throw new Error('no session is open');
    return this.session;
  }

  mark(section: Section, step: Step, status: StepStatus, reason?: string): void {
    this.openSession().setStepStatus(this.where(section, step), status, reason);
    if (this.env.notify && (status === 'failed' || status === 'skipped')) {
      const title = step.text.split('\n')[0] ?? step.id;
      this.postUpdate(status === 'failed' ? 'step.failed' : 'step.skipped', `Step ${status}: ${title}${reason ? ` (${reason})` : ''}`, section, step);
    }
  }

  /** What changed in the runbook since the last session on it (shown before starting; the session records the previous SHA). */
  runbookChanges(): RunbookChanges | undefined {
    const loaded = this.loaded;
    if (!loaded) return undefined;
    if (this.changes?.loaded !== loaded) {
      let changes: RunbookChanges | undefined;
      try {
        changes = changesSinceLastSession(loaded.file, loaded.bytes, loaded.runbook, this.options.sessionRoot ? { root: this.options.sessionRoot } : {});
      } catch {
        changes = undefined; // An unreadable sessions folder costs the summary only.
      }
      this.changes = { loaded, changes };
    }
    return this.changes.changes;
  }

  /** A status update the operator typed: recorded, and posted when a webhook is configured. */
  update(text: string, section?: Section, step?: Step): void {
    this.postUpdate('update', text, section, step);
  }

  /** Escalate to a level of the runbook's escalation matrix, with an optional note. */
  escalate(level: string, note?: string, section?: Section, step?: Step): void {
    const session = this.openSession();
    const redactedNote = note?.trim() ? session.redact(note.trim()) : undefined;
    const event = session.record('escalated', { ...(section ? this.where(section, step) : {}), level, ...(redactedNote ? { note: redactedNote.text, redactions: redactedNote.redactions } : {}) });
    if (this.env.notify) this.postUpdate('escalated', `Escalated to ${level}${note?.trim() ? `: ${note.trim()}` : ''}`, section, step, event.seq);
  }

  /** The incident's severity now (the latest change, else the one it started with). */
  severity(): string | undefined {
    if (this.view.severity) return this.view.severity;
    const purpose = this.options.purpose;
    return purpose?.kind === 'incident' ? purpose.severity : undefined;
  }

  setSeverity(to: string): void {
    const session = this.openSession();
    const from = this.severity();
    if (!to.trim() || to.trim() === from) return;
    const event = session.record('severity', { ...(from ? { from } : {}), to: to.trim() });
    if (this.env.notify) this.postUpdate('severity', `Severity changed${from ? ` from ${from}` : ''} to ${to.trim()}`, undefined, undefined, event.seq);
  }

  /**
   * Record an update (`record` false: the event that caused it is the record) and post it in the
   * background; a failed post is recorded when it comes back. Never waits for the webhook.
   */
  private postUpdate(kind: UpdateKind, text: string, section?: Section, step?: Step, record: true | number = true): void {
    const session = this.openSession();
    const redacted = session.redact(text);
    const notify = this.env.notify;
    const event = record === true
      ? session.record('update', { ...(section ? this.where(section, step) : {}), kind, text: redacted.text, ...(redacted.redactions ? { redactions: redacted.redactions } : {}), ...(notify ? { to: describeWebhook(notify.url) } : {}) })
      : { seq: record };
    if (!notify) return;
    if (this.poster?.session !== session) {
      const poster = new UpdatePoster(notify, (update, outcome) => {
        if (outcome.ok) return;
        const error = session.redact(outcome.error).text;
        if (session.sealed) this.unrecordedFailures.push(`The ${update.kind} update was not posted: ${error}.`);
        else session.record('update.failed', { update: Number(update.fields?.seq), kind: update.kind, error });
        this.changed();
      });
      this.poster = { session, poster };
    }
    this.poster.poster.send({ kind, text: redacted.text, session: session.id, fields: { ...(event ? { seq: event.seq } : {}), ...(step ? { step: step.id } : {}) } });
  }

  /** Wait, at most `ms`, for updates still being posted, then give up on the rest (before the process exits). */
  async flushUpdates(ms = 3_000): Promise<void> {
    if (!this.poster) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.poster.poster.drained(), new Promise<void>((done) => { timer = setTimeout(done, ms); timer.unref(); })]);
    clearTimeout(timer);
    this.poster.poster.abandon();
    await this.poster.poster.drained();
  }

  note(text: string, section?: Section, step?: Step): void {
    this.openSession().note(section ? this.where(section, step) : this.loaded ? { runbook: this.loaded.file } : {}, text);
  }

  /** Attach a file when `given` names one, else keep `given` as text (a ticket link, pasted output). */
  attach(given: string, section?: Section, step?: Step): 'file' | 'text' {
    const session = this.openSession();
    const where = section ? this.where(section, step) : {};
    const path = given.trim();
    if (existsSync(path) && statSync(path).isFile()) {
      session.attach(where, { name: path, data: readFileSync(path), kind: 'file' });
      return 'file';
    }
    session.attach(where, { name: 'pasted text', data: given, kind: 'text' });
    return 'text';
  }

  /** Record why the session stopped early (Ctrl-C in exec); it stays open to be sealed. */
  interrupted(reason: string): void {
    this.openSession().record('interrupted', { reason });
  }

  /** Leave the session open for `runbook resume`, saying why. */
  leave(reason: string): void {
    if (this.session && !this.session.sealed) this.session.interrupt(reason);
  }

  /** Seal and sign the session; what it came to, for the finish screen. */
  async seal(): Promise<SealSummary> {
    const session = this.openSession();
    const { signer } = loadSigner({ create: true, ...this.signerOptions() });
    const view = this.view;
    const states = Object.values(view.steps).map((s) => s.state);
    const verify = runbookCommand(`verify ${session.id}`);
    if (this.env.notify) {
      const count = (state: string) => states.filter((s) => s === state).length;
      this.postUpdate('sealed', `Session sealed: ${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed. Verify: ${verify}`);
    }
    await session.seal(signer);
    return {
      done: states.filter((s) => s === 'done').length,
      skipped: states.filter((s) => s === 'skipped').length,
      failed: states.filter((s) => s === 'failed').length,
      actions: view.runs.filter((r) => r.status !== 'refused').length,
      durationMs: Date.now() - (this.startedAt ?? Date.now()),
      dir: session.dir,
      id: session.id,
      verify,
    };
  }

  /**
   * Give the team store a moment to catch up, check that it holds exactly the local log, and send earlier
   * sessions' backlog; undefined without a store.
   */
  async closeMirror(): Promise<MirrorOutcome | undefined> {
    await this.mirrorStarting;
    const mirror = this.mirrorHandle;
    const store = this.env.store;
    if (!mirror || !store || !this.session) return undefined;
    const { finishMirror } = await import('../store/mirror.js');
    return finishMirror(mirror, { connectionString: store }, this.session.dir);
  }

  /** Stop what this process started for its environments (the sandbox). */
  async release(): Promise<void> {
    for (const env of new Set([...this.prepared, this.env])) await releaseEnvironment(env);
  }
}
