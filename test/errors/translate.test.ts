// Internals: every failure kind's translation, some of which cannot be provoked on demand through the public API.
import { describe, expect, it } from 'vitest';

import type { AttemptFailure } from '../../src/errors/attempt-failure.js';
import { errorCodeOf, toUpstreamError } from '../../src/errors/translate.js';

const FACTS = { service: 'billing', method: 'GET', url: 'http://billing.internal/x', requestId: 'r-1', attempts: 1, durationMs: 3, retryable: false };

const FAILURES: AttemptFailure[] = [
  ...[400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503].map(
    (status): AttemptFailure => ({ kind: 'status', status, statusText: '', body: undefined, problem: undefined, retryAfterMs: undefined }),
  ),
  { kind: 'network', systemCode: 'ECONNREFUSED', cause: undefined },
  { kind: 'timeout', timeoutKind: 'attempt', timeoutMs: 10, cause: undefined },
  { kind: 'aborted', cause: undefined },
  { kind: 'invalid-response', status: 200, body: '{', cause: undefined },
  { kind: 'circuit-open', cause: undefined },
  { kind: 'concurrency-limit', cause: undefined },
  { kind: 'unexpected', cause: new Error('bug') },
];

describe('errorCodeOf', () => {
  it.each(FAILURES)('gives the code the translated error carries: %o', (failure) => {
    expect(errorCodeOf(failure)).toBe(toUpstreamError(failure, FACTS).code);
  });
});
