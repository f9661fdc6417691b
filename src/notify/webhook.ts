// Status updates to the team channel: a redacted message posted to a webhook (Slack's incoming-webhook
// format, or a generic JSON body). Posting never blocks the operator: each post has a short timeout,
// runs in the background, and its outcome comes back to be recorded as an event.

export type WebhookFormat = 'slack' | 'json';

export interface WebhookConfig {
  url: string;
  /** `slack` sends `{ text }`; `json` sends `{ kind, text, session, … }`. Default: slack. */
  format?: WebhookFormat;
}

export type UpdateKind = 'started' | 'step.failed' | 'step.skipped' | 'update' | 'escalated' | 'severity' | 'sealed';

export interface StatusUpdate {
  kind: UpdateKind;
  /** One or a few lines, already redacted by the caller. */
  text: string;
  session: string;
  /** Extra fields for the generic JSON form (incident id, step, verify command …). */
  fields?: Record<string, string | number | boolean | undefined>;
}

export type PostOutcome = { ok: true; status: number } | { ok: false; error: string };

export function bodyFor(update: StatusUpdate, format: WebhookFormat = 'slack'): string {
  // Slack reads `<…>` as links and mentions (`<!channel>`): a step title or a typed update must stay text.
  if (format === 'slack') return JSON.stringify({ text: update.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') });
  return JSON.stringify({ kind: update.kind, text: update.text, session: update.session, ...update.fields });
}

/** What a URL may be shown as: the host only (webhook paths carry their secret). */
export function describeWebhook(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

export async function postUpdate(config: WebhookConfig, update: StatusUpdate, timeoutMs = 5_000, abandon?: AbortSignal): Promise<PostOutcome> {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return { ok: false, error: 'the webhook URL is not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: `the webhook URL must be http(s), not ${url.protocol}` };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodyFor(update, config.format),
      signal: abandon ? AbortSignal.any([AbortSignal.timeout(timeoutMs), abandon]) : AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status } : { ok: false, error: `${describeWebhook(config.url)} answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    const why = name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : abandon?.aborted ? 'given up: the session ended first' : cause ? cause : (error as Error).message;
    return { ok: false, error: `${describeWebhook(config.url)} could not be reached (${why})` };
  }
}

/**
 * Posts updates one after another in the background, so they arrive in order, and reports each
 * outcome. `send` returns at once.
 */
export class UpdatePoster {
  private queue: Promise<void> = Promise.resolve();
  private readonly abandoned = new AbortController();

  constructor(
    private readonly config: WebhookConfig,
    private readonly onOutcome: (update: StatusUpdate, outcome: PostOutcome) => void,
    private readonly timeoutMs = 5_000,
  ) {}

  send(update: StatusUpdate): void {
    this.queue = this.queue.then(async () => this.onOutcome(update, await postUpdate(this.config, update, this.timeoutMs, this.abandoned.signal)));
  }

  /** Stop waiting: the post in flight and those queued end now, as not posted (the process is exiting). */
  abandon(): void {
    this.abandoned.abort();
  }

  /** Resolves when every update sent so far has been posted or has failed (used before exit). */
  drained(): Promise<void> {
    return this.queue;
  }
}
