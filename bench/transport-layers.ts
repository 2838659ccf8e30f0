/**
 * Splits the client's cost over a real socket into layers: bare ky, the
 * Transport alone (the global fetch, called without ky, text() + JSON.parse,
 * with and without the attempt's timer), and createClient with retry and/or breaker off, on both
 * transports. Prints each variant's client CPU µs/req, median over 5
 * interleaved rounds. `mode`: `k` for the global fetch only, `u` for
 * createUndiciFetch only, absent for both.
 *
 *   node --import tsx bench/transport-layers.ts [seconds-per-slice] [k|u]
 */
import { bareKy } from './contenders.js';
import { fmt, median, runSlice } from './measure.js';
import { startUpstream } from './upstream.js';
import { Transport } from '../src/transport/attempt.js';
import { AttemptSignal, ATTEMPT_TIMEOUT } from '../src/transport/attempt-signal.js';
import { createClient } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';
import ky from 'ky';

const seconds = Number(process.argv[2] ?? '1.5');
const upstream = await startUpstream();
const url = `${upstream.baseUrl}ok`;
const t = new Transport(undefined);
const req = { method: 'GET', href: url, headers: { 'x-request-id': '4a4a7d35-4b8f-4a41-9a67-1d6b0c6c1f3e' }, body: undefined, timeout: { attempt: 10000, total: 30000, idle: undefined }, responseType: 'auto', maxResponseSize: 10 * 1024 * 1024 } as const;
const http = bareKy();
const client = createClient(upstream.baseUrl, { logger: false });
const uf = createUndiciFetch();
const kyU = ky.create({ retry: 0, timeout: false, fetch: uf });
const tU = new Transport(uf);
const clientU = createClient(upstream.baseUrl, { logger: false, fetch: createUndiciFetch() });
const only = process.argv[3];
const all: Record<string, () => Promise<unknown>> = {
  'bare ky': () => http.get(url).json(),
  'Transport.send, plain signal': () => t.send(req, new AbortController().signal, 10000),
  'Transport.send, AttemptSignal': async () => { const s = new AttemptSignal(10000, ATTEMPT_TIMEOUT, undefined); try { return await t.send(req, s.signal, 10000); } finally { s.dispose(); } },
  'createClient': () => client.get('ok'),
  'createClient retry:false': ((c) => () => c.get('ok'))(createClient(upstream.baseUrl, { logger: false, retry: false })),
  'createClient breaker:false': ((c) => () => c.get('ok'))(createClient(upstream.baseUrl, { logger: false, circuitBreaker: false })),
  'createClient both false': ((c) => () => c.get('ok'))(createClient(upstream.baseUrl, { logger: false, circuitBreaker: false, retry: false })),
  'ky over undici': () => kyU.get(url).json(),
  'Transport(undici).send, AttemptSignal': async () => { const s = new AttemptSignal(10000, ATTEMPT_TIMEOUT, undefined); try { return await tU.send(req, s.signal, 10000); } finally { s.dispose(); } },
  'createClient over undici': () => clientU.get('ok'),
};
const variants = Object.fromEntries(Object.entries(all).filter(([k]) => only === undefined || (only === 'u' ? /undici/.test(k) : !/undici/.test(k))));
try {
  const names = Object.keys(variants);
  for (const name of names) await runSlice(variants[name]!, 16, 300);
  const cpu: Record<string, number[]> = {};
  for (let round = 0; round < 5; round++) {
    for (const name of names) {
      const before = process.cpuUsage();
      const slice = await runSlice(variants[name]!, 16, seconds * 1000);
      const used = process.cpuUsage(before);
      (cpu[name] ??= []).push((used.user + used.system) / (slice.throughput * seconds));
    }
  }
  for (const name of names) console.log(`${name.padEnd(42)} median ${fmt(median(cpu[name]!), 0)}  [${cpu[name]!.map((v) => fmt(v, 0)).join(' ')}] µs/req`);
} finally {
  await upstream.close();
  await uf.close();
}
