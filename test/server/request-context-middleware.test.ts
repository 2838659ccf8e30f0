import type { IncomingMessage, ServerResponse } from 'node:http';

import { getRequestContext, getRequestId, requestContext } from 'resilient-http';
import type { RequestContextMiddlewareOptions } from 'resilient-http';
import { afterAll, describe, expect, it } from 'vitest';

import { listen } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';
import { capturePino, countKey } from '../support/pino-capture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const logs = capturePino();
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A plain node:http server whose handler runs behind requestContext() and reports what it saw. */
async function serve(options: RequestContextMiddlewareOptions): Promise<RunningServer> {
  const withContext = requestContext(options);
  const running = await listen((req, res) => {
    withContext(req, res, () => {
      setTimeout(() => {
        const context = getRequestContext();
        context?.logger?.info({ route: req.url }, 'handled');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ requestId: getRequestId() ?? null, hasLogger: context?.logger !== undefined }));
      }, 1);
    });
  });
  servers.push(running);
  return running;
}

const plain = await serve({ logger: logs.logger });
const custom = await serve({ logger: false, header: 'X-Correlation-Id' });

async function call(target: RunningServer, headers: Record<string, string> = {}) {
  const response = await fetch(target.url, { headers });
  const body = (await response.json()) as { requestId: string | null; hasLogger: boolean };
  return { response, body };
}

describe('requestContext() on a node:http server', () => {
  it('keeps a safe inbound ID, runs the handler with it and echoes it on the response', async () => {
    const { response, body } = await call(plain, { 'x-request-id': 'req-abc_1.2:3' });
    expect(body.requestId).toBe('req-abc_1.2:3');
    expect(response.headers.get('x-request-id')).toBe('req-abc_1.2:3');
  });

  it('keeps an inbound ID of exactly 128 safe characters', async () => {
    const id = 'a'.repeat(128);
    const { response, body } = await call(plain, { 'x-request-id': id });
    expect(body.requestId).toBe(id);
    expect(response.headers.get('x-request-id')).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['129 characters long', 'a'.repeat(129)],
    ['percent-encoded CR-LF', 'abc%0D%0Ax-injected:1'],
    ['markup', '<script>alert(1)</script>'],
    ['spaces', 'req with spaces'],
    ['a list of two IDs', 'one, two'],
  ])('replaces an inbound ID that is %s with a UUID and echoes the replacement', async (_case, inbound) => {
    const { response, body } = await call(plain, inbound === undefined ? {} : { 'x-request-id': inbound });
    expect(body.requestId).toMatch(UUID);
    expect(response.headers.get('x-request-id')).toBe(body.requestId);
  });

  it('replaces an inbound ID with a raw CR-LF (which no HTTP client can send) with a UUID', () => {
    // Node's parser refuses CR/LF inside a header value, so the middleware is called directly here.
    const echoed = new Map<string, string>();
    const req = { headers: { 'x-request-id': 'abc\r\nset-cookie: x=1' } } as unknown as IncomingMessage;
    const res = {
      headersSent: false,
      setHeader: (name: string, value: string) => echoed.set(name, value),
      once: () => undefined,
    } as unknown as ServerResponse;
    let inside: string | undefined;
    requestContext({ logger: false })(req, res, () => {
      inside = getRequestId();
    });
    expect(inside).toMatch(UUID);
    expect(echoed.get('x-request-id')).toBe(inside);
  });

  it('gives each request without an ID its own UUID', async () => {
    const [a, b] = await Promise.all([call(plain), call(plain)]);
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });

  it('reads and echoes a custom header, and ignores x-request-id then', async () => {
    const kept = await call(custom, { 'x-correlation-id': 'corr-9', 'x-request-id': 'req-ignored' });
    expect(kept.body.requestId).toBe('corr-9');
    expect(kept.response.headers.get('x-correlation-id')).toBe('corr-9');
    expect(kept.response.headers.get('x-request-id')).toBeNull();

    const replaced = await call(custom, { 'x-request-id': 'req-ignored' });
    expect(replaced.body.requestId).toMatch(UUID);
    expect(replaced.response.headers.get('x-correlation-id')).toBe(replaced.body.requestId);
  });

  it('binds no logger when logger is false', async () => {
    const { body } = await call(custom, { 'x-correlation-id': 'corr-10' });
    expect(body.hasLogger).toBe(false);
  });

  it('binds a child logger whose lines carry the request ID exactly once', async () => {
    const { body } = await call(plain, { 'x-request-id': 'req-logged' });
    expect(body.hasLogger).toBe(true);
    const index = logs.lines.findIndex((line) => line.msg === 'handled' && line.requestId === 'req-logged');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(logs.lines[index]).toMatchObject({ level: 30, requestId: 'req-logged', route: '/' });
    expect(countKey(logs.raw[index]!, 'requestId')).toBe(1);
  });
});
