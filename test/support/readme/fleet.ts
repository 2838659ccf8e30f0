import { createClient as createRedis } from 'redis';
import { createClient } from 'resilient-http';
import { createRedisStore } from 'resilient-http/redis';

const redis = await createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
  .on('error', () => undefined) // while Redis is away the client goes on in process, and logs it
  .connect();

export const partner = createClient('https://api.partner.example/', {
  name: 'partner',
  adaptiveThrottling: true, // refuse attempts locally while the upstream rejects much of what it gets
  rateLimit: { limit: 100, intervalMs: 1000 }, // the partner's quota, for the whole fleet
  fleet: { store: createRedisStore(redis), key: 'partner-api', localShare: 0.125 }, // 1/8 each without Redis
});
