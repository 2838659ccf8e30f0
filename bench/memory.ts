/**
 * Memory check, run in a child process with `--expose-gc`: heap used after
 * full GCs before and after `count` requests through ONE createClient
 * instance, over the global fetch or over `createUndiciFetch()`. Prints one
 * JSON line with the result.
 *
 * Usage: node --expose-gc --import tsx bench/memory.ts <baseUrl> <count> [concurrency] [fetch|undici]
 */
import { spawn } from 'node:child_process';

import { createClient } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';
import { TSX_IMPORT, benchFile } from './upstream.js';

/** Which fetch the client sends through. */
export type MemoryTransport = 'fetch' | 'undici';

/** What the memory child measured. */
export interface MemoryResult {
  transport: MemoryTransport;
  requests: number;
  failures: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  growthMb: number;
  rssAfterMb: number;
  seconds: number;
}

const MB = 1024 * 1024;

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/** `count` GETs from `concurrency` loops, keeping nothing but the failure count (so the heap sees only the client). */
async function hammer(call: () => Promise<unknown>, count: number, concurrency: number): Promise<number> {
  let next = 0;
  let failures = 0;
  const loop = async (): Promise<void> => {
    while (next < count) {
      next++;
      await call().catch(() => {
        failures++;
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return failures;
}

async function main(baseUrl: string, count: number, concurrency: number, transport: MemoryTransport): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const client = createClient(baseUrl, transport === 'undici' ? { logger: false, fetch: createUndiciFetch() } : { logger: false });
  const call = (): Promise<unknown> => client.get('ok');
  await hammer(call, Math.min(2_000, Math.ceil(count / 5)), concurrency); // warm-up: JIT, pool, lazy singletons
  const before = await settledHeap(gc);
  const t0 = performance.now();
  const failures = await hammer(call, count, concurrency);
  const seconds = (performance.now() - t0) / 1000;
  const after = await settledHeap(gc);
  const result: MemoryResult = {
    transport,
    requests: count,
    failures,
    heapBeforeMb: before / MB,
    heapAfterMb: after / MB,
    growthMb: (after - before) / MB,
    rssAfterMb: process.memoryUsage().rss / MB,
    seconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs this file in a child process with `--expose-gc` and returns what it printed. */
export function measureMemory(baseUrl: string, count: number, concurrency: number, transport: MemoryTransport = 'fetch'): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', ...TSX_IMPORT, benchFile('memory.ts'), baseUrl, String(count), String(concurrency), transport],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as MemoryResult);
      else reject(new Error(`memory child exited with code ${String(code)}`));
    });
  });
}

if (process.argv[1] === benchFile('memory.ts')) {
  const [baseUrl, count, concurrency, transport = 'fetch'] = process.argv.slice(2);
  if (baseUrl === undefined || count === undefined || (transport !== 'fetch' && transport !== 'undici')) {
    throw new Error('usage: memory.ts <baseUrl> <count> [concurrency] [fetch|undici]');
  }
  await main(baseUrl, Number(count), Number(concurrency ?? '16'), transport);
}
