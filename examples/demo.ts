/**
 * `npm run demo`: resilient-http in one run.
 *
 * A real upstream ("inventory", node:http on 127.0.0.1) misbehaves on purpose,
 * phase by phase: flaky 503s, slow answers, 429/503 with Retry-After, a full
 * outage, then recovery. A front service ("storefront") calls it through
 * `createClient` behind `requestContext()` and `errorHandler()`. We drive
 * traffic through the front service with fetch, watch the pretty logs, and
 * end with numbers collected from the diagnostics channels.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { multistream, pino } from 'pino';
import pinoPretty from 'pino-pretty';

import { CHANNELS } from '../src/index.js';
import { DemoStats, phaseTable, table } from './demo/stats.js';
import { INVENTORY_OPTIONS, startStorefront } from './demo/storefront.js';
import type { Storefront } from './demo/storefront.js';
import { SLOW_MS, closeServer, startUpstream } from './demo/upstream.js';
import type { DemoUpstream, UpstreamPhase } from './demo/upstream.js';

const FOLLOWED_ID = 'demo-follow-0001';

// Pretty lines for the reader (synchronous, so they interleave with console.log in order),
// and the same lines as JSON in memory, so the summary can quote them.
const captured: Record<string, unknown>[] = [];
const pretty = pinoPretty({
  sync: true,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,service',
  // Errors inline and short: the upstream error's message, the handler's class and code.
  errorLikeObjectKeys: [],
  customPrettifiers: {
    error: (value) => {
      const error = value as { name?: string; message?: string };
      return `${error.name ?? 'Error'}: ${error.message ?? ''}`;
    },
    err: (value) => {
      const error = value as { name?: string; type?: string; code?: string };
      return `${error.name ?? error.type ?? 'Error'} (${error.code ?? 'no code'})`;
    },
  },
});
const logger = pino(
  { level: 'info' },
  multistream([
    { level: 'info', stream: pretty },
    { level: 'info', stream: { write: (line: string) => captured.push(JSON.parse(line) as Record<string, unknown>) } },
  ]),
);

const colors = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const bold = (text: string): string => (colors ? `\x1b[1m${text}\x1b[22m` : text);

interface Driver {
  front: Storefront;
  upstream: DemoUpstream;
  stats: DemoStats;
  /** Inbound request ID → what the front service echoed. */
  echoed: Map<string, string | null>;
}

async function get(d: Driver, product: string, requestId?: string): Promise<number> {
  const response = await fetch(`${d.front.url}/products/${product}`, requestId === undefined ? {} : { headers: { 'x-request-id': requestId } });
  await response.arrayBuffer();
  if (requestId !== undefined) d.echoed.set(requestId, response.headers.get('x-request-id'));
  return response.status;
}

function phase(d: Driver, title: string, upstreamPhase: UpstreamPhase, explanation: string): void {
  d.upstream.setPhase(upstreamPhase);
  d.stats.phase(title);
  console.log(`\n${bold(`── ${title} ──`)} ${explanation}  (circuit: ${d.front.inventory.circuitState})`);
}

async function run(d: Driver): Promise<void> {
  phase(d, 'flaky', 'flaky', 'one upstream answer in three is a 503; retries hide them from the caller');
  await get(d, 'p-1', FOLLOWED_ID);
  for (let i = 2; i <= 8; i++) await get(d, `p-${i}`);

  phase(d, 'slow', 'slow', `first attempts take ${SLOW_MS} ms, past the ${INVENTORY_OPTIONS.timeout.attempt} ms attempt timeout; "stuck" never makes it`);
  await get(d, 'p-9');
  await get(d, 'stuck');
  await get(d, 'p-10');

  phase(d, 'rate-limited', 'rate-limited', 'a 429 then a 503, both with Retry-After: 1 — the client waits exactly that');
  await get(d, 'p-11');
  await get(d, 'p-12');

  phase(d, 'outage', 'outage', 'every attempt fails (503 or connection reset) until the breaker opens and fails fast');
  for (let i = 13; i <= 18; i++) await get(d, `p-${i}`);

  phase(d, 'recovery', 'healthy', `the upstream is back, but the circuit stays open for ${INVENTORY_OPTIONS.circuitBreaker.halfOpenAfter} ms`);
  await get(d, 'p-19');
  console.log(`   … waiting ${INVENTORY_OPTIONS.circuitBreaker.halfOpenAfter + 100} ms for the breaker to let a probe through`);
  await sleep(INVENTORY_OPTIONS.circuitBreaker.halfOpenAfter + 100);
  for (let i = 20; i <= 23; i++) await get(d, `p-${i}`);
}

function summary(d: Driver): string {
  const { stats, upstream } = d;
  const out: string[] = [];
  out.push(bold('Summary (from the diagnostics channels)'), '', phaseTable(stats), '');
  out.push(`Upstream attempts counted by the client: ${stats.total.attempts}; requests the upstream actually received: ${upstream.received.length}.`);
  out.push(`Retries refused by the retry budget: ${stats.budgetRefusals}.`, '');
  out.push(bold('Errors by class (what the storefront got back from the client)'), '');
  out.push(table(['class', 'code', 'storefront answered', 'count'], [...stats.errorsByClass].map(([name, e]) => [name, e.code, e.statusCode, e.count])), '');
  out.push(bold('Circuit transitions'), '');
  const why = { open: `${INVENTORY_OPTIONS.circuitBreaker.consecutiveFailures} failures in a row`, 'half-open': `${INVENTORY_OPTIONS.circuitBreaker.halfOpenAfter} ms passed: one probe let through`, closed: 'the probe succeeded' };
  out.push(table(['at (s)', 'state', 'why', 'seen by request'], stats.transitions.map((t) => [(t.atMs / 1000).toFixed(2), t.state, why[t.state], t.requestId])), '');

  out.push(bold(`One request followed: ${FOLLOWED_ID}`), '');
  out.push(`  inbound header   x-request-id: ${FOLLOWED_ID}`);
  out.push(`  echoed back      x-request-id: ${d.echoed.get(FOLLOWED_ID) ?? '(none)'}`);
  for (const [i, r] of upstream.received.filter((x) => x.requestId === FOLLOWED_ID).entries()) {
    out.push(`  upstream saw     attempt ${i + 1}: ${r.method} ${r.path}  x-request-id: ${r.requestId ?? '(none)'}  → ${r.answer}`);
  }
  for (const line of captured.filter((l) => l.requestId === FOLLOWED_ID)) {
    const extra = ['attempt', 'waitMs', 'reason', 'status', 'durationMs'].filter((k) => k in line).map((k) => `${k}=${String(line[k])}`);
    out.push(`  log line         ${pino.levels.labels[line.level as number] ?? ''} ${String(line.msg)} ${extra.join(' ')}`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const stats = new DemoStats();
  const upstream = await startUpstream();
  const front = await startStorefront(upstream.url, logger);
  const d: Driver = { front, upstream, stats, echoed: new Map() };
  console.log(bold('resilient-http demo'));
  console.log(`inventory (misbehaving upstream) ${upstream.url}  ·  storefront (uses createClient) ${front.url}`);
  console.log(`client: attempt timeout ${INVENTORY_OPTIONS.timeout.attempt} ms, ${INVENTORY_OPTIONS.retry.maxAttempts} attempts, breaker opens after ${INVENTORY_OPTIONS.circuitBreaker.consecutiveFailures} failures`);
  console.log(`channels subscribed: ${Object.values(CHANNELS).join(', ')}`);
  try {
    await run(d);
    console.log(`\n${summary(d)}\n`);
  } finally {
    stats.stop();
    await closeServer(front.server);
    await upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exitCode = 1;
});
