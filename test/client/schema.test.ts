import { UpstreamInvalidResponseError, UpstreamTimeoutError, createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';
import { rejectionOf } from '../support/rejection.js';

useMsw();
const billing = mockUpstream('https://billing.test/');
afterEach(() => {
  billing.reset();
});

/** The UpstreamInvalidResponseError a call rejected with; fails the test for anything else. */
async function invalidResponse(call: Promise<unknown>): Promise<UpstreamInvalidResponseError> {
  const error = await rejectionOf(call);
  if (!(error instanceof UpstreamInvalidResponseError)) throw new Error(`expected UpstreamInvalidResponseError, got ${String(error)}`);
  return error;
}

function client(extra: ClientOptions = {}) {
  return createClient('https://billing.test/', { name: 'billing', logger: false, retry: { initialDelay: 1 }, ...extra });
}

const zodInvoice = z.object({ id: z.string(), total: z.number(), issuedAt: z.string().transform((text) => new Date(text)) });
const valibotInvoice = v.object({ id: v.string(), total: v.number(), issuedAt: v.pipe(v.string(), v.transform((text) => new Date(text))) });
const GOOD = { id: 'inv-7', total: 42, issuedAt: '2026-01-02T03:04:05.000Z' };
const BAD = { id: 7, total: 'lots', issuedAt: '2026-01-02', password: 'hunter2' };

describe.each([
  ['zod', zodInvoice],
  ['valibot', valibotInvoice],
])('schema: %s', (_library, schema) => {
  it('resolves to the schema output (transforms applied) after one request', async () => {
    server.use(billing.always('get', 'invoices/7', { json: GOOD }));
    const invoice = await client().get('invoices/7', { schema });
    expect(invoice).toEqual({ id: 'inv-7', total: 42, issuedAt: new Date(GOOD.issuedAt) });
    expect(invoice.issuedAt).toBeInstanceOf(Date);
    expect(billing.calls).toHaveLength(1);
  });

  it('rejects a body the schema refuses with UpstreamInvalidResponseError and its issues, never retried', async () => {
    server.use(billing.always('get', 'invoices/7', { json: BAD }));
    const invalid = await invalidResponse(client().get('invoices/7', { schema }));
    expect(invalid).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', statusCode: 502, upstreamStatus: 200, retryable: false, attempts: 1 });
    expect(invalid.issues?.map((issue) => issue.path)).toEqual([['id'], ['total']]);
    expect(invalid.issues?.every((issue) => typeof issue.message === 'string' && issue.message.length > 0)).toBe(true);
    expect(invalid.message).toMatch(/answered 200 with a body its schema rejects \(2 issues; first: id: /);
    expect(JSON.stringify(invalid.toJSON())).not.toContain('hunter2');
    expect(invalid.toJSON()).toMatchObject({ issues: invalid.issues });
    expect(billing.calls).toHaveLength(1);
  });

  it('keeps the circuit closed however many bodies the schema refuses', async () => {
    server.use(billing.always('get', 'invoices/7', { json: BAD }));
    const breaking = client({ circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 60_000 } });
    for (let i = 0; i < 10; i++) await rejectionOf(breaking.get('invoices/7', { schema }));
    expect(breaking.circuitState).toBe('closed');
    expect(billing.calls).toHaveLength(10);
  });
});

describe('schema: any Standard Schema v1 validator', () => {
  it('awaits an async validator', async () => {
    server.use(billing.always('get', 'invoices/7', { json: GOOD }));
    const schema = z.object({ id: z.string() }).refine(async (value) => { await Promise.resolve(); return value.id.startsWith('inv-'); });
    await expect(client().get('invoices/7', { schema })).resolves.toEqual({ id: 'inv-7' });
  });

  it('gives up on an async validator that never settles when the attempt times out', async () => {
    server.use(billing.always('get', 'invoices/7', { json: GOOD }));
    const hanging = { '~standard': { version: 1 as const, vendor: 'test', validate: () => new Promise<never>(() => undefined) } };
    const error = await rejectionOf(client({ retry: false }).get('invoices/7', { schema: hanging, timeout: { attempt: 100 } }));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ timeoutKind: 'attempt', timeoutMs: 100 });
  });

  it('validates the text of a non-JSON body and the undefined of an empty one', async () => {
    server.use(billing.always('get', 'text', { text: 'hello' }), billing.always('get', 'empty', { status: 204 }));
    await expect(client().get('text', { schema: z.string() })).resolves.toBe('hello');
    await invalidResponse(client().get('empty', { schema: z.object({}) }));
  });

  it('turns a validator that throws into UpstreamInvalidResponseError, never a raw error', async () => {
    server.use(billing.always('get', 'invoices/7', { json: GOOD }));
    const throwing = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (): never => {
          throw new Error('validator bug with token=tok-9');
        },
      },
    };
    const error = await invalidResponse(client().get('invoices/7', { schema: throwing }));
    expect(error.issues).toEqual([{ message: 'the schema threw: validator bug with token=[REDACTED]', path: [] }]);
    expect(billing.calls).toHaveLength(1);
  });

  it('keeps at most 20 issues, each message redacted and bounded', async () => {
    server.use(billing.always('get', 'items', { json: Array.from({ length: 50 }, (_, i) => i) }));
    const error = await invalidResponse(client().get('items', { schema: z.array(z.string()) }));
    const issues = error.issues ?? [];
    expect(issues).toHaveLength(20);
    expect(issues[3]?.path).toEqual([3]);
    expect(error.message).toContain('(50 issues; first: 0: ');
  });

  it('logs the issues with the failure line, not the body', async () => {
    const logs = capturePino('info');
    server.use(billing.always('get', 'invoices/7', { json: BAD }));
    await rejectionOf(client({ logger: logs.logger }).get('invoices/7', { schema: zodInvoice }));
    const [line] = logs.named('upstream_request_failed');
    expect(line).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', error: { issues: [{ path: ['id'] }, { path: ['total'] }] } });
    expect(logs.raw.join('')).not.toMatch(/hunter2|lots/);
  });

  it.each([
    ['a zod-like object without ~standard', { parse: () => 1 }],
    ['a ~standard of another version', { '~standard': { version: 2, vendor: 'x', validate: () => ({ value: 1 }) } }],
    ['a string', 'z.object()'],
  ])('refuses %s with a TypeError naming options.schema, sending nothing', async (_what, schema) => {
    const error = await rejectionOf(client().get('invoices/7', { schema: schema as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toMatch(/^options\.schema must be a Standard Schema v1 validator/);
    expect(billing.calls).toHaveLength(0);
  });
});
