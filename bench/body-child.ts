/**
 * One body measurement in a child process of its own, so its RSS is the
 * reader's alone: the peak RSS (`maxRSS`) while reading one large answer,
 * over the RSS before the call. Prints one JSON line.
 *
 * Usage: node --import tsx bench/body-child.ts <scenario> <fetch|undici|undici.request|fetch.raw> <url>
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { request } from 'undici';

import { createClient, isUpstreamError } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';

/** What one child measured. */
export interface BodyResult {
  scenario: string;
  reader: string;
  outcome: string;
  bytes: number;
  baselineRssMb: number;
  peakRssMb: number;
  growthMb: number;
  seconds: number;
  mbPerSecond: number;
}

const MB = 1024 * 1024;

/** A consumer that takes each chunk after a macrotask, as a writer to a file or a socket would. */
function pacedSink(count: (bytes: number) => void): Writable {
  return new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      count(chunk.length);
      setImmediate(callback);
    },
  });
}

/** One small answer first, so the baseline includes what any first call loads (fetch's undici is loaded lazily). */
async function warmUp(reader: string, url: string): Promise<void> {
  const small = new URL('bytes?size=65536', url).href;
  if (reader === 'undici.request') {
    await (await request(small)).body.dump();
    return;
  }
  if (reader === 'fetch.raw') {
    await (await fetch(small)).arrayBuffer();
    return;
  }
  const client = createClient(new URL('/', url).href, { logger: false, ...(reader === 'undici' ? { fetch: createUndiciFetch() } : {}) });
  const { body } = await client.stream('GET', 'bytes?size=65536');
  await new Response(body).arrayBuffer();
  await client.get('bytes?size=65536');
}

async function run(scenario: string, reader: string, url: string): Promise<Omit<BodyResult, 'baselineRssMb' | 'peakRssMb' | 'growthMb' | 'seconds' | 'mbPerSecond'>> {
  let bytes = 0;
  const counted = (n: number): void => {
    bytes += n;
  };
  if (reader === 'undici.request') {
    const { body } = await request(url);
    await pipeline(body, pacedSink(counted));
    return { scenario, reader, outcome: 'read', bytes };
  }
  if (reader === 'fetch.raw') {
    const response = await fetch(url);
    for await (const chunk of response.body ?? []) {
      counted(chunk.byteLength);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { scenario, reader, outcome: 'read', bytes };
  }
  const client = createClient(new URL('/', url).href, { logger: false, ...(reader === 'undici' ? { fetch: createUndiciFetch() } : {}) });
  const path = new URL(url).pathname.slice(1) + new URL(url).search;
  if (scenario.startsWith('stream')) {
    const { body } = await client.stream('GET', path, { timeout: { total: 600_000 } });
    for await (const chunk of body) {
      counted(chunk.byteLength);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { scenario, reader, outcome: 'read', bytes };
  }
  try {
    const data = await client.get(path);
    return { scenario, reader, outcome: 'read', bytes: (data as Uint8Array).byteLength };
  } catch (error) {
    if (!isUpstreamError(error)) throw error;
    return { scenario, reader, outcome: error.code, bytes: (error as { receivedBytes?: number }).receivedBytes ?? 0 };
  }
}

const [scenario, reader, url] = process.argv.slice(2);
if (scenario === undefined || reader === undefined || url === undefined) throw new Error('usage: body-child.ts <scenario> <reader> <url>');
await warmUp(reader, url);
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage().rss;
const t0 = performance.now();
const result = await run(scenario, reader, url);
const seconds = (performance.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
const full: BodyResult = {
  ...result,
  baselineRssMb: baseline / MB,
  peakRssMb: peak / MB,
  growthMb: (peak - baseline) / MB,
  seconds,
  mbPerSecond: result.bytes / MB / seconds,
};
process.stdout.write(`${JSON.stringify(full)}\n`);
