/**
 * Instructions per call, counted by valgrind: a measure that other load on
 * the machine does not move (throughput on a shared 2-core VM swings ±10 %
 * from round to round). It is not exact either: GC and JIT work fall
 * unevenly between the two runs, and two counts of the same code differ by
 * up to ~2 % (756 733 and 770 821 for `createClient` on 2026-12-02), so it
 * tells apart differences of ~4 % or more, not the last per cent.
 *
 * Every client sends through the real global fetch — its Request, fetch
 * algorithm, headers, abort wiring and Response body streams — to an
 * in-process undici dispatcher installed as the global one, which answers
 * every request at once with the benchmark's small JSON body. No socket, no
 * upstream process, no timing: only the client's own work (and its GC) is
 * counted. Each variant runs twice under `valgrind --tool=callgrind` in
 * V8's `--single-threaded` mode, with 1 600 and 8 000 calls after the same
 * warm-up, and the difference is divided by 6 400, so start-up cancels out.
 *
 *   node --import tsx bench/instructions.ts [variant …]   (about 3 minutes per variant)
 *
 * Variants: `fetch` (the global fetch alone), `ky` (bare ky, retry 0,
 * timeout off), `floor` (bare ky carrying what each attempt must: signal,
 * timer, request-ID header), `createClient` (defaults, logger false), and
 * over `createUndiciFetch()` sending to the same in-process dispatcher:
 * `ky-undici` and `createClient-undici`. Needs valgrind (Debian's
 * `valgrind` package).
 */
import { execFileSync, spawn } from 'node:child_process';

import ky from 'ky';
import type { Dispatcher } from 'undici';

import { bareKy, kyWithAttemptFloor } from './contenders.js';
import { fmt } from './measure.js';
import { createClient } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';
import { benchFile, TSX_IMPORT } from './upstream.js';

const BODY = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] }));
const BASE = 'http://127.0.0.1:8080/';
const URL_OK = `${BASE}ok`;
const SMALL = 1_600;
const LARGE = 8_000;
const WARMUP = 3_000;

/** The undici dispatch controller, as far as fetch's handler uses it. */
const CONTROLLER = { abort() {}, pause() {}, resume() {}, paused: false, aborted: false, reason: null };

const RAW_HEADERS = [Buffer.from('content-type'), Buffer.from('application/json'), Buffer.from('content-length'), Buffer.from(String(BODY.length))];

/**
 * Answers every request at once, in a microtask, through undici's dispatch
 * callbacks: the legacy ones (`onConnect` … `onComplete`), which Node 24's
 * bundled fetch uses, or the newer `onRequestStart` … `onResponseEnd`.
 */
const inProcessDispatcher = {
  dispatch(_options: unknown, handler: Record<string, ((...args: unknown[]) => unknown) | undefined>): boolean {
    queueMicrotask(() => {
      if (handler.onRequestStart !== undefined) {
        handler.onRequestStart(CONTROLLER, {});
        handler.onResponseStart?.(CONTROLLER, 200, { 'content-type': 'application/json', 'content-length': String(BODY.length) }, 'OK');
        handler.onResponseData?.(CONTROLLER, BODY);
        handler.onResponseEnd?.(CONTROLLER, {});
        return;
      }
      handler.onConnect?.(() => undefined);
      handler.onResponseStarted?.();
      handler.onHeaders?.(200, RAW_HEADERS, () => undefined, 'OK');
      handler.onData?.(BODY);
      handler.onComplete?.([]);
    });
    return true;
  },
  on() {
    return this;
  },
  close() {},
  destroy() {},
};

const VARIANTS: Record<string, () => () => Promise<unknown>> = {
  fetch: () => async (): Promise<unknown> => (await fetch(URL_OK)).json() as Promise<unknown>,
  ky: () => {
    const http = bareKy();
    return () => http.get(URL_OK).json();
  },
  floor: () => {
    const call = kyWithAttemptFloor();
    return () => call(URL_OK);
  },
  createClient: () => {
    const client = createClient(BASE, { logger: false });
    return () => client.get('ok');
  },
  'ky-undici': () => {
    const http = ky.create({ retry: 0, timeout: false, fetch: createUndiciFetch({ dispatcher: inProcessDispatcher as unknown as Dispatcher }) });
    return () => http.get(URL_OK).json();
  },
  'createClient-undici': () => {
    const client = createClient(BASE, { logger: false, fetch: createUndiciFetch({ dispatcher: inProcessDispatcher as unknown as Dispatcher }) });
    return () => client.get('ok');
  },
};

async function runTarget(variant: string, calls: number): Promise<void> {
  const make = VARIANTS[variant];
  if (make === undefined) throw new Error(`unknown variant "${variant}": ${Object.keys(VARIANTS).join(', ')}`);
  // Node's bundled fetch reads its global dispatcher from this symbol (undici's setGlobalDispatcher sets it).
  (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')] = inProcessDispatcher;
  const call = make();
  for (let i = 0; i < WARMUP + calls; i += 16) await Promise.all(Array.from({ length: 16 }, call));
}

/** Instructions valgrind counted for one run of `variant` with `calls` calls. */
function countInstructions(variant: string, calls: number): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...TSX_IMPORT];
  const child = spawn('valgrind', [...args, benchFile('instructions.ts'), '--target', variant, String(calls)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || match?.[1] === undefined) reject(new Error(`valgrind run of ${variant} failed (exit ${String(code)}):\n${stderr.slice(-2000)}`));
      else resolve(Number(match[1]));
    });
  });
}

async function main(): Promise<void> {
  const targetAt = process.argv.indexOf('--target');
  if (targetAt !== -1) {
    await runTarget(process.argv[targetAt + 1] ?? '', Number(process.argv[targetAt + 2]));
    return;
  }
  execFileSync('valgrind', ['--version']); // fails at once, and clearly, without valgrind
  const variants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(VARIANTS);
  console.log(`# instructions per call (valgrind, Node ${process.version}; ${SMALL} vs ${LARGE} calls after ${WARMUP})\n`);
  const results: [string, number][] = [];
  for (const variant of variants) {
    // The two runs of a variant at once: one per core.
    const [small, large] = await Promise.all([countInstructions(variant, SMALL), countInstructions(variant, LARGE)]);
    const perCall = (large - small) / (LARGE - SMALL);
    results.push([variant, perCall]);
    const ky = results.find(([name]) => name === 'ky')?.[1];
    const ratio = ky === undefined ? '' : `  (${(perCall / ky).toFixed(3)}× bare ky)`;
    console.log(`${variant.padEnd(14)} ${fmt(perCall).padStart(9)} instructions/call${ratio}`);
  }
}

await main();
