/**
 * Where the default path's cost goes, probe by probe: the overhead harness of
 * `npm run bench` (an upstream in its own process, interleaved rounds,
 * concurrency 16) over a few probes side by side — the floor row, the floor
 * row inside six bare async frames (what the policies' frames would cost if
 * they did nothing else), `createClient` with and without its breaker,
 * retry and body limit, and `createClient` over a `fetch` option that calls
 * the global fetch, which goes through ky (as every call of the default
 * client did until 2026-12-04; the default client now calls the global fetch
 * without ky): what ky's per-call work costs the client. Each run prints its
 * table; the last table gives the median and range of each probe's per-run
 * ratio to bare ky.
 *
 * Usage: node --expose-gc --import tsx bench/overhead-probes.ts [--runs=N]   (about 1 minute per run)
 */
import { loadavg } from 'node:os';

import { createClient } from '../src/index.js';
import type { ClientOptions } from '../src/index.js';
import { bareKy, kyWithAttemptFloor } from './contenders.js';
import { measureOverhead, overheadTable } from './overhead.js';
import type { OverheadRow } from './overhead.js';
import { BARE_KY, KY_FLOOR } from './overhead-clients.js';
import type { OverheadClient } from './overhead-clients.js';
import { runsSummaryTable } from './runs-summary.js';
import { startUpstream } from './upstream.js';

const RUNS = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? 2);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be an integer >= 1');
const FRAMES = 6;
/** The global fetch, read at each call, given as a `fetch` option: the client calls it through ky. */
const GLOBAL_FETCH_THROUGH_KY = ((input: Request | URL | string, init?: RequestInit) => globalThis.fetch(input, init)) as typeof fetch;

function insideFrames(call: (url: string) => Promise<unknown>, depth: number): (url: string) => Promise<unknown> {
  let outer = call;
  for (let level = 0; level < depth; level++) {
    const inner = outer;
    outer = async (url) => {
      const value = await inner(url);
      return value;
    };
  }
  return outer;
}

function clientProbe(name: string, options: ClientOptions): OverheadClient {
  return {
    name,
    make: (baseUrl) => {
      const client = createClient(baseUrl, { logger: false, ...options });
      return () => client.get('ok');
    },
  };
}

const PROBES: readonly OverheadClient[] = [
  {
    name: BARE_KY,
    make: (baseUrl) => {
      const http = bareKy();
      return () => http.get(`${baseUrl}ok`).json();
    },
  },
  {
    name: KY_FLOOR,
    make: (baseUrl) => {
      const call = kyWithAttemptFloor();
      return () => call(`${baseUrl}ok`);
    },
  },
  {
    name: `the floor row inside ${String(FRAMES)} bare async frames`,
    make: (baseUrl) => {
      const call = insideFrames(kyWithAttemptFloor(), FRAMES);
      return () => call(`${baseUrl}ok`);
    },
  },
  clientProbe('createClient (defaults, logger false)', {}),
  clientProbe('createClient without breaker and retry', { circuitBreaker: false, retry: false }),
  clientProbe('createClient without a body limit', { maxResponseSize: false }),
  clientProbe('createClient over the global fetch through ky (a fetch option)', { fetch: GLOBAL_FETCH_THROUGH_KY }),
];

async function main(): Promise<void> {
  console.log(`# overhead probes — Node ${process.version}, ${new Date().toISOString()}, load avg ${loadavg().map((value) => value.toFixed(2)).join(' ')}\n`);
  const upstream = await startUpstream();
  try {
    const runs: OverheadRow[][] = [];
    for (let run = 1; run <= RUNS; run++) {
      const rows = await measureOverhead(upstream.baseUrl, { rounds: 10, sliceMs: 500, warmupMs: 400, concurrency: 16 }, PROBES);
      runs.push(rows);
      console.log(`\n### Run ${String(run)} of ${String(RUNS)}\n\n${overheadTable(rows)}`);
    }
    console.log(`\n### Over the ${String(RUNS)} runs\n\n${runsSummaryTable(runs)}`);
  } finally {
    await upstream.close();
  }
}

await main();
