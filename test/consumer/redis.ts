// The same for resilient-http/redis (test/consumer/tsconfig.redis.json): a node-redis and an ioredis client
// handed to createRedisStore, the store to fleet.store. Never run.
import { Redis } from 'ioredis';
import { createClient as createRedis } from 'redis';
import { createClient } from 'resilient-http';
import type { FleetStore } from 'resilient-http';
import { createRedisStore } from 'resilient-http/redis';
import type { RedisStoreOptions } from 'resilient-http/redis';

const options: RedisStoreOptions = { prefix: 'checkout' };
export const nodeRedisStore: FleetStore = createRedisStore(createRedis(), options);
export const ioredisStore: FleetStore = createRedisStore(new Redis({ lazyConnect: true }));
export const client = createClient('https://api.partner.example/', {
  rateLimit: { limit: 100, intervalMs: 1000 },
  adaptiveThrottling: true,
  fleet: { store: nodeRedisStore, key: 'partner', localShare: 0.25 },
});
