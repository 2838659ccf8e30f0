import { createClient } from '../src/index.js';
import { bareKy, kyWithAttemptFloor } from './contenders.js';
const BODY = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] }));
const BASE = 'http://127.0.0.1:8080/';
const URL_OK = `${BASE}ok`;
const CONTROLLER = { abort() {}, pause() {}, resume() {}, paused: false, aborted: false, reason: null };
const RAW_HEADERS = [Buffer.from('content-type'), Buffer.from('application/json'), Buffer.from('content-length'), Buffer.from(String(BODY.length))];
const d = {
  dispatch(_o: unknown, handler: any): boolean {
    queueMicrotask(() => {
      handler.onConnect?.(() => undefined);
      handler.onResponseStarted?.();
      handler.onHeaders?.(200, RAW_HEADERS, () => undefined, 'OK');
      handler.onData?.(BODY);
      handler.onComplete?.([]);
    });
    return true;
  },
  on() { return this; }, close() {}, destroy() {},
};
(globalThis as any)[Symbol.for('undici.globalDispatcher.1')] = d;
const variants: Record<string, () => () => Promise<unknown>> = {
  ky: () => { const h = bareKy(); return () => h.get(URL_OK).json(); },
  floor: () => { const c = kyWithAttemptFloor(); return () => c(URL_OK); },
  cc: () => { const c = createClient(BASE, { logger: false }); return () => c.get('ok'); },
  ccNoBreaker: () => { const c = createClient(BASE, { logger: false, circuitBreaker: false } as any); return () => c.get('ok'); },
  ccBare: () => { const c = createClient(BASE, { logger: false, circuitBreaker: false, retry: false } as any); return () => c.get('ok'); },
};
const names = process.argv.slice(2);
const fns = names.map((n) => variants[n]!());
async function run(f: () => Promise<unknown>, n: number) { for (let i = 0; i < n; i += 16) await Promise.all(Array.from({ length: 16 }, f)); }
for (const f of fns) await run(f, 20000);
const res: Record<string, number[]> = {};
for (let round = 0; round < 7; round++) {
  for (let k = 0; k < fns.length; k++) {
    (globalThis as any).gc?.();
    const t = process.cpuUsage();
    await run(fns[k]!, 20000);
    const u = process.cpuUsage(t);
    (res[names[k]!] ??= []).push((u.user + u.system) / 20000);
  }
}
for (const n of names) { const a = res[n]!.sort((x, y) => x - y); console.log(n.padEnd(12), a[3]!.toFixed(2), 'µs', `(${a[0]!.toFixed(2)}–${a[6]!.toFixed(2)})`); }
