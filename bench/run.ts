/**
 * `npm run bench` — overhead, memory and resilience benchmarks against an
 * upstream in a child process. `npm run bench -- --quick` is a ~20 s smoke
 * run with the same code paths and smaller numbers. The overhead section runs
 * `--runs=N` times (3 by default, 1 with --quick) and ends with the median and
 * range of each client's ratio over the runs. `--focus` measures only the
 * clients the goals compare (more, shorter rounds) and skips the rest.
 */
import { cpus, loadavg, totalmem } from 'node:os';

import { fmt } from './measure.js';
import { measureMemory } from './memory.js';
import { measureOverhead, overheadTable } from './overhead.js';
import type { OverheadPlan } from './overhead.js';
import { FOCUS_CLIENTS, OVERHEAD_CLIENTS } from './overhead-clients.js';
import { measureResilience, resilienceTable } from './resilience.js';
import type { OverheadRow } from './overhead.js';
import { runsSummaryTable } from './runs-summary.js';
import type { ResiliencePlan } from './resilience.js';
import { startUpstream } from './upstream.js';

const quick = process.argv.includes('--quick');
const focus = process.argv.includes('--focus');
const RUNS = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? (quick ? 1 : 3));
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be an integer >= 1');

const OVERHEAD: OverheadPlan = quick
  ? { rounds: 3, sliceMs: 150, warmupMs: 100, concurrency: 16 }
  : focus
    ? { rounds: 10, sliceMs: 500, warmupMs: 400, concurrency: 16 }
    : { rounds: 5, sliceMs: 800, warmupMs: 400, concurrency: 16 };
const MEMORY_REQUESTS = quick ? 5_000 : 100_000;
const RESILIENCE: ResiliencePlan = quick
  ? {
      concurrency: 8,
      scenarios: [
        { route: 'flaky', path: 'flaky?rate=0.2', count: 150 },
        { route: 'down', path: 'down', count: 24 },
        { route: 'slow-tail', path: 'slow-tail', count: 150 },
      ],
    }
  : {
      concurrency: 8,
      scenarios: [
        { route: 'flaky', path: 'flaky?rate=0.2', count: 1_000 },
        { route: 'down', path: 'down', count: 120 },
        { route: 'slow-tail', path: 'slow-tail', count: 1_000 },
      ],
    };

function header(): string {
  const cpu = cpus();
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  return (
    `# resilient-http bench${quick ? ' (--quick)' : ''} — ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ` +
    `${fmt(totalmem() / 1024 ** 3, 1)} GB RAM, Node ${process.version}, ${new Date().toISOString()}, load avg ${load}`
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(header());
  const upstream = await startUpstream();
  try {
    console.log(
      `\n## Overhead — GET /ok (small JSON, parsed), concurrency ${OVERHEAD.concurrency}, ` +
        `${OVERHEAD.rounds} interleaved rounds × ${OVERHEAD.sliceMs} ms per client\n`,
    );
    const runs: OverheadRow[][] = [];
    for (let run = 1; run <= RUNS; run++) {
      const overhead = await measureOverhead(upstream.baseUrl, OVERHEAD, focus ? FOCUS_CLIENTS : OVERHEAD_CLIENTS);
      runs.push(overhead);
      if (RUNS > 1) console.log(`\n### Run ${run} of ${RUNS}\n`);
      console.log(overheadTable(overhead));
    }
    if (RUNS > 1) {
      console.log(`\n### Over the ${RUNS} runs\n`);
      console.log(runsSummaryTable(runs));
    }
    console.log(
      '\nreq/s is the median of the rounds; "× bare ky (per round)" is the median over rounds of the ratio within a round; p50/p99 are medians of the per-round percentiles. CPU µs/req is this ' +
        'process\'s CPU time (user + system) per request, median of the rounds: the upstream runs in another process, ' +
        'so it is the client\'s own cost, and less sensitive than req/s to other load on the machine. got and axios use a ' +
        'keep-alive http.Agent (maxSockets 64); fetch, ky and undici.request pool connections by default. ' +
        '"undici 8 fetch" needs an adapter to be given to ky (it rejects Node\'s bundled Request class). ' +
        'The naive composition prints a MaxListenersExceededWarning at this concurrency (execute() without a per-call signal).',
    );

    if (focus) return;

    console.log(`\n## Memory — ${fmt(MEMORY_REQUESTS)} GETs through one createClient (logger false), concurrency 16\n`);
    for (const transport of ['fetch', 'undici'] as const) {
      const memory = await measureMemory(upstream.baseUrl, MEMORY_REQUESTS, 16, transport);
      console.log(
        `${transport === 'fetch' ? 'global fetch     ' : 'createUndiciFetch'}: heap used after GC ${fmt(memory.heapBeforeMb, 2)} MB before, ` +
          `${fmt(memory.heapAfterMb, 2)} MB after → growth ${fmt(memory.growthMb, 2)} MB (rss ${fmt(memory.rssAfterMb, 0)} MB, ` +
          `${memory.failures} failures, ${fmt(memory.requests / memory.seconds)} req/s)`,
      );
    }

    console.log(
      `\n## Resilience — concurrency ${RESILIENCE.concurrency}; /flaky answers 503 to 20 % (seeded), /down always 503, ` +
        '/slow-tail delays 5 % by 500 ms (seeded)\n',
    );
    const resilience = await measureResilience(upstream, RESILIENCE);
    console.log(resilienceTable(resilience));
    console.log(
      '\nLatencies cover every call, failed or not. createClient runs with its default retry (3 attempts, 200 ms ' +
        'initial delay, full jitter, retry budget) and breaker (5 consecutive failures, 10 s half-open), logger false. ' +
        'ky default retry: 2 retries at 300/600 ms. Naive: cockatiel retry(2 retries, ExponentialBackoff) → ' +
        'breaker(5) → timeout(10 s) around ky (retry 0, timeout off); its open-circuit rejections are retried with backoff. ' +
        '/down gets fewer calls than the other routes: ky\'s default retry spends 0.9 s on each. Upstream requests ' +
        'are counted by the upstream itself (/stats), hedges included.',
    );
  } finally {
    await upstream.close();
    console.log(`\n(total ${fmt((performance.now() - started) / 1000, 0)} s)`);
  }
}

await main();
