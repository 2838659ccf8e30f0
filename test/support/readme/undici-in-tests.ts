export function billingClient(fetch: typeof globalThis.fetch = createUndiciFetch()) {
  return createClient('https://billing.internal/', { name: 'billing', fetch });
}
// in the test, with msw listening:
const billing = billingClient((input, init) => globalThis.fetch(input, init));
// ---- above: the README snippet; below: what it leaves to the reader ----
import { createClient } from 'resilient-http';
import { createUndiciFetch } from 'resilient-http/undici';

export { billing };
