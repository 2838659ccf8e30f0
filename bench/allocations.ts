/**
 * Bytes allocated per call, garbage included: V8's sampling heap profiler
 * (one sample per 64 bytes on average, objects the GC has since collected
 * kept), over 20 000 calls after a warm-up. Unlike time or instruction
 * counts, it barely moves from run to run (±0.2 %), so it shows what one
 * change to the healthy path costs or saves — an async frame is ~0.4 KB.
 *
 * Every variant sends through a global fetch replaced by one that answers a
 * prebuilt small JSON `Response` at once: no socket, only the client's work.
 * Variants: `ky` (bare ky, retry 0, timeout off), `floor` (ky carrying what
 * each attempt must: signal, timer, request-ID header), `createClient`
 * (defaults, logger false). With `--sites`, the allocation sites in `src/`
 * of each variant are listed too.
 *
 *   node --import tsx bench/allocations.ts [variant …] [--sites]
 */
import { Session } from 'node:inspector/promises';

import { createClient } from '../src/index.js';
import { bareKy, kyWithAttemptFloor } from './contenders.js';
import { fmt } from './measure.js';

const BODY = JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] });
const HEADERS = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(BODY)) };
const BASE = 'http://127.0.0.1:1/';
const CALLS = 20_000;
const WARMUP = 20_000;
const CONCURRENCY = 16;

/** One node of V8's sampling heap profile. */
interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

const VARIANTS: Record<string, () => () => Promise<unknown>> = {
  ky: () => {
    const http = bareKy();
    return () => http.get(`${BASE}ok`).json();
  },
  floor: () => {
    const floor = kyWithAttemptFloor();
    return () => floor(`${BASE}ok`);
  },
  createClient: () => {
    const client = createClient(BASE, { logger: false });
    return () => client.get('ok');
  },
};

async function run(call: () => Promise<unknown>, calls: number): Promise<void> {
  for (let i = 0; i < calls; i += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, call));
}

/** Bytes per call in all, and per allocation site in `src/`. */
async function measure(call: () => Promise<unknown>): Promise<{ perCall: number; sites: Map<string, number> }> {
  await run(call, WARMUP);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(call, CALLS);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  session.disconnect();
  let total = 0;
  const sites = new Map<string, number>();
  const visit = (node: ProfileNode): void => {
    total += node.selfSize;
    const at = node.callFrame.url.indexOf('/src/');
    if (at !== -1 && node.selfSize > 0) {
      const site = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.slice(at + 1)}`;
      sites.set(site, (sites.get(site) ?? 0) + node.selfSize / CALLS);
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  return { perCall: total / CALLS, sites };
}

const args = process.argv.slice(2);
const showSites = args.includes('--sites');
const chosen = args.filter((arg) => !arg.startsWith('--'));
const names = chosen.length === 0 ? Object.keys(VARIANTS) : chosen;

globalThis.fetch = () => Promise.resolve(new Response(BODY, { headers: HEADERS }));
console.log(`# bytes allocated per call (sampling heap profiler, Node ${process.version}; ${CALLS} calls after ${WARMUP})\n`);
for (const name of names) {
  const make = VARIANTS[name];
  if (make === undefined) throw new Error(`unknown variant "${name}": ${Object.keys(VARIANTS).join(', ')}`);
  const { perCall, sites } = await measure(make());
  console.log(`${name.padEnd(14)} ${fmt(perCall)} bytes/call`);
  if (showSites) {
    for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${fmt(bytes).padStart(6)}  ${site}`);
  }
}
