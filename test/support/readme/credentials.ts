import { createHash, createHmac } from 'node:crypto';

import { createClient } from 'resilient-http';

// OAuth 2.0 client credentials: one token request at a time for all calls, renewed 30 s before it expires and after a 401.
export const payments = createClient('https://payments.internal/', {
  name: 'payments',
  auth: {
    token: async ({ signal }) => {
      const response = await fetch('https://auth.internal/oauth/token', {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
        signal,
      });
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
      const { access_token, expires_in } = (await response.json()) as { access_token: string; expires_in: number };
      return { token: access_token, expiresAt: Date.now() + expires_in * 1000 };
    },
  },
});

// HMAC request signing: the hook sees every header the client sets and the exact bytes of the body.
export const ledger = createClient('https://ledger.internal/', {
  name: 'ledger',
  beforeAttempt: ({ method, url, headers, body }) => {
    const timestamp = new Date().toISOString();
    const digest = createHash('sha256').update(body ?? new Uint8Array()).digest('hex');
    const signature = createHmac('sha256', SIGNING_KEY).update(`${method}\n${url.pathname}${url.search}\n${timestamp}\n${digest}`);
    headers.set('x-timestamp', timestamp);
    headers.set('x-signature', signature.digest('hex'));
  },
});
// ---- above: the README snippet; below: what it leaves to the reader (here, the test's own made-up values) ----
const CLIENT_ID = process.env.PAYMENTS_CLIENT_ID ?? 'orders-service';
const CLIENT_SECRET = process.env.PAYMENTS_CLIENT_SECRET ?? 'made-up-client-secret';
const SIGNING_KEY = process.env.LEDGER_SIGNING_KEY ?? 'made-up-signing-key';
