/**
 * `npm run bench:bodies` — memory and throughput of large answers, each read
 * in a child process of its own (bench/body-child.ts) from a server in this
 * one: peak RSS growth while reading a 200 MB body and a 1 GiB gzip bomb with
 * the default 10 MiB limit, and a 500 MB `stream()` read at the consumer's
 * pace, on both transports; and the stream's throughput beside
 * `undici.request` reading the same body. `--runs=N` (3 by default): median
 * and range of each figure over the runs. Prints the load average too: a
 * figure taken on a loaded machine is not a result.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';

import type { BodyResult } from './body-child.js';
import { TSX_IMPORT, benchFile } from './upstream.js';

const MB = 1024 * 1024;
const RUNS = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? 3);

/** The gzip of 1 GiB of zeros (about 1 MB), made once. */
function gzipBomb(): Buffer {
  const zeros = Buffer.alloc(64 * MB);
  const part = gzipSync(zeros, { level: 9 });
  // gzip members concatenate: 16 members of 64 MiB each decode to 1 GiB.
  return Buffer.concat(Array.from({ length: 16 }, () => part));
}

/** `size` bytes of 'a' under backpressure; with a `Content-Length` or, when `chunked`, without one. */
function sendBytes(response: ServerResponse, size: number, chunked = false): void {
  const length: Record<string, string> = chunked ? {} : { 'content-length': String(size) };
  response.writeHead(200, { 'content-type': 'application/octet-stream', ...length });
  const block = Buffer.alloc(MB, 0x61);
  let sent = 0;
  const write = (): void => {
    while (sent < size) {
      const piece = block.subarray(0, Math.min(block.length, size - sent));
      sent += piece.length;
      if (!response.write(piece)) {
        response.once('drain', write);
        return;
      }
    }
    response.end();
  };
  response.on('close', () => response.off('drain', write));
  write();
}

async function startServer(): Promise<{ url: string; close: () => void }> {
  const bomb = gzipBomb();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/bomb') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      response.end(bomb);
      return;
    }
    const size = Number(url.searchParams.get('size') ?? '0');
    // No Content-Length for the bounded read: the limit must stop it while reading, not before.
    sendBytes(response, size, url.pathname === '/chunked');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => { server.closeAllConnections(); server.close(); } };
}

function child(scenario: string, reader: string, url: string): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', ...TSX_IMPORT, benchFile('body-child.ts'), scenario, reader, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => (out += chunk));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as BodyResult);
      else reject(new Error(`${scenario}/${reader} exited with ${String(code)}`));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function span(values: readonly number[], digits = 0): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

const READER_NAMES: Record<string, string> = {
  fetch: 'createClient, global fetch',
  undici: 'createClient, createUndiciFetch',
  'undici.request': '`undici.request` (the limit)',
  'fetch.raw': 'the global `fetch` alone (no client)',
};

const PLAN = [
  { scenario: 'bounded read, 200 MB body (no Content-Length)', path: 'chunked?size=' + String(200 * MB), readers: ['fetch', 'undici'] },
  { scenario: 'bounded read, 1 GiB gzip bomb (1 MB on the wire)', path: 'bomb', readers: ['fetch', 'undici'] },
  { scenario: 'stream(), 500 MB at the consumer\'s pace', path: 'bytes?size=' + String(500 * MB), readers: ['fetch', 'undici', 'undici.request', 'fetch.raw'] },
] as const;

const server = await startServer();
const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${one} ${five} ${fifteen}, ${RUNS} runs\n`);
const results = new Map<string, BodyResult[]>();
for (let run = 0; run < RUNS; run++) {
  for (const { scenario, path, readers } of PLAN) {
    for (const reader of readers) {
      const result = await child(scenario.startsWith('stream') ? 'stream' : 'bounded', reader, server.url + path);
      const key = `${scenario}|${reader}`;
      results.set(key, [...(results.get(key) ?? []), result]);
    }
  }
}
server.close();

console.log('| answer | reader | outcome | RSS growth, MB: median (range) | MB/s: median (range) |');
console.log('|---|---|---|---|---|');
for (const [key, runs] of results) {
  const [scenario, reader] = key.split('|');
  console.log(`| ${scenario} | ${READER_NAMES[reader ?? ''] ?? reader} | ${runs[0]?.outcome ?? ''} | ${span(runs.map((r) => r.growthMb))} | ${span(runs.map((r) => r.mbPerSecond))} |`);
}
const limit = results.get(`${PLAN[2].scenario}|undici.request`)?.map((r) => r.mbPerSecond) ?? [];
for (const reader of ['fetch', 'undici', 'fetch.raw'] as const) {
  const ours = results.get(`${PLAN[2].scenario}|${reader}`)?.map((r) => r.mbPerSecond) ?? [];
  const ratios = ours.map((value, i) => value / (limit[i] ?? Number.NaN));
  console.log(`\n${READER_NAMES[reader] ?? reader} ÷ undici.request, 500 MB stream, same run: ${span(ratios, 2)}×`);
}
