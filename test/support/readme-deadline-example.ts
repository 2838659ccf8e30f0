import { createClient, requestContext, withRequestContext } from 'resilient-http';

// Behind the gateway (never at the edge): the caller's time left bounds every call, and is passed on.
const billing = createClient('https://billing.internal/', { name: 'billing', timeoutHeader: 'x-request-timeout-ms' });
export const withContext = requestContext({ timeoutHeader: 'x-request-timeout-ms' }); // a caller that hangs up cancels its calls

// A job: done within 5 s, and stopped at shutdown.
const shutdown = new AbortController();
process.once('SIGTERM', () => { shutdown.abort(); });
await withRequestContext({ requestId: 'nightly-reminders', signal: shutdown.signal, timeoutMs: 5_000 }, () =>
  billing.post('reminders', { idempotencyKey: 'nightly-reminders' }),
);
