import { setTimeout as wait } from 'node:timers/promises';

import { UpstreamCircuitOpenError, UpstreamUnavailableError, createClient } from 'resilient-http';
import type { CircuitBreakerOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../../mocks/server.js';

useMsw();
const pricing = mockUpstream('https://pricing.test/');
afterEach(() => {
  pricing.reset();
});

function client(circuitBreaker: CircuitBreakerOptions) {
  return createClient('https://pricing.test/', { name: 'pricing', logger: false, retry: false, circuitBreaker });
}

/** What a process would write to disk and read back on restart. */
function persisted(snapshot: unknown): unknown {
  return JSON.parse(JSON.stringify(snapshot)) as unknown;
}

describe('circuit breaker snapshots', () => {
  it('restores an open circuit in a new client, which rejects without sending', async () => {
    server.use(pricing.status('get', 'prices', 503));
    const before = client({ consecutiveFailures: 2 });
    for (let i = 0; i < 2; i++) await expect(before.get('prices')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(before.circuitState).toBe('open');

    const snapshot = before.circuitSnapshot();
    const saved = persisted(snapshot);
    expect(saved).toEqual(snapshot);

    const after = client({ consecutiveFailures: 2, initialState: saved });
    expect(after.circuitState).toBe('open');
    const error = await after.get('prices').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamCircuitOpenError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CIRCUIT_OPEN', statusCode: 503, attempts: 0, service: 'pricing' });
    expect(pricing.calls).toHaveLength(2);
  });

  it('half-opens a restored circuit once halfOpenAfter has passed since it opened, and closes it on success', async () => {
    server.use(pricing.sequence('get', 'prices', [503, 503, { json: { eur: 10 } }]));
    const before = client({ consecutiveFailures: 2, halfOpenAfter: 40 });
    for (let i = 0; i < 2; i++) await before.get('prices').catch(() => undefined);
    const after = client({ consecutiveFailures: 2, halfOpenAfter: 40, initialState: persisted(before.circuitSnapshot()) });

    await wait(80);
    await expect(after.get('prices')).resolves.toEqual({ eur: 10 });
    expect(after.circuitState).toBe('closed');
    expect(pricing.calls).toHaveLength(3);
  });

  it('restores a closed circuit closed, failure count included', async () => {
    server.use(pricing.sequence('get', 'prices', [503, { json: { eur: 10 } }, 503]));
    const before = client({ consecutiveFailures: 2 });
    await before.get('prices').catch(() => undefined);
    expect(before.circuitState).toBe('closed');

    const after = client({ consecutiveFailures: 2, initialState: persisted(before.circuitSnapshot()) });
    expect(after.circuitState).toBe('closed');
    await expect(after.get('prices')).resolves.toEqual({ eur: 10 });
    expect(pricing.calls).toHaveLength(2);

    // The success reset the carried-over count: one failure does not open the circuit.
    await after.get('prices').catch(() => undefined);
    expect(after.circuitState).toBe('closed');
  });

  it('carries one failure over, so the next failure opens the restored circuit', async () => {
    server.use(pricing.status('get', 'prices', 503));
    const before = client({ consecutiveFailures: 2 });
    await before.get('prices').catch(() => undefined);

    const after = client({ consecutiveFailures: 2, initialState: persisted(before.circuitSnapshot()) });
    await expect(after.get('prices')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(after.circuitState).toBe('open');
    expect(pricing.calls).toHaveLength(2);
  });

  it('gives a snapshot that later calls do not change, even of a sampling breaker', async () => {
    server.use(pricing.status('get', 'prices', 503));
    const pricingClient = client({ sampling: { threshold: 0.5 } });
    await pricingClient.get('prices').catch(() => undefined);
    const snapshot = pricingClient.circuitSnapshot();
    const copy = persisted(snapshot);
    for (let i = 0; i < 2; i++) await pricingClient.get('prices').catch(() => undefined);
    expect(snapshot).toEqual(copy);
    expect(pricingClient.circuitSnapshot()).not.toEqual(copy);
  });

  it('gives no snapshot when the breaker is off', () => {
    const plain = createClient('https://pricing.test/', { logger: false, circuitBreaker: false });
    expect(plain.circuitSnapshot()).toBeUndefined();
  });

  it('rejects an initialState that is not a snapshot with a TypeError naming the option', () => {
    for (const initialState of [{}, 'open', { ownState: { value: 1 } }, { ownState: { value: 0 }, breakerState: 'x' }]) {
      expect(() => client({ initialState })).toThrow(TypeError);
      expect(() => client({ initialState })).toThrow(/circuitBreaker\.initialState/);
    }
    // A consecutive breaker's snapshot does not fit a sampling breaker.
    const consecutive = client({ consecutiveFailures: 2 }).circuitSnapshot();
    expect(() => client({ sampling: { threshold: 0.5 }, initialState: consecutive })).toThrow(/circuitBreaker\.initialState/);
  });

  it('treats a null initialState as none', () => {
    expect(client({ initialState: null }).circuitState).toBe('closed');
  });
});

// Snapshots as resilient-http 0.1 wrote them on cockatiel 3.2.1 (`toJSON()`, through JSON), copied from
// that version's output. cockatiel 4 kept the shape: a process upgraded mid-outage restores them as they are.
describe('snapshots written on cockatiel 3', () => {
  const closedTwoFailures = { ownState: { value: 0 }, breakerState: 2 };
  const openSince = (openedAt: number) => ({ ownState: { value: 1, openedAt, attemptNo: 1 }, breakerState: 5 });
  const emptyWindow = { startedAt: 0, failures: 0, successes: 0 };
  const samplingClosed = {
    ownState: { value: 0 },
    breakerState: {
      windows: [emptyWindow, { failures: 3, successes: 1, startedAt: 1_796_155_586_400 }, ...Array.from({ length: 8 }, () => emptyWindow)],
      currentWindow: 1,
      currentFailures: 3,
      currentSuccesses: 1,
    },
  };

  it('restores a closed 3.x snapshot with its failure count: the third failure opens', async () => {
    server.use(pricing.status('get', 'prices', 503));
    const restored = client({ consecutiveFailures: 3, initialState: closedTwoFailures });
    expect(restored.circuitState).toBe('closed');
    await expect(restored.get('prices')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(restored.circuitState).toBe('open');
    expect(pricing.calls).toHaveLength(1);
  });

  it('restores an open 3.x snapshot open: it rejects without sending', async () => {
    server.use(pricing.status('get', 'prices', 200));
    const restored = client({ consecutiveFailures: 5, halfOpenAfter: 60_000, initialState: openSince(Date.now()) });
    expect(restored.circuitState).toBe('open');
    await expect(restored.get('prices')).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    expect(pricing.calls).toHaveLength(0);
  });

  it('half-opens an old open 3.x snapshot: a failed probe reopens it, a good one closes it', async () => {
    server.use(pricing.sequence('get', 'prices', [503, { json: { ok: true } }]));
    const restored = client({ consecutiveFailures: 5, halfOpenAfter: 50, initialState: openSince(Date.now() - 60_000) });
    await expect(restored.get('prices')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(restored.circuitState).toBe('open');
    await expect(restored.get('prices')).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    await wait(150);
    await expect(restored.get('prices')).resolves.toEqual({ ok: true });
    expect(restored.circuitState).toBe('closed');
    expect(pricing.calls).toHaveLength(2);
  });

  it('restores a sampling 3.x snapshot and keeps its windows', async () => {
    server.use(pricing.status('get', 'prices', 200));
    const restored = client({ sampling: { threshold: 0.5, duration: 10_000, minimumRps: 1 }, initialState: samplingClosed });
    expect(restored.circuitState).toBe('closed');
    expect(persisted(restored.circuitSnapshot())).toEqual(samplingClosed);
    await expect(restored.get('prices')).resolves.toEqual({ status: 200 });
  });

  it('refuses a 3.x snapshot of the other kind of breaker with a TypeError naming the option', () => {
    expect(() => client({ sampling: { threshold: 0.5 }, initialState: closedTwoFailures })).toThrow(/circuitBreaker\.initialState/);
    expect(() => client({ consecutiveFailures: 2, initialState: samplingClosed })).toThrow(TypeError);
  });
});
