import { Redis } from 'ioredis';
import { createClient as createRedis } from 'redis';
import { UpstreamThrottledError, createClient } from 'resilient-http';
import type { ClientOptions, FleetStore } from 'resilient-http';
import { createRedisStore } from 'resilient-http/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { capturePino } from '../support/pino-capture.js';
import { useRealServer } from '../support/real-server.js';
import { upstreamFailure } from '../support/rejection.js';
import { redisServer, redisTestsEnabled } from '../support/redis-server.js';
import type { RedisServer } from '../support/redis-server.js';

const enabled = redisTestsEnabled();
const WINDOW_START = 29_000_000 * 60_000;

describe.runIf(enabled)('resilient-http/redis against a real redis-server', () => {
  const upstream = useRealServer();
  let redis: RedisServer;
  let nodeRedis: ReturnType<typeof createRedis>;
  let ioredis: Redis;
  let prefix = 0;

  beforeAll(async () => {
    redis = await redisServer();
    await redis.start();
    nodeRedis = createRedis({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
    nodeRedis.on('error', () => undefined);
    await nodeRedis.connect();
    ioredis = new Redis(redis.port, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    ioredis.on('error', () => undefined);
    if (ioredis.status !== 'ready') await new Promise((resolve) => ioredis.once('ready', resolve));
  });
  afterAll(async () => {
    nodeRedis.destroy();
    ioredis.disconnect();
    await redis.kill();
  });
  afterEach(() => {
    vi.useRealTimers();
    upstream.handle((_req, res) => res.end('ok'));
  });

  /** Stores on both clients, under a prefix of their own for this test. */
  const stores = (): [FleetStore, FleetStore] => {
    prefix++;
    return [createRedisStore(nodeRedis, { prefix: `t${String(prefix)}` }), createRedisStore(ioredis, { prefix: `t${String(prefix)}` })];
  };

  it('grants `limit` slots of a window across a node-redis and an ioredis client, then refuses; other windows are apart', async () => {
    const [a, b] = stores();
    const window = Math.floor(Date.now() / 60_000);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await a.takeSlot('quota', window, 4, 60_000), await b.takeSlot('quota', window, 4, 60_000));
    expect(answers).toEqual([true, true, true, true, false, false]);
    expect(await b.takeSlot('quota', window + 1, 4, 60_000)).toBe(true);
    expect(await a.takeSlot('other', window, 4, 60_000)).toBe(true);
  });

  it('keeps a pause\'s end to the millisecond, and never shortens it', async () => {
    const [a, b] = stores();
    expect(await a.pausedUntil('svc')).toBe(0);
    const until = Date.now() + 5_432;
    await a.pause('svc', until);
    expect(await b.pausedUntil('svc')).toBe(until);
    await b.pause('svc', until - 1000);
    expect(await a.pausedUntil('svc')).toBe(until);
  });

  const fleetClient = (store: FleetStore, options: ClientOptions = {}) =>
    createClient(upstream.url, { name: 'partner', logger: false, fleet: { store, key: 'partner' }, ...options });

  it('shares one quota between two clients: together they send `limit` per window, the rest rejected at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: WINDOW_START });
    const [a, b] = stores();
    const first = fleetClient(a, { rateLimit: { limit: 3, intervalMs: 60_000 } });
    const second = fleetClient(b, { rateLimit: { limit: 3, intervalMs: 60_000 } });
    const outcomes = await Promise.allSettled([first, second, first, second, first, second].map((client) => client.get('items')));
    expect(upstream.requests).toHaveLength(3);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as UpstreamThrottledError);
    expect(refused).toHaveLength(3);
    for (const error of refused) expect(error).toMatchObject({ code: 'UPSTREAM_THROTTLED', reason: 'rate-limit', retryAfterMs: 60_000, attempts: 0 });
  });

  it('makes every client of the fleet honour one client\'s Retry-After', async () => {
    const [a, b] = stores();
    upstream.handle((_req, res) => {
      res.writeHead(503, { 'retry-after': '5' });
      res.end();
    });
    await upstreamFailure(fleetClient(a, { retry: false }).get('busy'));
    // The pause reaches the store in the background of the call that saw it.
    await vi.waitFor(async () => {
      expect(await b.pausedUntil('partner')).toBeGreaterThan(Date.now());
    }, { timeout: 2_000, interval: 5 });
    const error = await upstreamFailure(fleetClient(b).get('busy', { timeout: { total: 2_000 } }));
    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect(error).toMatchObject({ reason: 'retry-after', attempts: 0 });
    expect(error.retryAfterMs).toBeGreaterThan(4_000);
    expect(upstream.requests).toHaveLength(1);
  });

  /** Calls until `done()` or `ms` pass; every call must succeed. Returns how many it made. */
  const callUntil = async (client: ReturnType<typeof fleetClient>, done: () => boolean, ms: number): Promise<number> => {
    const deadline = performance.now() + ms;
    let calls = 0;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`not done within ${String(ms)} ms`);
      await client.get('item');
      calls++;
    }
    return calls;
  };

  it('goes on in process when Redis dies (no call fails, one warning), and uses Redis again once it is back', async () => {
    const [store] = stores();
    const logs = capturePino('info');
    const client = fleetClient(store, { logger: logs.logger, rateLimit: { limit: 1000, intervalMs: 1000 } });
    for (let i = 0; i < 5; i++) await client.get('item');
    expect(await nodeRedis.keys(`t${String(prefix)}:*`)).not.toEqual([]);

    await redis.kill();
    for (let i = 0; i < 30; i++) await client.get('item');
    expect(logs.named('fleet_store_fallback')).toHaveLength(1);
    expect(logs.named('fleet_store_fallback')[0]).toMatchObject({ level: 40, service: 'partner' });

    await redis.start();
    const answeredAt = performance.now();
    await callUntil(client, () => logs.named('fleet_store_restored').length > 0, 10_000);
    // node-redis reconnects within its 50 ms strategy; the client tries the store again every second.
    expect(performance.now() - answeredAt).toBeLessThan(3_000 + 500);
    expect(await nodeRedis.keys(`t${String(prefix)}:*`)).not.toEqual([]);
    expect(logs.named('fleet_store_fallback')).toHaveLength(1);
    expect(logs.named('upstream_request_failed')).toEqual([]);
  });

  it('goes on in process when Redis stalls: each call waits at most about 100 ms for it, none fails', async () => {
    const [, store] = stores();
    const logs = capturePino('info');
    const client = fleetClient(store, { logger: logs.logger, rateLimit: { limit: 1000, intervalMs: 1000 } });
    await client.get('item');
    redis.freeze();
    try {
      const started = performance.now();
      for (let i = 0; i < 10; i++) await client.get('item');
      // The first call waits out the 100 ms fuse; the next ones use the in-process limiter until the retry second.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(logs.named('fleet_store_fallback')).toHaveLength(1);
      expect(logs.named('fleet_store_fallback')[0]).toMatchObject({ detail: 'timeout' });
    } finally {
      redis.thaw();
    }
    await callUntil(client, () => logs.named('fleet_store_restored').length > 0, 10_000);
    expect(logs.named('upstream_request_failed')).toEqual([]);
  });
});
