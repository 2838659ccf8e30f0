import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';
import { AppError, createClient, errorHandler, requestContext } from 'resilient-http';
import type { Client } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { LEVEL, capturePino } from '../support/pino-capture.js';
import type { CapturedLogs } from '../support/pino-capture.js';
import { listen, useRealServer } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';

// A real upstream that always fails, with a body that must never reach a log line.
const upstream = useRealServer((_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'BODY-MARKER maintenance' }));
});

interface Front {
  readonly server: RunningServer;
  readonly logs: CapturedLogs;
}

/** A front service ("orders") whose route calls the upstream, or throws what `failures` names. */
async function startFront(level: string, wire: (logger: Logger) => { context: Logger | undefined; handler: Logger | undefined; client: Logger | undefined }): Promise<Front> {
  const logs = capturePino(level);
  const loggers = wire(logs.logger);
  const billing: Client = createClient(upstream.url, {
    name: 'billing',
    retry: { maxAttempts: 2, initialDelay: 1 },
    ...(loggers.client === undefined ? {} : { logger: loggers.client }),
  });
  const withContext = requestContext(loggers.context === undefined ? {} : { logger: loggers.context });
  const onError = errorHandler(loggers.handler === undefined ? {} : { logger: loggers.handler });
  const failures: Record<string, () => unknown> = {
    '/no-stack': () => Object.assign(new Error('no stack here'), { stack: undefined }),
    '/with-cause': () => new Error('outer', { cause: new Error('inner') }),
    '/thrown-object': () => ({ reason: 'not an Error' }),
    '/app-error-with-cause': () => new AppError('payment declined', { code: 'DECLINED', statusCode: 402, cause: new Error('card') }),
  };
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const failure = failures[req.url ?? ''];
    if (failure !== undefined) throw failure();
    res.end(JSON.stringify(await billing.get('invoices/7')));
  };
  const server = await listen((req, res) => {
    withContext(req, res, () => {
      route(req, res).catch((error: unknown) => {
        onError(error, req, res, () => res.destroy());
      });
    });
  });
  return { server, logs };
}

describe('one failure, one detailed line', () => {
  it('writes the client\'s detailed line and errorHandler\'s short debug summary, nothing else about the failure', async () => {
    const front = await startFront('debug', (logger) => ({ context: logger, handler: logger, client: undefined }));
    try {
      const response = await fetch(`${front.server.url}orders/1`, { headers: { 'x-request-id': 'req-one-1' } });
      expect(response.status).toBe(503);
      const { logs } = front;
      const detailed = logs.named('upstream_request_failed');
      expect(detailed).toHaveLength(1);
      expect(detailed[0]).toMatchObject({ level: LEVEL.error, requestId: 'req-one-1', code: 'UPSTREAM_UNAVAILABLE', status: 503, attempts: 2 });
      expect((detailed[0]?.error as { message: string }).message).toContain('answered 503');

      const summaries = logs.named('request_failed');
      expect(summaries).toHaveLength(1);
      const summary = summaries[0]!;
      expect(summary).toMatchObject({
        level: LEVEL.debug,
        requestId: 'req-one-1',
        method: 'GET',
        url: '/orders/1',
        status: 503,
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'The upstream service "billing" failed',
      });
      expect(Object.keys(summary).sort()).toEqual(['code', 'hostname', 'level', 'message', 'method', 'msg', 'pid', 'requestId', 'status', 'time', 'url']);

      const text = logs.raw.join('');
      expect(text).not.toContain('BODY-MARKER');
      expect(text).not.toContain('"stack"');
      expect(text).not.toContain('caused by');
      expect(text).not.toContain('"name":"resilient-http"');
    } finally {
      await front.server.close();
    }
  });

  it('writes exactly one line at info for a failed inbound request', async () => {
    const front = await startFront('info', (logger) => ({ context: logger, handler: logger, client: undefined }));
    try {
      await fetch(`${front.server.url}orders/1`);
      expect(front.logs.lines.map((line) => line.msg)).toEqual(['upstream_retry', 'upstream_request_failed']);
    } finally {
      await front.server.close();
    }
  });

  it('writes to the service\'s logger even when requestContext() was given none', async () => {
    const front = await startFront('debug', (logger) => ({ context: undefined, handler: logger, client: logger }));
    try {
      const response = await fetch(`${front.server.url}orders/1`, { headers: { 'x-request-id': 'req-one-2' } });
      expect(response.status).toBe(503);
      expect(front.logs.named('upstream_request_failed')).toEqual([expect.objectContaining({ requestId: 'req-one-2' })]);
      expect(front.logs.named('request_failed')).toEqual([expect.objectContaining({ requestId: 'req-one-2' })]);
      expect(front.logs.raw.join('')).not.toContain('resilient-http');
    } finally {
      await front.server.close();
    }
  });
});

describe('no empty stack field anywhere', () => {
  it.each(['/no-stack', '/with-cause', '/thrown-object', '/app-error-with-cause'])('logs %s without "stack":"" or a bare cause chain', async (path) => {
    const front = await startFront('debug', (logger) => ({ context: logger, handler: logger, client: undefined }));
    try {
      const response = await fetch(`${front.server.url.slice(0, -1)}${path}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(front.logs.lines).toHaveLength(1);
      const raw = front.logs.raw[0]!;
      expect(raw).not.toContain('"stack":""');
      expect(raw).not.toContain('caused by: "');
      const error = front.logs.lines[0]?.error as Record<string, unknown>;
      if ('stack' in error) expect(error.stack).toMatch(/^Error: outer\n\s+at /);
    } finally {
      await front.server.close();
    }
  });
});
