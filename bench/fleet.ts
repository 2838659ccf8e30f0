/**
 * `npm run bench:fleet` — a fleet under overload. N client processes (8) call one upstream whose
 * capacity is C requests per second (a token bucket of C/s holding 0.2 s of them; beyond it the upstream
 * answers 503 at once, as an overloaded service sheds), offering 3 × C calls per second in all for 10 s,
 * each call with a 2 s deadline, under four setups: the client's defaults (retry + budget + breaker);
 * + adaptive throttling; + the rate limit at C shared on Redis; and a naive retry loop (3 attempts,
 * 100 ms apart, no budget); and the two policies again with the circuit breaker off (the default
 * consecutive breaker opens under a brownout that sheds two thirds of the attempts). Reports what the upstream received and answered well per second ÷ C over
 * the 10 s, the callers' success rate and p99.
 *
 * Options: `--clients=8 --capacity=200 --seconds=10 --load=3 --setups=defaults,adaptive,adaptive-no-breaker,rate-limit,rate-limit-no-breaker,naive`.
 * The Redis setup needs `redis-server` on PATH (it is started on a free port on 127.0.0.1, and stopped).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, ChildProcessByStdio } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import type { FleetSetup } from './fleet-client.js';
import { fmt, markdownTable, percentile } from './measure.js';

const arg = (name: string, fallback: string): string =>
  process.argv.find((value) => value.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const CLIENTS = Number(arg('clients', '8'));
const CAPACITY = Number(arg('capacity', '200'));
const SECONDS = Number(arg('seconds', '10'));
const LOAD = Number(arg('load', '3'));
const SETUPS = arg('setups', 'defaults,adaptive,adaptive-no-breaker,rate-limit,rate-limit-no-breaker,naive').split(',') as FleetSetup[];
const DEADLINE_MS = 2_000;
const CLIENT = fileURLToPath(new URL('./fleet-client.ts', import.meta.url));

const LABELS: Record<FleetSetup, string> = {
  defaults: 'defaults (retry + budget + breaker)',
  adaptive: '+ adaptiveThrottling: true',
  'adaptive-no-breaker': '+ adaptiveThrottling: true, circuitBreaker: false',
  'rate-limit': '+ rateLimit at C, shared on Redis',
  'rate-limit-no-breaker': '+ rateLimit at C on Redis, circuitBreaker: false',
  naive: 'naive retry loop, no budget',
};

/** The upstream: C requests per second through a token bucket holding 0.2 s of them; 503 beyond. */
function startUpstream(): Promise<{ url: string; window: (from: number, to: number) => { received: number; ok: number }; close: () => void }> {
  const burst = CAPACITY / 5;
  let tokens = burst;
  let refilledAt = performance.now();
  const received: number[] = [];
  const answered: number[] = [];
  const server = createServer((_req, res) => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) * CAPACITY) / 1000);
    refilledAt = now;
    received.push(now);
    if (tokens >= 1) {
      tokens -= 1;
      answered.push(now);
      res.end('ok');
    } else {
      res.statusCode = 503;
      res.end();
    }
  });
  server.keepAliveTimeout = 60_000;
  const count = (times: number[], from: number, to: number): number => times.filter((t) => t >= from && t < to).length;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${String(port)}/`,
        window: (from, to) => ({ received: count(received, from, to), ok: count(answered, from, to) }),
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

/** A redis-server on a free port, or `undefined` when the binary is missing. */
async function startRedis(): Promise<{ port: number; child: ChildProcess } | undefined> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let tries = 0; tries < 200; tries++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => { resolve(false); });
    });
    if (up) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('redis-server did not start');
}

interface Report {
  calls: number;
  ok: number;
  latencies: number[];
  failures: Record<string, number>;
  decisions: Record<string, number>;
}

async function runSetup(setup: FleetSetup, upstream: Awaited<ReturnType<typeof startUpstream>>, redisPort: number | undefined): Promise<string[]> {
  const rate = (LOAD * CAPACITY) / CLIENTS;
  const args = { setup, upstream: upstream.url, redisPort, rate, durationMs: SECONDS * 1000, capacity: CAPACITY, totalTimeoutMs: DEADLINE_MS, clients: CLIENTS };
  const children: ChildProcessByStdio<Writable, Readable, null>[] = [];
  const lines: AsyncIterator<string>[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    lines.push(createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  }
  for (const line of lines) {
    const ready = await line.next();
    if (ready.value !== 'ready') throw new Error(`a client did not start: ${String(ready.value)}`);
  }
  const go = performance.now();
  for (const child of children) child.stdin.write('go\n');
  const reports: Report[] = [];
  for (const line of lines) reports.push(JSON.parse(String((await line.next()).value)) as Report);
  const seen = upstream.window(go, go + SECONDS * 1000);
  const failures: Record<string, number> = {};
  for (const report of reports) for (const [code, n] of Object.entries(report.failures)) failures[code] = (failures[code] ?? 0) + n;
  const decisions: Record<string, number> = {};
  for (const report of reports) for (const [key, n] of Object.entries(report.decisions)) decisions[key] = (decisions[key] ?? 0) + n;
  console.error(`${setup}: failures ${JSON.stringify(failures)}; local decisions ${JSON.stringify(decisions)}`);
  const calls = reports.reduce((sum, report) => sum + report.calls, 0);
  const ok = reports.reduce((sum, report) => sum + report.ok, 0);
  const latencies = new Float64Array(reports.flatMap((report) => report.latencies)).sort();
  const perSecond = (count: number): number => count / SECONDS / CAPACITY;
  return [LABELS[setup], fmt(perSecond(seen.received), 2), fmt(perSecond(seen.ok), 2), `${fmt((100 * ok) / calls, 1)} %`, `${fmt(percentile(latencies, 0.99))} ms`];
}

const upstream = await startUpstream();
const redis = SETUPS.some((setup) => setup.startsWith('rate-limit')) ? await startRedis() : undefined;
const rows: string[][] = [];
const loadBefore = loadavg();
try {
  for (const setup of SETUPS) {
    if (setup.startsWith('rate-limit') && redis === undefined) {
      rows.push([LABELS[setup], 'skipped: no redis-server (apt-get install -y redis-server)', '', '', '']);
      continue;
    }
    rows.push(await runSetup(setup, upstream, redis?.port));
    console.error(`done: ${setup}`);
  }
} finally {
  upstream.close();
  redis?.child.kill('SIGKILL');
}
const loadAfter = loadavg();
console.log(`\nnpm run bench:fleet -- --clients=${String(CLIENTS)} --capacity=${String(CAPACITY)} --seconds=${String(SECONDS)} --load=${String(LOAD)}`);
console.log(`${String(CLIENTS)} client processes, C = ${String(CAPACITY)} req/s, ${String(LOAD)} × C offered for ${String(SECONDS)} s, ${String(DEADLINE_MS)} ms deadline per call; ` +
  `Node ${process.version}, ${String(cpus().length)} cores, load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')} before, ${loadAfter.map((v) => v.toFixed(2)).join(' ')} after\n`);
console.log(markdownTable(['setup', 'upstream received ÷ C', 'goodput ÷ C', 'success rate', 'p99'], rows));
