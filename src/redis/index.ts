/**
 * `resilient-http/redis`: the fleet store on Redis (or Valkey), for
 * `fleet.store` — a node-redis or ioredis client, on rate-limiter-flexible's
 * atomic Redis limiters. Its peers (`rate-limiter-flexible`, and `redis` or
 * `ioredis`) are optional: install them to use it.
 *
 * @packageDocumentation
 */
export { createRedisStore } from './redis-store.js';
export type { RedisClientLike, RedisStoreOptions } from './redis-store.js';
