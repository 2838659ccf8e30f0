import { setTimeout as sleep } from 'node:timers/promises';

import { http, HttpResponse } from 'msw';
import { createClient, getRequestContext, getRequestId, UpstreamError, withRequestContext } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UNSAFE_IDS = ['', 'a b', 'abc\r\nx-injected: 1', '<script>alert(1)</script>', 'a'.repeat(129), 'caf\u00e9'];

function client() {
  return createClient('https://billing.test/', { name: 'billing', logger: false, retry: { initialDelay: 1 } });
}

function sentIds(): (string | undefined)[] {
  return billing.calls.map((call) => call.headers['x-request-id']);
}

describe('withRequestContext and getRequestId', () => {
  it('keeps the request ID across awaits, timers and nested promises', async () => {
    expect(getRequestId()).toBeUndefined();
    const seen = await withRequestContext({ requestId: 'req-timers' }, async () => {
      const ids: (string | undefined)[] = [getRequestId()];
      await sleep(2);
      ids.push(getRequestId());
      await new Promise<void>((resolve) => {
        setTimeout(() => {
          ids.push(getRequestId());
          resolve();
        }, 1);
      });
      ids.push(await Promise.resolve().then(() => getRequestId()));
      return ids;
    });
    expect(seen).toEqual(['req-timers', 'req-timers', 'req-timers', 'req-timers']);
    expect(getRequestId()).toBeUndefined();
  });

  it('generates a UUID when no requestId is given, and keeps the logger it was given', () => {
    const { logger } = capturePino();
    const context = withRequestContext({ logger }, () => getRequestContext());
    expect(context?.requestId).toMatch(UUID);
    expect(context?.logger).toBe(logger);
  });

  it('sends the context ID on both attempts when a 503 is retried after the backoff wait', async () => {
    server.use(billing.sequence('get', 'invoices/7', [503, { json: { id: 7 } }]));
    const data = await withRequestContext({ requestId: 'req-retry-1' }, () => client().get('invoices/7'));
    expect(data).toEqual({ id: 7 });
    expect(sentIds()).toEqual(['req-retry-1', 'req-retry-1']);
  });

  it('makes the context visible inside msw resolvers', async () => {
    const inResolver: (string | undefined)[] = [];
    server.use(
      http.get('https://billing.test/whoami', () => {
        inResolver.push(getRequestId());
        return HttpResponse.json({ ok: true });
      }),
    );
    await withRequestContext({ requestId: 'req-resolver' }, () => client().get('whoami'));
    expect(inResolver).toEqual(['req-resolver']);
  });

  it.each(UNSAFE_IDS)('refuses the unsafe requestId %j with a TypeError before running anything', (requestId) => {
    let ran = false;
    expect(() => {
      withRequestContext({ requestId }, () => {
        ran = true;
      });
    }).toThrow(TypeError);
    expect(ran).toBe(false);
  });

  it.each(UNSAFE_IDS)('rejects options.requestId %j with a TypeError and sends nothing', async (requestId) => {
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    const error = await rejectionOf(client().get('invoices/7', { requestId }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/options\.requestId/);
    expect(billing.calls).toHaveLength(0);
  });

  it('lets options.requestId override the context on every attempt', async () => {
    server.use(billing.sequence('get', 'invoices/7', [503, { json: {} }]));
    await withRequestContext({ requestId: 'req-context' }, () => client().get('invoices/7', { requestId: 'req-explicit' }));
    expect(sentIds()).toEqual(['req-explicit', 'req-explicit']);
  });

  it('outside a context, generates one UUID and sends it on every attempt and puts it on the error', async () => {
    server.use(billing.status('get', 'invoices/7', 503));
    const error = await rejectionOf(client().get('invoices/7'));
    expect(error).toBeInstanceOf(UpstreamError);
    const ids = sentIds();
    expect(ids).toHaveLength(3);
    expect(ids[0]).toMatch(UUID);
    expect(new Set(ids).size).toBe(1);
    expect((error as UpstreamError).requestId).toBe(ids[0]);
  });

  it('generates a different UUID for each call made outside a context', async () => {
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    const c = client();
    await c.get('invoices/7');
    await c.get('invoices/7');
    const [first, second] = sentIds();
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('keeps 20 concurrent flows apart: each sees and sends only its own ID', async () => {
    const inResolver = new Map<string, (string | undefined)[]>();
    const attempts = new Map<string, number>();
    server.use(
      http.get('https://billing.test/items/:n', async ({ params, request }) => {
        const n = String(params.n);
        inResolver.set(n, [...(inResolver.get(n) ?? []), getRequestId(), request.headers.get('x-request-id') ?? undefined]);
        const attempt = (attempts.get(n) ?? 0) + 1;
        attempts.set(n, attempt);
        await sleep(Number(n) % 4);
        return attempt === 1 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ n });
      }),
    );
    const c = createClient('https://billing.test/', { logger: false, retry: { initialDelay: 1, budget: false }, circuitBreaker: false });
    const flows = Array.from({ length: 20 }, (_, i) =>
      withRequestContext({ requestId: `flow-${i}` }, async () => {
        await sleep(i % 3);
        const before = getRequestId();
        const data = await c.get('items/{n}', { params: { n: i } });
        await sleep(1);
        return { before, after: getRequestId(), data };
      }),
    );
    const results = await Promise.all(flows);
    results.forEach((result, i) => {
      expect(result).toEqual({ before: `flow-${i}`, after: `flow-${i}`, data: { n: String(i) } });
      // Two attempts, each seen by the resolver with the flow's context and header.
      expect(inResolver.get(String(i))).toEqual(Array.from({ length: 4 }, () => `flow-${i}`));
    });
  });
});
