/** Defaults, as documented in the README's options table. */
export const DEFAULTS = {
  timeout: { attempt: 10_000, total: 30_000 },
  retry: {
    maxAttempts: 3,
    initialDelay: 200,
    maxDelay: 5_000,
    retryOnStatus: [408, 429, 500, 502, 503, 504],
    methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'],
    maxRetryAfter: 30_000,
  },
  budget: { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfter: 10_000 },
  sampling: { duration: 30_000, minimumRps: 5 },
  requestIdHeader: 'x-request-id',
} as const;
