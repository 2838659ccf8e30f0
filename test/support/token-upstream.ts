import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { HttpResponse, http } from 'msw';
import { CHANNELS, createClient } from 'resilient-http';
import type { ClientOptions, ExpiringToken, RequestEndEvent, TokenRequest } from 'resilient-http';
import { vi } from 'vitest';

import { server } from '../../mocks/server.js';

/** The base URL of the msw upstream of the auth tests. */
export const BASE = 'https://ledger.test/';

/** The `authorization` header of every request the upstream saw, in order. */
export const seen: string[] = [];

/** The upstream: 200 for a request carrying one of `valid`, 401 otherwise; `before` may answer first. */
export function upstream(valid: readonly string[], before?: (index: number) => Response | undefined): void {
  seen.length = 0;
  server.use(
    http.all(`${BASE}*`, ({ request }) => {
      const auth = request.headers.get('authorization') ?? '';
      seen.push(auth);
      const early = before?.(seen.length);
      if (early !== undefined) return early;
      return valid.includes(auth) ? HttpResponse.json({ ok: true }) : HttpResponse.json({ error: 'unauthorized' }, { status: 401 });
    }),
  );
}

/** A token provider giving `tokens` in turn (the last one again once they run out), recording how it was asked. */
export function provider(...tokens: (string | ExpiringToken)[]) {
  const asked: boolean[] = [];
  const token = vi.fn(async ({ refresh }: TokenRequest) => {
    asked.push(refresh);
    await Promise.resolve();
    return tokens[Math.min(asked.length, tokens.length) - 1]!;
  });
  return { token, asked };
}

export function client(options: ClientOptions) {
  return createClient(BASE, { name: 'ledger', logger: false, retry: { initialDelay: 1, budget: false }, ...options });
}

/** The `request:end` events published while `run` runs. */
export async function endEvents(run: () => Promise<unknown>): Promise<RequestEndEvent[]> {
  const events: RequestEndEvent[] = [];
  const onEnd = (event: unknown): void => {
    events.push(event as RequestEndEvent);
  };
  subscribe(CHANNELS['request:end'], onEnd);
  try {
    await run().catch(() => undefined);
  } finally {
    unsubscribe(CHANNELS['request:end'], onEnd);
  }
  return events;
}

