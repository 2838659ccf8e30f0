import type { IncomingMessage, ServerResponse } from 'node:http';

import { pino } from 'pino';
import { NotFoundError, UpstreamTimeoutError, errorHandler, requestContext } from 'resilient-http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { LEVEL } from '../support/pino-capture.js';
import { listen } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';

type LogLine = Record<string, unknown>;

const raw: string[] = [];
const lines: LogLine[] = [];
const logger = pino({ level: 'debug' }, {
  write: (s: string) => {
    raw.push(s);
    lines.push(JSON.parse(s) as LogLine);
  },
});
const delegated: unknown[] = [];
const handle = errorHandler({ logger });
const withContext = requestContext({ logger });

/** Each route throws, after an await so the request context must survive it. */
async function route(path: string, res: ServerResponse): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  switch (path) {
    case '/users/42':
      throw new NotFoundError('User', '42');
    case '/boom':
      throw new Error('db password=hunter2');
    case '/type-error':
      throw new TypeError('Cannot read properties of undefined (api_key=k-123)');
    case '/upstream':
      throw new UpstreamTimeoutError({
        service: 'billing',
        method: 'GET',
        url: 'https://billing.internal/api/invoices?token=tok-1',
        timeoutKind: 'attempt',
        timeoutMs: 50,
      });
    case '/streaming':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      throw new Error('failed mid-stream');
    default:
      res.end('ok');
  }
}

function dispatch(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const bare = url.pathname.startsWith('/bare/');
  const run = (): void => {
    route(url.pathname.replace(/^\/(?:bare|ctx)/, ''), res).catch((error: unknown) => {
      handle(error, req, res, (passed) => {
        delegated.push(passed);
        res.end();
      });
    });
  };
  if (bare) run();
  else withContext(req, res, run);
}

let server: RunningServer;
let origin: string;

beforeAll(async () => {
  server = await listen(dispatch);
  origin = server.url.slice(0, -1);
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  raw.length = 0;
  lines.length = 0;
  delegated.length = 0;
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const response = await fetch(`${origin}${path}`, { headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

describe('errorHandler behind a node:http server', () => {
  it('answers a NotFoundError with 404 and its code, message and request ID', async () => {
    const response = await get('/ctx/users/42');
    const requestId = response.headers.get('x-request-id');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: "User with id '42' not found", requestId } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request_failed', requestId, method: 'GET', url: '/ctx/users/42', status: 404 });
    expect(lines[0]?.error).toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND', message: "User with id '42' not found" });
    expect(raw[0]).not.toContain('"stack"');
  });

  it('answers an unknown error with the generic 500 and logs its redacted stack', async () => {
    const response = await get('/ctx/boom?token=abc&page=2');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', requestId: response.headers.get('x-request-id') },
    });
    expect(response.text).not.toMatch(/hunter2|password|db /);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ level: 50, msg: 'request_failed_unexpectedly', status: 500, url: '/ctx/boom?token=[REDACTED]&page=2' });
    const err = line.error as { type: string; message: string; stack: string };
    expect(err.type).toBe('Error');
    expect(err.message).toBe('db password=[REDACTED]');
    expect(err.stack).toMatch(/^Error: db password=\[REDACTED\]\n\s+at /);
    expect(err.stack).toContain('error-handler.test.ts');
    expect(raw.join('')).not.toContain('hunter2');
    expect(raw.join('')).not.toContain('token=abc');
  });

  it('logs the class of an unknown error as its type, not "Object"', async () => {
    const response = await get('/ctx/type-error');
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('Cannot read');
    expect(lines[0]?.error).toMatchObject({ type: 'TypeError', message: expect.stringContaining('api_key=[REDACTED]') });
    expect(raw.join('')).not.toContain('k-123');
  });

  it('answers an UpstreamTimeoutError with 504 and its public message only', async () => {
    const response = await get('/ctx/upstream');
    expect(response.status).toBe(504);
    expect(response.body).toEqual({
      error: {
        code: 'UPSTREAM_TIMEOUT',
        message: 'The upstream service "billing" did not answer in time',
        requestId: response.headers.get('x-request-id'),
      },
    });
    expect(response.text).not.toContain('billing.internal');
    expect(lines).toHaveLength(1);
    // The client that raised it logged the detail: here only a short debug summary, no stack, cause or body.
    expect(lines[0]).toEqual({
      level: LEVEL.debug,
      time: expect.any(Number) as number,
      pid: expect.any(Number) as number,
      hostname: expect.any(String) as string,
      requestId: response.headers.get('x-request-id'),
      msg: 'request_failed',
      method: 'GET',
      url: '/ctx/upstream',
      status: 504,
      code: 'UPSTREAM_TIMEOUT',
      message: 'The upstream service "billing" did not answer in time',
    });
    expect(raw.join('')).not.toContain('tok-1');
  });

  it('delegates to next once headers were sent, and writes nothing itself', async () => {
    const response = await get('/ctx/streaming');
    expect(response.status).toBe(200);
    expect(response.text).toBe('partial');
    expect(delegated).toHaveLength(1);
    expect(delegated[0]).toBeInstanceOf(Error);
    expect((delegated[0] as Error).message).toBe('failed mid-stream');
    expect(lines).toHaveLength(0);
  });

  it('answers without a request ID and logs to its own logger outside a request context', async () => {
    const response = await get('/bare/users/42');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBeNull();
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: "User with id '42' not found" } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request_failed', status: 404 });
    expect(lines[0]).not.toHaveProperty('requestId');
  });
});

describe('errorHandler with the requestContext middleware', () => {
  it.each(['/ctx/users/42', '/ctx/boom', '/ctx/upstream'])(
    'answers %s with the inbound x-request-id and logs it exactly once',
    async (path) => {
      const response = await get(path, { 'x-request-id': 'req-inbound-7' });
      expect(response.headers.get('x-request-id')).toBe('req-inbound-7');
      expect(response.body).toMatchObject({ error: { requestId: 'req-inbound-7' } });
      expect(raw).toHaveLength(1);
      const line = raw[0]!;
      expect(lines[0]).toMatchObject({ requestId: 'req-inbound-7' });
      // JSON.parse keeps the last of duplicate keys: count them in the raw line.
      expect(line.split('"requestId":').length - 1).toBe(1);
    },
  );

  it('replaces an unsafe inbound request ID with a generated one', async () => {
    const response = await get('/ctx/users/42', { 'x-request-id': 'bad id<script>' });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toMatchObject({ error: { requestId } });
    expect(raw.join('')).not.toContain('<script>');
  });
});
