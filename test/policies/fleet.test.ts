// Internals: the fleet guard is tested with a scripted store that fails on demand; the client-level tests use the public API.
import { createClient } from 'resilient-http';
import type { FleetStore } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { FleetGuard, normalizeFleet } from '../../src/policies/fleet.js';

/** A store whose `takeSlot` does what the test says: answer, fail, or never settle. */
function scriptedStore(): { store: FleetStore; mode: (next: 'answer' | 'fail' | 'stall') => void; calls: () => number } {
  let current: 'answer' | 'fail' | 'stall' = 'answer';
  let calls = 0;
  const store: FleetStore = {
    takeSlot: () => {
      calls++;
      if (current === 'fail') return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'));
      if (current === 'stall') return new Promise<boolean>(() => undefined);
      return Promise.resolve(true);
    },
    pause: () => Promise.resolve(),
    pausedUntil: () => Promise.resolve(0),
  };
  return { store, mode: (next) => { current = next; }, calls: () => calls };
}

describe('FleetGuard: the fleet store behind a 100 ms fuse', () => {
  const setup = () => {
    let time = 1_000_000;
    const scripted = scriptedStore();
    const guard = new FleetGuard(scripted.store, () => time);
    const reports: [string, string | undefined][] = [];
    const take = () => guard.run((store) => store.takeSlot('k', 1, 1, 1000), () => false, (decision, detail) => reports.push([decision, detail]));
    return { ...scripted, guard, reports, take, advance: (ms: number) => { time += ms; } };
  };

  it('answers from the store while it answers', async () => {
    const { take, reports, calls } = setup();
    expect(await take()).toBe(true);
    expect(calls()).toBe(1);
    expect(reports).toEqual([]);
  });

  it('falls back at once when the store fails, reports it once, leaves the store alone for a second, then returns to it', async () => {
    const { take, reports, calls, mode, advance, guard } = setup();
    mode('fail');
    expect(await take()).toBe(false);
    expect(guard.down).toBe(true);
    expect(reports).toEqual([['fallback', 'ECONNREFUSED 127.0.0.1:6379']]);
    for (let i = 0; i < 5; i++) expect(await take()).toBe(false);
    expect(calls()).toBe(1);

    advance(1000);
    expect(await take()).toBe(false);
    expect(calls()).toBe(2);
    expect(reports).toHaveLength(1);

    mode('answer');
    advance(1000);
    expect(await take()).toBe(true);
    expect(guard.down).toBe(false);
    expect(reports).toEqual([['fallback', 'ECONNREFUSED 127.0.0.1:6379'], ['restored', undefined]]);
  });

  it('redacts credentials in the store error before reporting it', async () => {
    const store: FleetStore = {
      takeSlot: () => Promise.reject(new Error('connect failed: redis://default:hunter2@cache.internal:6379 (password=hunter2)')),
      pause: () => Promise.resolve(),
      pausedUntil: () => Promise.resolve(0),
    };
    const reports: (string | undefined)[] = [];
    const guard = new FleetGuard(store, () => 1_000_000);
    expect(await guard.run((s) => s.takeSlot('k', 1, 1, 1000), () => false, (_decision, detail) => reports.push(detail))).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('cache.internal');
    expect(reports[0]).not.toContain('hunter2');
  });

  it('reports a fallback at most once a minute while the store stays away', async () => {
    const { take, reports, mode, advance } = setup();
    mode('fail');
    for (let second = 0; second < 130; second++) {
      await take();
      advance(1000);
    }
    expect(reports.map(([decision]) => decision)).toEqual(['fallback', 'fallback', 'fallback']);
  });

  it('probes a store that went away with one call at a time: the others stay in process meanwhile', async () => {
    const { take, calls, mode, advance } = setup();
    mode('fail');
    await take();
    mode('stall');
    advance(1000);
    const probe = take();
    const others = await Promise.all([take(), take(), take()]);
    expect(others).toEqual([false, false, false]);
    expect(calls()).toBe(2);
    expect(await probe).toBe(false);
  });

  it('gives a stalled store 100 ms, then answers in process', async () => {
    const { take, reports, mode } = setup();
    mode('stall');
    const started = performance.now();
    expect(await take()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(reports).toEqual([['fallback', 'timeout']]);
  });
});

describe('fleet option', () => {
  const store = scriptedStore().store;

  it('defaults the key to the client name and localShare to 1', () => {
    expect(normalizeFleet(undefined, 'x')).toBeUndefined();
    expect(normalizeFleet({ store }, 'billing')).toEqual({ store, key: 'billing', localShare: 1 });
    expect(normalizeFleet({ store, key: 'quota', localShare: 0.25 }, 'billing')).toEqual({ store, key: 'quota', localShare: 0.25 });
  });

  it('throws a TypeError naming the option path', () => {
    expect(() => createClient('http://127.0.0.1:1/', { fleet: { store: {} as FleetStore } })).toThrow(/^fleet\.store must be a fleet store/);
    expect(() => createClient('http://127.0.0.1:1/', { fleet: { store, localShare: 2 } })).toThrow(
      new TypeError('fleet.localShare must be a number in (0, 1], got 2'),
    );
    expect(() => createClient('http://127.0.0.1:1/', { fleet: { store, key: '' } })).toThrow(new TypeError('fleet.key must be a non-empty string, got ""'));
  });

  it('keeps a store that never settles from failing a call', async () => {
    const stalled = scriptedStore();
    stalled.mode('stall');
    const spy = vi.fn();
    const guard = new FleetGuard(stalled.store, () => 0);
    await expect(guard.run((s) => s.takeSlot('k', 0, 1, 1), () => false, spy)).resolves.toBe(false);
    expect(spy).toHaveBeenCalledWith('fallback', 'timeout');
  });
});
