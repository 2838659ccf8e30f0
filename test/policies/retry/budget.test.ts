// Internals: the budget's token arithmetic is tested on its own with a scripted clock; the end-to-end tests use the public API.
import { UpstreamUnavailableError, createClient } from 'resilient-http';
import type { ClientOptions, UpstreamError } from 'resilient-http';
import { seededRandom } from 'resilient-http/testing';
import { describe, expect, it } from 'vitest';

import { RetryBudget } from '../../../src/policies/retry/budget.js';
import { capturePino } from '../../support/pino-capture.js';

const DEFAULT_BUDGET = { percent: 0.2, minRetriesPerSecond: 10, windowMs: 10_000 };

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000): { now: () => number; set: (ms: number) => void } {
  let time = start;
  return { now: () => time, set: (ms) => { time = start + ms; } };
}

/** Takes retries until the budget refuses one; returns how many it granted (stops at `max`). */
function drain(budget: RetryBudget, max = 10_000): number {
  let granted = 0;
  while (granted < max && budget.tryAcquireRetry()) granted++;
  return granted;
}

function deposit(budget: RetryBudget, requests: number): void {
  for (let i = 0; i < requests; i++) budget.recordRequest();
}

describe('RetryBudget (pure, with a fake clock)', () => {
  it('grants minRetriesPerSecond × window seconds retries with no traffic at all, then refuses', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(DEFAULT_BUDGET, clock.now);
    expect(drain(budget)).toBe(100);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('grants 20 % of the requests in the window on top of the floor', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(DEFAULT_BUDGET, clock.now);
    deposit(budget, 1000);
    expect(drain(budget)).toBe(200 + 100);
  });

  it('grants exactly percent × requests when the floor is 0', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ...DEFAULT_BUDGET, minRetriesPerSecond: 0 }, clock.now);
    expect(budget.tryAcquireRetry()).toBe(false);
    deposit(budget, 50);
    expect(drain(budget)).toBe(10);
    deposit(budget, 5);
    expect(drain(budget)).toBe(1);
  });

  it('frees spent retries once windowMs has passed, and not before', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(DEFAULT_BUDGET, clock.now);
    expect(drain(budget)).toBe(100);
    clock.set(9_999);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.set(10_000);
    expect(drain(budget)).toBe(100);
  });

  it('slides: only the retries older than the window come back', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(DEFAULT_BUDGET, clock.now);
    expect(drain(budget, 40)).toBe(40);
    clock.set(5_000);
    expect(drain(budget)).toBe(60);
    clock.set(10_000);
    expect(drain(budget)).toBe(40);
    clock.set(15_000);
    expect(drain(budget)).toBe(60);
  });

  it('forgets requests older than the window, so old traffic earns no retries', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ...DEFAULT_BUDGET, minRetriesPerSecond: 0 }, clock.now);
    deposit(budget, 1000);
    clock.set(10_000);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('honours percent, minRetriesPerSecond and windowMs', () => {
    const clock = fakeClock();
    const half = new RetryBudget({ percent: 0.5, minRetriesPerSecond: 0, windowMs: 10_000 }, clock.now);
    deposit(half, 100);
    expect(drain(half)).toBe(50);

    const floorOnly = new RetryBudget({ percent: 0.2, minRetriesPerSecond: 2, windowMs: 5_000 }, clock.now);
    expect(drain(floorOnly)).toBe(10);
    clock.set(4_999);
    expect(floorOnly.tryAcquireRetry()).toBe(false);
    clock.set(5_000);
    expect(drain(floorOnly)).toBe(10);
  });
});

const LOGICAL_REQUESTS = 1000;

describe('retry budget, end to end', () => {
  /**
   * The upstream of these fleet runs: an in-process `fetch` that answers each request with the status
   * `answer` picks, counting every request it receives. Thousands of calls go through every policy and
   * ky as usual; only the socket is left out (the transport's own tests cover it), which keeps a
   * 1 000-call run well under a second.
   */
  function upstream(answer: (request: number) => number): { fetch: typeof fetch; readonly calls: number } {
    let calls = 0;
    return {
      fetch: () => {
        const status = answer(++calls);
        return Promise.resolve(Response.json(status === 200 ? { ok: true } : {}, { status }));
      },
      get calls() {
        return calls;
      },
    };
  }

  /** Sends LOGICAL_REQUESTS sequential GETs; returns the errors (undefined for successes). */
  async function hammer(target: { fetch: typeof fetch }, options: ClientOptions): Promise<(UpstreamError | undefined)[]> {
    const client = createClient('https://inventory.test/', { ...options, fetch: target.fetch });
    const outcomes: (UpstreamError | undefined)[] = [];
    for (let i = 0; i < LOGICAL_REQUESTS; i++) {
      outcomes.push(await client.get('items').then(() => undefined, (error: unknown) => error as UpstreamError));
    }
    return outcomes;
  }

  it('keeps a total outage to at most 1.3× the logical requests with the default budget', async () => {
    const inventory = upstream(() => 503);
    const logs = capturePino();
    const startedAt = performance.now();
    const errors = await hammer(inventory, { logger: logs.logger, circuitBreaker: false, retry: { initialDelay: 0 } });
    const elapsedMs = performance.now() - startedAt;

    const sent = inventory.calls;
    console.log(`[fleet] total outage, default budget, breaker off: ${sent} upstream requests for ${LOGICAL_REQUESTS} calls (${(sent / LOGICAL_REQUESTS).toFixed(2)}×) in ${Math.round(elapsedMs)} ms`);
    // Bound: requests + 20 % of them + a floor of 10/s × 10 s = 1000 + 200 + 100 = 1.3×, when the run fits in one
    // window (it takes 1–4 s here). On a machine slow enough to span more windows, each adds one more floor
    // (the window slides by 1 s buckets, so count 9 s per window).
    const windows = Math.max(1, Math.ceil(elapsedMs / 9_000));
    expect(sent).toBeLessThanOrEqual(1.2 * LOGICAL_REQUESTS + 100 * windows);
    if (windows === 1) expect(sent).toBeLessThanOrEqual(1.3 * LOGICAL_REQUESTS);
    expect(sent).toBeGreaterThan(LOGICAL_REQUESTS);
    expect(errors.every((error) => error instanceof UpstreamUnavailableError)).toBe(true);

    const first = errors[0]!;
    expect(first).toMatchObject({ attempts: 3, budgetExhausted: false });
    expect(first.message).not.toContain('retry budget exhausted');

    const last = errors[LOGICAL_REQUESTS - 1]!;
    expect(last.budgetExhausted).toBe(true);
    expect(last.attempts).toBeLessThan(3);
    expect(last.message).toContain('retry budget exhausted');
    expect(last.toJSON()).toMatchObject({ budgetExhausted: true });

    const refused = logs.named('upstream_retry_budget_exhausted');
    expect(refused.length).toBe(errors.filter((error) => error?.budgetExhausted === true).length);
    expect(refused[0]).toMatchObject({ service: 'inventory.test', method: 'GET', url: 'https://inventory.test/items', refused: 'retry', reason: 'status 503' });
    expect(refused[0]?.requestId).toEqual(expect.any(String));
  }, 60_000);

  it('sends 3× the logical requests to a dead upstream when the budget is off', async () => {
    const inventory = upstream(() => 503);
    const errors = await hammer(inventory, { logger: false, circuitBreaker: false, retry: { budget: false, initialDelay: 0 } });

    const sent = inventory.calls;
    console.log(`[fleet] total outage, budget off, breaker off: ${sent} upstream requests for ${LOGICAL_REQUESTS} calls (${(sent / LOGICAL_REQUESTS).toFixed(2)}×)`);
    expect(sent).toBe(3 * LOGICAL_REQUESTS);
    expect(errors.every((error) => error?.attempts === 3 && !error.budgetExhausted)).toBe(true);
  }, 60_000);

  it('sends almost nothing to a dead upstream with the defaults, circuit breaker included', async () => {
    const inventory = upstream(() => 503);
    const errors = await hammer(inventory, { logger: false, retry: { initialDelay: 0 } });

    const sent = inventory.calls;
    console.log(`[fleet] total outage, defaults with breaker: ${sent} upstream requests for ${LOGICAL_REQUESTS} calls (${(sent / LOGICAL_REQUESTS).toFixed(3)}×)`);
    // Five consecutive failures open the breaker; it stays open for halfOpenAfter (10 s), longer than the run.
    expect(sent).toBe(5);
    expect(errors.filter((error) => error?.code === 'UPSTREAM_CIRCUIT_OPEN').length).toBe(LOGICAL_REQUESTS - 2);
  }, 60_000);

  it('lets every call succeed when one answer in ten fails', async () => {
    // Every tenth answer is a 503: 1 in 10 fails, deterministically.
    const inventory = upstream((request) => (request % 10 === 0 ? 503 : 200));
    const logs = capturePino();
    const errors = await hammer(inventory, { logger: logs.logger, retry: { initialDelay: 1 } });

    expect(errors.filter((error) => error !== undefined)).toEqual([]);
    const sent = inventory.calls;
    expect(sent).toBe(1111);
    expect(logs.named('upstream_retry')).toHaveLength(sent - LOGICAL_REQUESTS);
    expect(logs.named('upstream_retry_budget_exhausted')).toEqual([]);
  }, 60_000);

  it('never refuses a retry for a 10 % seeded-random failure rate: calls fail only after all 3 attempts', async () => {
    const random = seededRandom(1);
    const inventory = upstream(() => (random() < 0.1 ? 503 : 200));
    const logs = capturePino();
    const errors = await hammer(inventory, { logger: logs.logger, retry: { initialDelay: 1 } });

    const failures = errors.filter((error) => error !== undefined);
    console.log(`[fleet] flaky 10 % (seed 1), defaults: ${LOGICAL_REQUESTS - failures.length}/${LOGICAL_REQUESTS} calls succeeded, ${inventory.calls} upstream requests`);
    // Three 10 % failures in a row happen about once in 1 000 calls: those calls fail, and only those.
    expect(failures.length).toBeLessThanOrEqual(5);
    expect(failures.every((error) => error.attempts === 3 && !error.budgetExhausted)).toBe(true);
    expect(logs.named('upstream_retry_budget_exhausted')).toEqual([]);
    expect(inventory.calls).toBe(LOGICAL_REQUESTS + logs.named('upstream_retry').length);
  }, 60_000);
});
