/**
 * One instance of a fleet, as its own process (test/redis/fleet-processes.test.ts): a client sharing a
 * rate limit through Redis. Prints `ready` once connected, waits for a line on stdin, makes its calls
 * (`concurrency` loops), prints one JSON line `{ ok, failed }` and exits. Run with `node --import tsx`.
 */
import { createInterface } from 'node:readline';

import { Redis } from 'ioredis';
import { createClient as createRedis } from 'redis';

import { createClient } from '../../src/index.js';
import { createRedisStore } from '../../src/redis/index.js';

interface WorkerArgs {
  upstream: string;
  redisPort: number;
  redisClient: 'redis' | 'ioredis';
  prefix: string;
  calls: number;
  concurrency: number;
  limit: number;
  intervalMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const connect = async (): Promise<{ store: object; close: () => void }> => {
  if (args.redisClient === 'ioredis') {
    const client = new Redis(args.redisPort, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return { store: client, close: () => { client.disconnect(); } };
  }
  const client = createRedis({ url: `redis://127.0.0.1:${String(args.redisPort)}` });
  client.on('error', () => undefined);
  await client.connect();
  return { store: client, close: () => { client.destroy(); } };
};

const redis = await connect();
const client = createClient(args.upstream, {
  name: 'fleet-test',
  logger: false,
  rateLimit: { limit: args.limit, intervalMs: args.intervalMs },
  fleet: { store: createRedisStore(redis.store, { prefix: args.prefix }), key: 'shared-quota' },
});
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => { resolve(); }));

let ok = 0;
const failed: string[] = [];
const perLoop = Math.ceil(args.calls / args.concurrency);
await Promise.all(
  Array.from({ length: args.concurrency }, async () => {
    for (let i = 0; i < perLoop; i++) {
      try {
        await client.get('item');
        ok++;
      } catch (error) {
        failed.push((error as { code?: string }).code ?? String(error));
      }
    }
  }),
);
console.log(JSON.stringify({ ok, failed }));
redis.close();
