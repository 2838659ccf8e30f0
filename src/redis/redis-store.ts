import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import type { FleetStore } from '../policies/fleet.js';

/**
 * A connected Redis client: node-redis's (`createClient()` from `redis`,
 * after `connect()`) or ioredis's (`new Redis()`). Attach your own `error`
 * listener: while Redis is away the client reports there, and the fleet
 * goes on with its in-process limiters.
 */
export type RedisClientLike = object;

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * The prefix of every key the store writes (`<prefix>:<fleet key>:rate:<intervalMs>:<window>` and
   * `<prefix>:<fleet key>:pause`).
   * @default 'resilient-http'
   */
  prefix?: string;
}

/**
 * A fleet store on Redis: the rate limit's fixed windows are counters that
 * rate-limiter-flexible increments atomically (one key per window, expiring
 * after it), and a pause is a key holding its end. Hand it to
 * `fleet.store`; every instance with the same `fleet.key` shares the quota
 * and honours the pauses. It sets `rejectIfRedisNotReady`, so while the
 * connection is down each operation fails at once and the client uses its
 * in-process limiter without waiting.
 *
 * @param client - A connected node-redis or ioredis client.
 * @param options - The key prefix.
 * @example
 * ```ts
 * import { createClient as createRedis } from 'redis';
 * import { createClient } from 'resilient-http';
 * import { createRedisStore } from 'resilient-http/redis';
 *
 * const redis = await createRedis({ url: process.env.REDIS_URL }).on('error', () => {}).connect();
 * const partner = createClient('https://api.partner.example/', {
 *   rateLimit: { limit: 100, intervalMs: 1000 },
 *   fleet: { store: createRedisStore(redis), key: 'partner-api' },
 * });
 * ```
 */
export function createRedisStore(client: RedisClientLike, options: RedisStoreOptions = {}): FleetStore {
  if (typeof client !== 'object' || (client as unknown) === null) {
    throw new TypeError(`createRedisStore(client) needs a node-redis or ioredis client, got ${client === null ? 'null' : typeof client}`);
  }
  const prefix = options.prefix ?? 'resilient-http';
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError('createRedisStore: prefix must be a non-empty string');
  // ioredis has a `status` string; node-redis does not (rate-limiter-flexible needs told which API to call).
  const ioredis = typeof (client as { status?: unknown }).status === 'string';
  const limiters = new Map<number, RateLimiterRedis>();
  const limiter = (points: number): RateLimiterRedis => {
    let found = limiters.get(points);
    if (found === undefined) {
      found = new RateLimiterRedis({ storeClient: client, useRedisPackage: !ioredis, rejectIfRedisNotReady: true, keyPrefix: prefix, points, duration: 1 });
      limiters.set(points, found);
    }
    return found;
  };
  const pausedUntil = async (key: string): Promise<number> => {
    const answer = await limiter(1).get(`${key}:pause`);
    return answer?.consumedPoints ?? 0;
  };

  return {
    async takeSlot(key, window, limit, intervalMs) {
      // The window's counter lives until a second after the window ends: one key per window, never reset early.
      const seconds = Math.max(1, Math.ceil(((window + 1) * intervalMs - Date.now()) / 1000) + 1);
      try {
        await limiter(limit).consume(`${key}:rate:${String(intervalMs)}:${String(window)}`, 1, { customDuration: seconds });
        return true;
      } catch (error) {
        // The limiter rejects with its result when the window is full, and with an Error when Redis fails.
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
    pausedUntil,
    async pause(key, untilMs) {
      if ((await pausedUntil(key)) >= untilMs) return;
      const seconds = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
      await limiter(1).set(`${key}:pause`, Math.round(untilMs), seconds);
    },
  };
}
