import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { CHANNELS, createClient, withRequestContext } from 'resilient-http';
import type { Logger } from 'pino';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { listen } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';
import { LEVEL, capturePino, countKey, duplicateKeys } from '../support/pino-capture.js';
import type { CapturedLogs, LogLine } from '../support/pino-capture.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
const captures: CapturedLogs[] = [];
afterEach(() => {
  billing.reset();
});

function logs(): CapturedLogs {
  const capture = capturePino();
  captures.push(capture);
  return capture;
}

function client(logger: Logger | false, extra: ClientOptions = {}) {
  return createClient('https://billing.test/', { name: 'billing', logger, retry: { initialDelay: 1 }, ...extra });
}

function expectCallFields(line: LogLine | undefined, requestId: string, path = 'invoices/7'): void {
  expect(line).toMatchObject({ requestId, service: 'billing', method: 'GET', url: `https://billing.test/${path}` });
}

describe('log lines of a call', () => {
  it('logs upstream_request and upstream_response at debug, with status, durationMs and attempts', async () => {
    const { logger, lines } = logs();
    server.use(billing.always('get', 'invoices/7', { json: { id: 7 } }));
    await withRequestContext({ requestId: 'req-ok' }, () => client(logger).get('invoices/7'));
    expect(lines.map((l) => [l.msg, l.level])).toEqual([['upstream_request', LEVEL.debug], ['upstream_response', LEVEL.debug]]);
    lines.forEach((line) => {
      expectCallFields(line, 'req-ok');
    });
    expect(lines[1]).toMatchObject({ status: 200, attempts: 1 });
    expect(Number.isInteger(lines[1]?.durationMs)).toBe(true);
  });

  it('logs upstream_retry at warn with attempt, waitMs and reason, then a response after 2 attempts', async () => {
    const { lines, logger, named } = logs();
    server.use(billing.sequence('get', 'invoices/7', [503, { json: {} }]));
    await withRequestContext({ requestId: 'req-retry' }, () => client(logger).get('invoices/7'));
    expect(lines.map((l) => l.msg)).toEqual(['upstream_request', 'upstream_retry', 'upstream_response']);
    const [retry] = named('upstream_retry');
    expectCallFields(retry, 'req-retry');
    expect(retry).toMatchObject({ level: LEVEL.warn, attempt: 1, reason: 'status 503' });
    expect(retry?.waitMs).toBeGreaterThanOrEqual(0);
    expect(retry?.waitMs).toBeLessThanOrEqual(1);
    expect(named('upstream_response')[0]).toMatchObject({ status: 200, attempts: 2 });
  });

  it.each([
    ['503 on every attempt', billing.status('get', 'invoices/7', 503), 'UPSTREAM_UNAVAILABLE', 3, LEVEL.error, 503],
    ['a network failure', billing.networkError('get', 'invoices/7'), 'UPSTREAM_NETWORK_ERROR', 3, LEVEL.error, undefined],
    ['a 404', billing.status('get', 'invoices/7', 404), 'UPSTREAM_NOT_FOUND', 1, LEVEL.warn, 404],
    ['a 422', billing.status('get', 'invoices/7', 422), 'UPSTREAM_VALIDATION_FAILED', 1, LEVEL.warn, 422],
  ])('logs upstream_request_failed for %s with code, attempts and the right level', async (_case, handler, code, attempts, level, status) => {
    const { logger, named } = logs();
    server.use(handler);
    await withRequestContext({ requestId: 'req-fail' }, () => client(logger).get('invoices/7')).catch(() => undefined);
    const failed = named('upstream_request_failed');
    expect(failed).toHaveLength(1);
    expectCallFields(failed[0], 'req-fail');
    expect(failed[0]).toMatchObject({ level, code, attempts });
    expect(failed[0]?.status).toBe(status);
    expect(named('upstream_retry')).toHaveLength(attempts - 1);
  });

  it('redacts the url field of every line', async () => {
    const { logger, lines } = logs();
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    await client(logger).get('invoices/7', { searchParams: { token: 'abc', page: 2 } });
    expect(lines.map((l) => l.url)).toEqual(Array.from({ length: 2 }, () => 'https://billing.test/invoices/7?token=[REDACTED]&page=2'));
  });
});

describe('which logger writes', () => {
  it('writes through the request context logger, not the client one', async () => {
    const own = logs();
    const context = logs();
    server.use(billing.sequence('get', 'invoices/7', [503, { json: {} }]));
    const bound = context.logger.child({ requestId: 'req-ctx', route: 'GET /orders' });
    await withRequestContext({ requestId: 'req-ctx', logger: bound }, () => client(own.logger).get('invoices/7'));
    expect(own.lines).toHaveLength(0);
    expect(context.lines.map((l) => l.msg)).toEqual(['upstream_request', 'upstream_retry', 'upstream_response']);
    context.lines.forEach((line, i) => {
      expectCallFields(line, 'req-ctx');
      expect(line.route).toBe('GET /orders');
      expect(countKey(context.raw[i]!, 'requestId')).toBe(1);
    });
  });

  it('still writes the request ID, once, when the context logger does not bind it', async () => {
    const context = logs();
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    await withRequestContext({ requestId: 'req-unbound', logger: context.logger }, () => client(logs().logger).get('invoices/7'));
    expect(context.lines.map((l) => l.msg)).toEqual(['upstream_request', 'upstream_response']);
    context.lines.forEach((line, i) => {
      expectCallFields(line, 'req-unbound');
      expect(countKey(context.raw[i]!, 'requestId')).toBe(1);
    });
  });

  it('writes one requestId (the context one) and the call ID as callRequestId when options.requestId overrides it', async () => {
    const context = logs();
    server.use(billing.always('get', 'invoices/7', { json: {} }));
    const bound = context.logger.child({ requestId: 'req-inbound' });
    await withRequestContext({ requestId: 'req-inbound', logger: bound }, () =>
      client(logs().logger).get('invoices/7', { requestId: 'req-override' }),
    );
    expect(billing.calls[0]?.headers['x-request-id']).toBe('req-override');
    expect(context.lines).toHaveLength(2);
    context.raw.forEach((raw) => {
      expect(duplicateKeys(raw)).toEqual([]);
      expect(JSON.parse(raw)).toMatchObject({ requestId: 'req-inbound', callRequestId: 'req-override' });
    });
  });

  it('writes nothing with logger: false, even inside a context with a logger, while events still reach diagnostics channels', async () => {
    const context = logs();
    const published: unknown[] = [];
    const onEvent = (event: unknown): void => {
      published.push(event);
    };
    subscribe(CHANNELS['request:end'], onEvent);
    try {
      server.use(billing.sequence('get', 'invoices/7', [503, 404]));
      await withRequestContext({ requestId: 'req-quiet', logger: context.logger }, () => client(false).get('invoices/7')).catch(() => undefined);
    } finally {
      unsubscribe(CHANNELS['request:end'], onEvent);
    }
    expect(billing.calls).toHaveLength(2);
    expect(context.lines).toHaveLength(0);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ requestId: 'req-quiet', attempts: 2, status: 404 });
  });
});

describe('line shape', () => {
  it('never writes a key twice in a line, across success, retry and failure, with client and context loggers', async () => {
    const own = logs();
    const context = logs();
    server.use(billing.sequence('get', 'invoices/7', [503, { json: {} }, 503, 503, 503, 404]));
    const c = client(own.logger);
    await withRequestContext({ requestId: 'req-shape' }, () => c.get('invoices/7'));
    await c.get('invoices/7').catch(() => undefined);
    await withRequestContext({ requestId: 'req-shape-2', logger: context.logger.child({ requestId: 'req-shape-2' }) }, () => c.get('invoices/7')).catch(() => undefined);
    const all = captures.flatMap((capture) => capture.raw);
    expect(own.raw.length + context.raw.length).toBeGreaterThanOrEqual(8);
    for (const raw of all) {
      expect(duplicateKeys(raw), raw).toEqual([]);
      expect(countKey(raw, 'requestId'), raw).toBe(1);
      expect(JSON.parse(raw)).toMatchObject({ service: 'billing', method: 'GET', url: expect.stringMatching(/^https:\/\/billing\.test\//) });
    }
  });
});

describe('the default logger', () => {
  let upstream: RunningServer;
  beforeAll(async () => {
    upstream = await listen((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  afterAll(() => upstream.close());
  const child = fileURLToPath(new URL('../support/default-logger-child.ts', import.meta.url));

  async function runChild(level: string | undefined): Promise<LogLine[]> {
    const env = { ...process.env };
    delete env.LOG_LEVEL;
    if (level !== undefined) env.LOG_LEVEL = level;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, upstream.url], { env });
    return stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine);
  }

  it('honours LOG_LEVEL, logs at info without it, and falls back to info for an empty or unknown level', async () => {
    const [debug, unset, warn, error, empty, unknown] = await Promise.all(
      ['debug', undefined, 'warn', 'error', '', 'verbose'].map((level) => runChild(level)),
    );
    expect(debug?.map((l) => l.msg)).toEqual(['upstream_request', 'upstream_response', 'upstream_request', 'upstream_request_failed']);
    expect(debug?.every((l) => l.requestId === 'child-req' && l.service === 'child' && l.name === 'resilient-http')).toBe(true);
    for (const lines of [unset, warn, empty, unknown]) {
      expect(lines?.map((l) => [l.msg, l.level, l.code])).toEqual([['upstream_request_failed', LEVEL.warn, 'UPSTREAM_NOT_FOUND']]);
    }
    expect(error).toEqual([]);
  }, 60_000);
});
