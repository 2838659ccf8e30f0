import express from 'express';
import type { Request, Response } from 'express';
import { errorHandler, requestContext } from 'resilient-http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { LEVEL, capturePino } from '../support/pino-capture.js';
import type { CapturedLogs } from '../support/pino-capture.js';
import { listen } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';

// A service written as a user would with Express 5: requestContext() first, express.json(), errorHandler() last.
let logs: CapturedLogs = capturePino('debug');
let service: RunningServer;
const handled: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use((req, res, next) => {
    requestContext({ logger: logs.logger })(req, res, next);
  });
  app.use(express.json({ limit: '1kb' }));
  app.post('/orders', (req: Request, res: Response) => {
    handled.push(JSON.stringify(req.body));
    res.status(201).json({ ok: true });
  });
  app.get('/teapot', () => {
    throw Object.assign(new Error('the pot is empty'), { status: 503, expose: true });
  });
  app.use((error: unknown, req: Request, res: Response, next: (error?: unknown) => void) => {
    errorHandler({ logger: logs.logger })(error, req, res, next);
  });
  service = await listen(app);
});
afterAll(async () => {
  await service.close();
});
beforeEach(() => {
  logs = capturePino('debug');
  handled.length = 0;
});

function post(body: string, headers: Record<string, string> = {}): Promise<globalThis.Response> {
  return fetch(`${service.url}orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-1', ...headers }, body });
}

describe('errorHandler() behind express.json()', () => {
  it('answers a malformed JSON body 400 BAD_REQUEST, with the parser\'s message but not the body, logged at warn without a stack', async () => {
    const response = await post('{"password": hunter2}');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 'BAD_REQUEST', requestId: 'req-1' });
    expect(body.error.message).toMatch(/not valid JSON/);
    expect(body.error.message).not.toContain('hunter2');
    expect(handled).toEqual([]);

    expect(logs.lines).toHaveLength(1);
    const [line] = logs.lines;
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'request_failed',
      requestId: 'req-1',
      method: 'POST',
      url: '/orders',
      status: 400,
      code: 'BAD_REQUEST',
      error: { name: 'SyntaxError', type: 'entity.parse.failed' },
    });
    expect(line?.error).not.toHaveProperty('stack');
    expect(logs.raw.join('')).not.toContain('hunter2');
  });

  it('answers a body over express.json()\'s limit 413 PAYLOAD_TOO_LARGE, logged at warn, the body nowhere', async () => {
    const large = JSON.stringify({ note: 'x'.repeat(2_000), secretMarker: 'M4RK3R' });
    const response = await post(large);
    expect(response.status).toBe(413);
    await expect(response.json()).resolves.toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large', requestId: 'req-1' },
    });
    expect(handled).toEqual([]);
    expect(logs.lines).toMatchObject([
      { level: LEVEL.warn, msg: 'request_failed', status: 413, code: 'PAYLOAD_TOO_LARGE', error: { name: 'PayloadTooLargeError', message: 'request entity too large', type: 'entity.too.large' } },
    ]);
    expect(logs.raw.join('')).not.toContain('M4RK3R');
  });

  it('answers an unsupported content encoding 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await post('{}', { 'content-encoding': 'bogus' });
    expect(response.status).toBe(415);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content encoding "bogus"' } });
    expect(logs.lines).toMatchObject([{ level: LEVEL.warn, status: 415 }]);
  });

  it('answers a 5xx http-error with its status and a generic message, logged at error with its stack', async () => {
    const response = await fetch(`${service.url}teapot`, { headers: { 'x-request-id': 'req-2' } });
    expect(response.status).toBe(503);
    await expect(response.json()).resolves.toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable', requestId: 'req-2' } });
    expect(logs.lines).toMatchObject([
      { level: LEVEL.error, msg: 'request_failed', status: 503, code: 'SERVICE_UNAVAILABLE', error: { name: 'Error', message: 'the pot is empty' } },
    ]);
    expect(logs.lines[0]?.error).toHaveProperty('stack', expect.stringContaining('the pot is empty') as unknown);
  });

  it('still serves a valid body', async () => {
    const response = await post('{"item":"tea"}');
    expect(response.status).toBe(201);
    expect(handled).toEqual(['{"item":"tea"}']);
    expect(logs.lines).toEqual([]);
  });
});
