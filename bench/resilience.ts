/**
 * Resilience table: logical requests against a misbehaving upstream — what
 * the caller got (success rate, latency), what the upstream had to bear
 * (requests per logical request), and how fast calls fail once a breaker
 * is open.
 */
import { isBrokenCircuitError } from 'cockatiel';
import ky from 'ky';

import { UpstreamCircuitOpenError, createClient } from '../src/index.js';
import { bareKy, naiveGet, naivePolicy } from './contenders.js';
import { fmt, markdownTable, median, pause, percentile, runCount } from './measure.js';
import type { Upstream, UpstreamStats } from './upstream.js';

/** One misbehaviour: the route and how many logical requests to send. */
export interface Scenario {
  route: keyof UpstreamStats;
  path: string;
  count: number;
}

/** How hard to push. */
export interface ResiliencePlan {
  scenarios: readonly Scenario[];
  concurrency: number;
}

interface Contender {
  name: string;
  /** Builds a fresh client (fresh breaker, fresh budget) and returns one call of `path`. */
  make(baseUrl: string, path: string): () => Promise<unknown>;
  /** Whether `error` is this contender's "circuit is open" rejection. */
  isCircuitOpen?(error: unknown): boolean;
}

const CONTENDERS: readonly Contender[] = [
  {
    name: 'no retry (bare ky)',
    make: (baseUrl, path) => {
      const http = bareKy();
      return () => http.get(baseUrl + path).json();
    },
  },
  { name: 'ky default retry', make: (baseUrl, path) => () => ky.get(baseUrl + path).json() },
  {
    name: 'ky + cockatiel (naive)',
    make: (baseUrl, path) => {
      const http = bareKy();
      const policy = naivePolicy();
      return () => naiveGet(policy, http, baseUrl + path);
    },
    isCircuitOpen: (error) => isBrokenCircuitError(error),
  },
  {
    name: 'createClient (defaults)',
    make: (baseUrl, path) => {
      const client = createClient(baseUrl, { logger: false });
      return () => client.get(path);
    },
    isCircuitOpen: (error) => error instanceof UpstreamCircuitOpenError,
  },
  {
    name: 'createClient (hedging 50 ms)',
    make: (baseUrl, path) => {
      const client = createClient(baseUrl, { logger: false, hedging: { delay: 50 } });
      return () => client.get(path);
    },
    isCircuitOpen: (error) => error instanceof UpstreamCircuitOpenError,
  },
];

/** One contender on one scenario. */
export interface ResilienceRow {
  route: string;
  client: string;
  count: number;
  successRate: number;
  amplification: number;
  p50: number;
  p99: number;
  p999: number;
  seconds: number;
  circuitOpen: number;
  circuitOpenP50: number;
  supportsBreaker: boolean;
}

/** Runs every contender on every scenario, each on a fresh client and a reset upstream. */
export async function measureResilience(upstream: Upstream, plan: ResiliencePlan): Promise<ResilienceRow[]> {
  const rows: ResilienceRow[] = [];
  for (const scenario of plan.scenarios) {
    for (const contender of CONTENDERS) {
      const call = contender.make(upstream.baseUrl, scenario.path);
      await pause(50);
      await upstream.reset();
      const t0 = performance.now();
      const records = await runCount(call, scenario.count, plan.concurrency);
      const seconds = (performance.now() - t0) / 1000;
      await pause(contender.name.includes('hedging') ? 600 : 20); // let aborted hedges' sockets close before counting
      const stats = await upstream.stats();
      const latencies = Float64Array.from(records, (record) => record.ms).sort();
      const open = records.filter((record) => !record.ok && contender.isCircuitOpen?.(record.error) === true);
      rows.push({
        route: `/${scenario.path}`,
        client: contender.name,
        count: records.length,
        successRate: records.filter((record) => record.ok).length / records.length,
        amplification: stats[scenario.route] / records.length,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        p999: percentile(latencies, 0.999),
        seconds,
        circuitOpen: open.length,
        circuitOpenP50: median(open.map((record) => record.ms)),
        supportsBreaker: contender.isCircuitOpen !== undefined,
      });
      process.stderr.write(`  resilience: /${scenario.path} × ${contender.name}: ${seconds.toFixed(1)} s\n`);
    }
  }
  return rows;
}

/** The resilience rows as a markdown table. */
export function resilienceTable(rows: readonly ResilienceRow[]): string {
  const body = rows.map((row) => [
    row.route,
    row.client,
    String(row.count),
    `${fmt(row.successRate * 100, 1)} %`,
    fmt(row.amplification, 2),
    fmt(row.p50, 1),
    fmt(row.p99, 1),
    fmt(row.p999, 1),
    !row.supportsBreaker ? 'no breaker' : row.circuitOpen === 0 ? 'never opened' : `${fmt(row.circuitOpenP50, 2)} ms (${row.circuitOpen} calls)`,
    fmt(row.seconds, 1),
  ]);
  return markdownTable(
    ['route', 'client', 'calls', 'success', 'upstream req / call', 'p50 ms', 'p99 ms', 'p99.9 ms', 'circuit-open rejection p50', 'run s'],
    body,
  );
}
