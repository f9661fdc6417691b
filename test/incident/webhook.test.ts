// Status updates: posted in order to a local HTTP server; an unreachable webhook is reported, never blocks.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postUpdate, UpdatePoster, type PostOutcome, type StatusUpdate } from '../../src/notify/webhook.js';

const received: Array<{ path: string; body: unknown }> = [];
let status = 200;
const server = createServer((req: IncomingMessage, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(data) });
    res.statusCode = status;
    res.end('ok');
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const update = (kind: StatusUpdate['kind'], text: string): StatusUpdate => ({ kind, text, session: 's-1', fields: { incident: 'INC-4711' } });

describe('webhook status updates', () => {
  it('posts Slack incoming-webhook bodies in the order they were sent', async () => {
    received.length = 0;
    const outcomes: PostOutcome[] = [];
    const poster = new UpdatePoster({ url: `${base}/services/T0/B0/xyz` }, (_u, o) => outcomes.push(o));
    poster.send(update('started', 'INC-4711 started'));
    poster.send(update('step.failed', 'step 3 failed'));
    poster.send(update('sealed', 'sealed; verify with runbook verify s-1'));
    await poster.drained();
    expect(received.map((r) => r.body)).toEqual([{ text: 'INC-4711 started' }, { text: 'step 3 failed' }, { text: 'sealed; verify with runbook verify s-1' }]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('keeps Slack from reading mentions and links in the text', async () => {
    received.length = 0;
    await postUpdate({ url: `${base}/hook` }, update('update', '<!channel> restore <ref> & <https://evil.example|click here>'));
    expect(received[0]!.body).toEqual({ text: '&lt;!channel&gt; restore &lt;ref&gt; &amp; &lt;https://evil.example|click here&gt;' });
  });

  it('sends the generic JSON form with the session and extra fields', async () => {
    received.length = 0;
    expect(await postUpdate({ url: `${base}/hook`, format: 'json' }, update('update', 'rolled back'))).toEqual({ ok: true, status: 200 });
    expect(received[0]!.body).toEqual({ kind: 'update', text: 'rolled back', session: 's-1', incident: 'INC-4711' });
  });

  it('reports a refused post and an unreachable webhook without its secret path', async () => {
    status = 403;
    const refused = await postUpdate({ url: `${base}/services/SECRETPATH` }, update('update', 'x'));
    status = 200;
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/answered 403$/) });
    expect(JSON.stringify(refused)).not.toContain('SECRETPATH');
    const down = await postUpdate({ url: 'http://127.0.0.1:9/services/SECRETPATH' }, update('update', 'x'), 2_000);
    expect(down.ok).toBe(false);
    expect(JSON.stringify(down)).not.toContain('SECRETPATH');
    expect(await postUpdate({ url: 'file:///etc/passwd' }, update('update', 'x'))).toEqual({ ok: false, error: 'the webhook URL must be http(s), not file:' });
  });

  it('returns from send at once, whatever the webhook does', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const outcomes: PostOutcome[] = [];
    const poster = new UpdatePoster({ url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/x` }, (_u, o) => outcomes.push(o), 300);
    poster.send(update('update', 'x'));
    expect(outcomes).toEqual([]);
    await poster.drained();
    expect(outcomes).toEqual([{ ok: false, error: expect.stringMatching(/no answer within/) }]);
    hanging.closeAllConnections();
    await new Promise<void>((r) => hanging.close(() => r()));
  });
});
