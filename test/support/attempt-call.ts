import { expect } from 'vitest';

/** What a recording fetch was handed for one call. */
export interface SeenCall {
  readonly input: unknown;
  readonly init: RequestInit | undefined;
}

/**
 * Checks that the one call `seen` recorded is the `POST entries` of the
 * tests that use it, handed over as the attempt's URL and `init` (no
 * `Request`): method, JSON body, redirect mode, signal, and the caller's,
 * the body's and the request-ID headers.
 */
export function expectUrlAndInitOfPostEntries(seen: readonly SeenCall[], url: string): void {
  expect(seen).toHaveLength(1);
  const [{ input, init }] = seen as [SeenCall];
  expect(input).toBe(url);
  expect(init).toMatchObject({ method: 'POST', body: '{"amount":5}', redirect: 'manual' });
  expect(init?.signal).toBeInstanceOf(AbortSignal);
  expect(init?.headers).toMatchObject({ 'content-type': 'application/json', 'x-tenant': 't1' });
  expect((init?.headers as Record<string, string>)['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}
