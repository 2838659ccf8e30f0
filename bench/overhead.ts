/**
 * Overhead table: every client against a healthy upstream in the same
 * process, interleaved round by round (the starting client rotates), so
 * machine noise hits all of them alike.
 */
import { BARE_KY, OVERHEAD_CLIENTS, UNDICI } from './overhead-clients.js';
import type { OverheadClient } from './overhead-clients.js';
import { fmt, markdownTable, median, pause, percentile, runSlice } from './measure.js';

/** How hard and how long to push. */
export interface OverheadPlan {
  rounds: number;
  sliceMs: number;
  warmupMs: number;
  concurrency: number;
}

/** One client's results across rounds. */
export interface OverheadRow {
  name: string;
  throughput: number;
  throughputs: number[];
  p50: number;
  p99: number;
  /** Client-process CPU time per request, µs (median of rounds). */
  cpuMicros: number;
  errors: number;
  firstError: unknown;
}

/** Runs the overhead rounds and returns one row per client, in display order. */
export async function measureOverhead(
  baseUrl: string,
  plan: OverheadPlan,
  clients: readonly OverheadClient[] = OVERHEAD_CLIENTS,
): Promise<OverheadRow[]> {
  const calls = clients.map((client) => client.make(baseUrl));
  const rows: OverheadRow[] = clients.map((client) => ({
    name: client.name,
    throughput: 0,
    throughputs: [],
    p50: 0,
    p99: 0,
    cpuMicros: 0,
    errors: 0,
    firstError: undefined,
  }));
  const p50s = rows.map((): number[] => []);
  const p99s = rows.map((): number[] => []);
  const cpus = rows.map((): number[] => []);

  // Warm-up: JIT, connection pools. Not recorded.
  for (const call of calls) await runSlice(call, plan.concurrency, plan.warmupMs);

  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < calls.length; k++) {
      // The start rotates and every other round runs backwards, so no client always follows the same
      // neighbour (whose garbage the next slice would collect); a full GC between slices, when exposed.
      const step = round % 2 === 0 ? k : calls.length - 1 - k;
      const i = (round + step) % calls.length;
      (globalThis as { gc?: () => void }).gc?.();
      await pause(20);
      const slice = await runSlice(calls[i]!, plan.concurrency, plan.sliceMs);
      const row = rows[i]!;
      row.throughputs.push(slice.throughput);
      p50s[i]!.push(percentile(slice.latencies, 0.5));
      p99s[i]!.push(percentile(slice.latencies, 0.99));
      cpus[i]!.push(slice.cpuMicrosPerRequest);
      row.errors += slice.errors;
      row.firstError ??= slice.firstError;
    }
    process.stderr.write(`  overhead: round ${round + 1}/${plan.rounds} done\n`);
  }
  rows.forEach((row, i) => {
    row.throughput = median(row.throughputs);
    row.p50 = median(p50s[i]!);
    row.p99 = median(p99s[i]!);
    row.cpuMicros = median(cpus[i]!);
  });
  return rows;
}

/**
 * `row`'s throughput over bare ky's, round by round (the two ran seconds apart
 * in the same round), then the median over rounds: steadier than the ratio of
 * the medians when other load on the machine comes and goes.
 */
export function perRoundRatio(row: OverheadRow, ky: OverheadRow | undefined): number {
  if (ky === undefined) return Number.NaN;
  return median(row.throughputs.map((throughput, round) => throughput / (ky.throughputs[round] ?? Number.NaN)));
}

/** The overhead rows as a markdown table. */
export function overheadTable(rows: readonly OverheadRow[]): string {
  const kyRow = rows.find((row) => row.name === BARE_KY);
  const ky = kyRow?.throughput ?? Number.NaN;
  const undici = rows.find((row) => row.name === UNDICI)?.throughput ?? Number.NaN;
  const kyCpu = rows.find((row) => row.name === BARE_KY)?.cpuMicros ?? Number.NaN;
  const body = rows.map((row) => [
    row.name,
    fmt(row.throughput),
    `${fmt(Math.min(...row.throughputs))}–${fmt(Math.max(...row.throughputs))}`,
    fmt(row.p50, 2),
    fmt(row.p99, 2),
    `${fmt(row.throughput / ky, 2)}×`,
    `${fmt(perRoundRatio(row, kyRow), 2)}×`,
    `${fmt(row.throughput / undici, 2)}×`,
    `${fmt(row.cpuMicros)} (${fmt(kyCpu / row.cpuMicros, 2)}×)`,
    row.errors === 0 ? '0' : `${row.errors} (${describe(row.firstError)})`,
  ]);
  return markdownTable(
    ['client', 'req/s (median)', 'req/s range', 'p50 ms', 'p99 ms', '× bare ky', '× bare ky (per round)', '× undici.request', 'CPU µs/req (bare ky ÷ this)', 'errors'],
    body,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 80) : String(error);
}
