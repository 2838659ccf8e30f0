import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';
import { redisServer, redisTestsEnabled } from '../support/redis-server.js';
import type { RedisServer } from '../support/redis-server.js';

const enabled = redisTestsEnabled();
const WORKER = fileURLToPath(new URL('../support/fleet-worker.ts', import.meta.url));

/** A worker process and its stdout lines, as they come. */
function startWorker(args: Record<string, unknown>): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(args)], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

describe.runIf(enabled)('a fleet of client processes sharing one quota on a real redis-server', () => {
  const upstream = useRealServer();
  const arrivals: number[] = [];
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await redisServer();
    await redis.start();
  });
  afterAll(async () => {
    await redis.kill();
  });

  it('sends at most `limit` per window from 3 processes together (node-redis and ioredis), and every call waits its turn and succeeds', { timeout: 60_000 }, async () => {
    upstream.handle((_req, res) => {
      arrivals.push(Date.now());
      res.end('ok');
    });
    const limit = 5;
    const intervalMs = 1000;
    const common = { upstream: upstream.url, redisPort: redis.port, prefix: `fleet${String(Date.now())}`, calls: 5, concurrency: 5, limit, intervalMs };
    const workers = (['redis', 'ioredis', 'redis'] as const).map((redisClient) => startWorker({ ...common, redisClient }));
    try {
      for (const worker of workers) expect((await worker.lines.next()).value).toBe('ready');
      for (const worker of workers) worker.child.stdin.write('go\n');
      const reports = [];
      for (const worker of workers) reports.push(JSON.parse(String((await worker.lines.next()).value)) as { ok: number; failed: string[] });

      expect(reports).toEqual([{ ok: 5, failed: [] }, { ok: 5, failed: [] }, { ok: 5, failed: [] }]);
      expect(upstream.requests).toHaveLength(15);
      // The contract: any span of k intervals holds at most (k + 1) × limit (arrival times are the upstream's,
      // a few ms after the sender's window on a loaded machine, which this bound absorbs).
      const sorted = [...arrivals].sort((x, y) => x - y);
      // Each process alone would have sent its 5 at once: 15 in the first few milliseconds.
      const busiest = Math.max(...sorted.map((start) => sorted.filter((at) => at >= start && at < start + intervalMs).length));
      expect(busiest).toBeLessThanOrEqual(2 * limit);
      // 15 calls at 5 per second need 3 windows: the last ones cannot be sent before the third starts.
      expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(intervalMs);
    } finally {
      for (const worker of workers) {
        if (worker.child.exitCode === null) {
          worker.child.kill();
          await once(worker.child, 'exit');
        }
      }
    }
  });
});
