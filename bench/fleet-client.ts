/**
 * One instance of the fleet in `npm run bench:fleet` (bench/fleet.ts), as its own process: prints `ready`,
 * waits for a line on stdin, then offers `rate` calls per second (open loop: calls start on schedule
 * whatever the earlier ones do) for `durationMs`, waits for the calls in flight, and prints one JSON
 * line: `{ calls, ok, latencies }` (each call's ms, successes and failures alike).
 */
import { subscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';

import { createClient as createRedis } from 'redis';

import { CHANNELS, createClient } from '../src/index.js';
import type { ClientOptions, ThrottleEvent } from '../src/index.js';
import { createRedisStore } from '../src/redis/index.js';

/** The setups the benchmark compares: the four, and the two policies again without the circuit breaker. */
export type FleetSetup = 'defaults' | 'adaptive' | 'adaptive-no-breaker' | 'rate-limit' | 'rate-limit-no-breaker' | 'naive';

interface ClientArgs {
  setup: FleetSetup;
  upstream: string;
  redisPort: number | undefined;
  rate: number;
  durationMs: number;
  capacity: number;
  totalTimeoutMs: number;
  clients: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;

/** A naive retry loop, as services write it: three attempts, a fixed 100 ms pause, no budget, no breaker. */
async function naiveCall(url: string): Promise<void> {
  const signal = AbortSignal.timeout(args.totalTimeoutMs);
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { signal });
    await response.arrayBuffer();
    if (response.ok) return;
    if (attempt === 3) throw new Error(`status ${String(response.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function makeCall(): Promise<() => Promise<unknown>> {
  if (args.setup === 'naive') return () => naiveCall(`${args.upstream}item`);
  const options: ClientOptions = { name: 'fleet-bench', logger: false, timeout: { total: args.totalTimeoutMs } };
  if (args.setup.endsWith('no-breaker')) options.circuitBreaker = false;
  if (args.setup.startsWith('adaptive')) options.adaptiveThrottling = true;
  if (args.setup.startsWith('rate-limit')) {
    if (args.redisPort === undefined) throw new Error('the rate-limit setup needs Redis');
    const redis = createRedis({ url: `redis://127.0.0.1:${String(args.redisPort)}` });
    redis.on('error', () => undefined);
    await redis.connect();
    // The capacity per 100 ms window: the same rate as C per second, without a burst of a whole second.
    options.rateLimit = { limit: Math.max(1, Math.round(args.capacity / 10)), intervalMs: 100 };
    // Without Redis, each instance keeps to its share of the fleet's quota.
    options.fleet = { store: createRedisStore(redis), key: 'fleet-bench', localShare: 1 / args.clients };
  }
  const client = createClient(args.upstream, options);
  return () => client.get('item');
}

const call = await makeCall();
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => { resolve(); }));

/** Local overload decisions, `decision/reason` → count (fallbacks to the in-process limiter included). */
const decisions: Record<string, number> = {};
subscribe(CHANNELS.throttle, (message) => {
  const event = message as ThrottleEvent;
  const key = `${event.decision}/${event.reason}`;
  decisions[key] = (decisions[key] ?? 0) + 1;
});
const latencies: number[] = [];
const failures: Record<string, number> = {};
let ok = 0;
const pending = new Set<Promise<void>>();
const start = performance.now();
let started = 0;
const total = Math.round((args.rate * args.durationMs) / 1000);
while (started < total) {
  const due = Math.min(total, Math.floor(((performance.now() - start) * args.rate) / 1000));
  for (; started < due; started++) {
    const begun = performance.now();
    const done = call().then(
      () => {
        ok++;
      },
      (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        const key = typeof code === 'string' ? `${code}${(error as { reason?: string }).reason === undefined ? '' : `/${String((error as { reason?: string }).reason)}`}` : 'other';
        failures[key] = (failures[key] ?? 0) + 1;
      },
    ).then(() => {
      latencies.push(performance.now() - begun);
      pending.delete(done);
    });
    pending.add(done);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await Promise.all(pending);
console.log(JSON.stringify({ calls: total, ok, latencies, failures, decisions }));
process.exit(0);
