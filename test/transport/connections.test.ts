import { createClient, UpstreamNotFoundError, UpstreamServerError, UpstreamUnavailableError } from 'resilient-http';
import type { Client } from 'resilient-http';
import { beforeAll, describe, expect, it } from 'vitest';

import { answerWith, useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';
import { untilReal } from '../support/real-time.js';

// msw has no sockets: an unread body pinning its connection is only visible on a real server.
const upstream = useRealServer();
let client: Client;
const KB = 1024;
const CALLS = 200;
/** Keep-alive reuses one socket; a few more are tolerated. Pinned bodies would need one per call. */
const HANDFUL = 5;

beforeAll(() => {
  client = createClient(upstream.url, { name: 'bulk', logger: false, retry: false, circuitBreaker: false });
});

/** Makes `CALLS` sequential calls, each expected to reject with `expected`. */
async function failMany(expected: abstract new (...args: never[]) => Error, calls = CALLS, call = (i: number) => client.get(`item/${i}`)): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const error = await rejectionOf(call(i));
    expect(error).toBeInstanceOf(expected);
  }
}

describe('failed responses release their connection', () => {
  it('keeps 200 sequential 503s with a 64 KB body on a handful of connections', async () => {
    upstream.handle(answerWith(503, 64 * KB));
    await failMany(UpstreamUnavailableError);
    expect(upstream.requests).toHaveLength(CALLS);
    expect(upstream.connections).toBeLessThanOrEqual(HANDFUL);
  });

  it('keeps 200 sequential 404s with a 64 KB body on a handful of connections', async () => {
    upstream.handle(answerWith(404, 64 * KB, 'application/json'));
    await failMany(UpstreamNotFoundError);
    expect(upstream.requests).toHaveLength(CALLS);
    expect(upstream.connections).toBeLessThanOrEqual(HANDFUL);
  });

  it('keeps retried attempts on a handful of connections too', async () => {
    upstream.handle(answerWith(500, 64 * KB));
    const retrying = createClient(upstream.url, { logger: false, circuitBreaker: false, retry: { initialDelay: 1, budget: false } });
    await failMany(UpstreamServerError, 50, (i) => retrying.get(`item/${i}`));
    expect(upstream.requests).toHaveLength(150);
    expect(upstream.connections).toBeLessThanOrEqual(HANDFUL);
  });

  it('holds no socket open for a failed body larger than the read limit: it is cancelled, not left unread', async () => {
    upstream.handle(answerWith(503, 256 * KB));
    await failMany(UpstreamUnavailableError);
    expect(upstream.requests).toHaveLength(CALLS);
    // Cancelling closes each socket; an unread body would keep all 200 open (and this wait would give up).
    await untilReal(() => upstream.openSockets <= HANDFUL, 'the cancelled sockets to close');
    expect(upstream.openSockets).toBeLessThanOrEqual(HANDFUL);
  });
});

describe('successful responses', () => {
  it('reads 200 success bodies of 64 KB fully, on a handful of connections', async () => {
    const payload = JSON.stringify({ items: 'y'.repeat(64 * KB) });
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(payload);
    });
    for (let i = 0; i < CALLS; i++) {
      const data = await client.get<{ items: string }>(`item/${i}`);
      expect(data.items).toHaveLength(64 * KB);
    }
    expect(upstream.connections).toBeLessThanOrEqual(HANDFUL);
  });
});
