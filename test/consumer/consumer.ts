// Type-checked against the built dist/ declarations (the package imports itself by name), the way a
// Node-only project sees them: lib ES2023, types node, skipLibCheck false (test/consumer/tsconfig.json,
// run by `npm run check:consumer` after the build). Never run.
import * as sdk from 'resilient-http';
import type { ClientOptions, RequestOptions } from 'resilient-http';

const options: ClientOptions = { name: 'billing', retry: { maxAttempts: 2 }, timeout: { attempt: 1_000 } };
const client = sdk.createClient('https://billing.test/', options);
const form: RequestOptions = { body: new URLSearchParams({ a: '1' }), headers: { 'x-a': '1' } };
export const calls: readonly Promise<unknown>[] = [
  client.post('invoices', form),
  client.put('blobs/1', { body: new Blob(['x']) }),
  client.request('GET', 'invoices', { searchParams: { page: 2 } }),
];
export const everything: typeof sdk = sdk;

// Credentials and signing, as a consumer writes them: the provider's and the hook's parameter types come from the options.
export const signed = sdk.createClient('https://ledger.test/', {
  auth: { token: async ({ refresh, signal }) => ({ token: refresh && !signal.aborted ? 'b' : 'a', expiresAt: Date.now() + 60_000 }) },
  beforeAttempt: ({ headers, body, attempt, url }) => {
    headers.set('x-sig', `${url.pathname}:${String(attempt)}:${String(body?.byteLength ?? 0)}`);
  },
});
export const failure: sdk.UpstreamCredentialsError['code'] = 'UPSTREAM_CREDENTIALS_FAILED';
