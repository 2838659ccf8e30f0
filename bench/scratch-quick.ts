import { OVERHEAD_CLIENTS } from './overhead-clients.js';
import { fmt, median, pause, runSlice } from './measure.js';
import { startUpstream } from './upstream.js';
const names = (process.argv[2] ?? '').split(',');
const clients = OVERHEAD_CLIENTS.filter((c) => names.some((n) => c.name.startsWith(n)));
const upstream = await startUpstream();
const calls = clients.map((c) => c.make(upstream.baseUrl));
for (const call of calls) await runSlice(call, 16, 400);
const tp = calls.map((): number[] => []), cpu = calls.map((): number[] => []);
for (let r = 0; r < 5; r++) for (let k = 0; k < calls.length; k++) { const i = (r + k) % calls.length; await pause(20); const s = await runSlice(calls[i]!, 16, 800); tp[i]!.push(s.throughput); cpu[i]!.push(s.cpuMicrosPerRequest); }
const ky = median(tp[0]!);
clients.forEach((c, i) => console.log(`${c.name.padEnd(70)} ${fmt(median(tp[i]!)).padStart(7)} req/s  ×ky ${fmt(median(tp[i]!) / ky, 2)}  cpu ${fmt(median(cpu[i]!))} µs  ratios ${tp[i]!.map((t, r) => fmt(t / tp[0]![r]!, 2)).join(' ')}`));
await upstream.close();
