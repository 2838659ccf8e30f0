/**
 * The client's own CPU cost per call, without sockets: bare ky, the floor
 * row (ky carrying what each attempt must; bench/contenders.ts) and
 * createClient (defaults, logger false) over one in-process fetch that
 * answers a prebuilt small JSON Response at once. With no network and no
 * upstream process, the difference is what the client adds to ky (policies,
 * request preparation, body handling), and it barely moves with other load on
 * the machine. Interleaved rounds; median and minimum of the rounds after
 * three warm-up rounds.
 *
 * Usage: node --import tsx bench/client-overhead.ts [calls per round = 5000] [only = ky|floor|createClient]
 */
import ky from 'ky';

import { createClient } from '../src/index.js';
import { kyWithAttemptFloor } from './contenders.js';
import { fmt } from './measure.js';

const BODY = '{"ok":true,"service":"bench-upstream","items":[1,2,3]}';
const answer = (): Promise<Response> => Promise.resolve(new Response(BODY, { headers: { 'content-type': 'application/json' } }));
const inProcessFetch = answer as unknown as typeof fetch;

const VARIANTS: Record<string, () => Promise<unknown>> = {
  ky: (() => {
    const http = ky.create({ retry: 0, timeout: false, fetch: inProcessFetch });
    return () => http.get('http://127.0.0.1:1/ok').json();
  })(),
  floor: (() => {
    const call = kyWithAttemptFloor(inProcessFetch);
    return () => call('http://127.0.0.1:1/ok');
  })(),
  createClient: (() => {
    const client = createClient('http://127.0.0.1:1/', { logger: false, fetch: inProcessFetch });
    return () => client.get('ok');
  })(),
};

const [callsArg = '5000', only] = process.argv.slice(2);
const calls = Number(callsArg);
const ROUNDS = 15;
const WARMUP_ROUNDS = 3;
const results = new Map<string, number[]>();
const variants = Object.entries(VARIANTS).filter(([name]) => only === undefined || name === only);

for (let round = 0; round < ROUNDS; round++) {
  for (const [name, call] of variants) {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i += 16) await Promise.all(Array.from({ length: 16 }, call));
    const used = process.cpuUsage(before);
    if (round >= WARMUP_ROUNDS) results.set(name, [...(results.get(name) ?? []), (used.user + used.system) / calls]);
  }
}
for (const [name, values] of results) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(`${name.padEnd(14)} median ${fmt(sorted[Math.floor(sorted.length / 2)], 1)} µs/call, min ${fmt(sorted[0], 1)} µs/call`);
}
