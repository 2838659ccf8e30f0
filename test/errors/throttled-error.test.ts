import { UpstreamError, UpstreamThrottledError, isUpstreamError, toErrorResponse } from 'resilient-http';
import { describe, expect, expectTypeOf, it } from 'vitest';

const facts = { service: 'partner', method: 'get', url: 'https://api.partner.test/v1/items?token=s3cret', requestId: 'req-1', attempts: 0, durationMs: 2 };

describe('UpstreamThrottledError', () => {
  it('is an UpstreamError with code UPSTREAM_THROTTLED, status 503, its reason and retryAfterMs', () => {
    const error = new UpstreamThrottledError({ ...facts, throttleReason: 'rate-limit', retryAfterMs: 1500 });
    expect(error).toBeInstanceOf(UpstreamError);
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'UpstreamThrottledError', code: 'UPSTREAM_THROTTLED', statusCode: 503, reason: 'rate-limit', retryAfterMs: 1500, retryable: true });
    expect(error.message).toBe(
      'Upstream "partner" was not called: no rate-limit slot is free within the time left (no request sent) [request req-1]: GET https://api.partner.test/v1/items?token=[REDACTED]',
    );
    expect(error.toJSON()).toMatchObject({ code: 'UPSTREAM_THROTTLED', reason: 'rate-limit', retryAfterMs: 1500, attempts: 0 });
    expectTypeOf(error.code).toEqualTypeOf<'UPSTREAM_THROTTLED'>();
    expectTypeOf(error.reason).toEqualTypeOf<'adaptive' | 'rate-limit' | 'retry-after'>();
  });

  it('tells each reason apart in its message, and defaults to adaptive', () => {
    expect(new UpstreamThrottledError(facts).reason).toBe('adaptive');
    expect(new UpstreamThrottledError({ ...facts, throttleReason: 'retry-after' }).message).toContain("the upstream's Retry-After pause outlasts the time left");
    expect(new UpstreamThrottledError({ ...facts, throttleReason: 'adaptive' }).message).toContain('adaptive throttling refused the attempt');
  });

  it('answers the service\'s own caller 503 with a whole-second Retry-After and a message naming no URL', () => {
    const response = toErrorResponse(new UpstreamThrottledError({ ...facts, throttleReason: 'rate-limit', retryAfterMs: 1500 }));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.body).toEqual({ error: { code: 'UPSTREAM_THROTTLED', message: 'The upstream service "partner" is overloaded', requestId: 'req-1' } });
  });
});
