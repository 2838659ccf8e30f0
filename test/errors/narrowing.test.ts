// Type tests: `expectTypeOf` is checked by `tsc` (npm run typecheck), the `it` bodies also run.
import {
  AppError,
  UpstreamCircuitOpenError,
  UpstreamError,
  UpstreamHttpError,
  UpstreamInvalidResponseError,
  UpstreamNetworkError,
  UpstreamNotFoundError,
  UpstreamServerError,
  UpstreamThrottledError,
  UpstreamTimeoutError,
  createClient,
} from 'resilient-http';
import type { ClientResponse, SchemaIssue, TimeoutKind } from 'resilient-http';
import * as v from 'valibot';
import { describe, expectTypeOf, expect, it } from 'vitest';
import { z } from 'zod';

const CALL = { service: 'billing', method: 'GET', url: 'https://billing.test/x' };

describe('types that narrow after instanceof', () => {
  it('gives UpstreamTimeoutError a defined timeoutKind and timeoutMs', () => {
    const error: unknown = new UpstreamTimeoutError({ ...CALL, timeoutKind: 'attempt', timeoutMs: 50 });
    if (!(error instanceof UpstreamTimeoutError)) throw new Error('not a timeout');
    expectTypeOf(error.timeoutKind).toEqualTypeOf<'attempt' | 'total' | 'deadline' | 'signal' | 'idle'>();
    expectTypeOf(error.timeoutKind).toEqualTypeOf<TimeoutKind>();
    expectTypeOf(error.timeoutMs).toEqualTypeOf<number>();
    expectTypeOf(error.code).toEqualTypeOf<'UPSTREAM_TIMEOUT'>();
    expect([error.timeoutKind, error.timeoutMs, error.code]).toEqual(['attempt', 50, 'UPSTREAM_TIMEOUT']);
  });

  it('fills timeoutKind and timeoutMs of a timeout built without them', () => {
    const error = new UpstreamTimeoutError(CALL);
    expect([error.timeoutKind, error.timeoutMs]).toEqual(['total', 0]);
  });

  it('gives every UpstreamHttpError a numeric upstreamStatus', () => {
    const error: unknown = new UpstreamNotFoundError({ ...CALL, upstreamStatus: 404 });
    if (error instanceof UpstreamHttpError) {
      expectTypeOf(error.upstreamStatus).toEqualTypeOf<number>();
      expect(error.upstreamStatus).toBe(404);
    }
    expect(new UpstreamNotFoundError(CALL).upstreamStatus).toBe(404);
    expect(new UpstreamServerError(CALL).upstreamStatus).toBe(500);
    // Outside the HTTP family the status stays optional.
    expectTypeOf<UpstreamError['upstreamStatus']>().toEqualTypeOf<number | undefined>();
  });

  it('lets each class take only the fields it carries, and types its code from the one place it is declared', () => {
    // @ts-expect-error: a timeout's fields are not a 404's
    const notFound = new UpstreamNotFoundError({ ...CALL, timeoutKind: 'attempt' });
    expect(notFound).not.toHaveProperty('timeoutKind');
    // @ts-expect-error: the status text is an HTTP error's
    expect(new UpstreamTimeoutError({ ...CALL, upstreamStatusText: 'OK' }).message).not.toContain('OK');
    // @ts-expect-error: sizes belong to a too-large response
    expect(new UpstreamThrottledError({ ...CALL, limit: 10 })).not.toHaveProperty('limit');
    // The fields every upstream error carries are accepted by all.
    expect(new UpstreamNetworkError({ ...CALL, systemCode: 'ECONNRESET', retryAfterMs: 5 }).retryAfterMs).toBe(5);
    expectTypeOf<UpstreamTimeoutError['code']>().toEqualTypeOf<(typeof UpstreamTimeoutError.defaults)['code']>();
    expect(UpstreamTimeoutError.defaults.code).toBe(new UpstreamTimeoutError(CALL).code);
  });

  it('types each class\'s code as its literal, AppError\'s as string', () => {
    expectTypeOf<UpstreamNotFoundError['code']>().toEqualTypeOf<'UPSTREAM_NOT_FOUND'>();
    expectTypeOf<UpstreamCircuitOpenError['code']>().toEqualTypeOf<'UPSTREAM_CIRCUIT_OPEN'>();
    expectTypeOf<UpstreamInvalidResponseError['code']>().toEqualTypeOf<'UPSTREAM_INVALID_RESPONSE'>();
    expectTypeOf<UpstreamServerError['code']>().toEqualTypeOf<'UPSTREAM_SERVER_ERROR' | 'UPSTREAM_UNAVAILABLE'>();
    expectTypeOf<UpstreamHttpError['code']>().toExtend<`UPSTREAM_${string}`>();
    expectTypeOf<AppError['code']>().toEqualTypeOf<string>();
    const error = new UpstreamCircuitOpenError(CALL);
    expect(error.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    // A switch on the base class's code is exhaustive over the known codes.
    const base: UpstreamError = error;
    // @ts-expect-error: not an upstream code
    expect(base.code === 'NOT_AN_UPSTREAM_CODE').toBe(false);
  });

  it('types issues on UpstreamInvalidResponseError', () => {
    expectTypeOf<UpstreamInvalidResponseError['issues']>().toEqualTypeOf<readonly SchemaIssue[] | undefined>();
    const error = new UpstreamInvalidResponseError({ ...CALL, upstreamStatus: 200, issues: [{ message: 'Expected number', path: ['items', { key: 0 }, 'id'] }] });
    expect(error.issues).toEqual([{ message: 'Expected number', path: ['items', 0, 'id'] }]);
  });
});

describe('types of a schema\'s output', () => {
  const client = createClient('https://billing.test/', { logger: false });
  const zodInvoice = z.object({ id: z.string(), total: z.number(), issuedAt: z.string().transform((text) => new Date(text)) });
  const valibotInvoice = v.object({ id: v.string(), lines: v.array(v.object({ amount: v.number() })) });

  it('types get/post/put/patch/delete from the schema\'s output', () => {
    // Types only: the calls are wrapped in functions that are never run.
    const get = () => client.get('x', { schema: zodInvoice });
    const post = () => client.post('x', { schema: valibotInvoice, json: {} });
    const put = () => client.put('x', { schema: z.literal('ok') });
    const patch = () => client.patch('x', { schema: v.number() });
    const del = () => client.delete('x', { schema: z.undefined() });
    const request = () => client.request('GET', 'x', { schema: valibotInvoice });
    expectTypeOf(get).returns.resolves.toEqualTypeOf<{ id: string; total: number; issuedAt: Date }>();
    expectTypeOf(post).returns.resolves.toEqualTypeOf<{ id: string; lines: { amount: number }[] }>();
    expectTypeOf(put).returns.resolves.toEqualTypeOf<'ok'>();
    expectTypeOf(patch).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(del).returns.resolves.toEqualTypeOf<undefined>();
    expectTypeOf(request).returns.resolves.toEqualTypeOf<ClientResponse<{ id: string; lines: { amount: number }[] }>>();
    expect(typeof get).toBe('function');
  });

  it('keeps the <T> generic without a schema', () => {
    const plain = () => client.get<{ id: string }>('x');
    const unknownBody = () => client.get('x');
    expectTypeOf(plain).returns.resolves.toEqualTypeOf<{ id: string }>();
    expectTypeOf(unknownBody).returns.resolves.toEqualTypeOf<unknown>();
    // @ts-expect-error: a schema must be a Standard Schema validator
    const wrong = () => client.get('x', { schema: { parse: () => 1 } });
    expect(typeof plain + typeof wrong).toBe('functionfunction');
  });
});
