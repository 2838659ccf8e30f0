/** Load drivers, percentiles and markdown tables shared by the benchmarks. */

/** What one timed slice of load came to. */
export interface SliceResult {
  /** Completed requests per second. */
  throughput: number;
  /**
   * CPU time (user + system) this process spent per completed request, in µs.
   * Less sensitive than throughput to other processes competing for the cores.
   */
  cpuMicrosPerRequest: number;
  /** Latencies of every request, in ms, sorted ascending. */
  latencies: Float64Array;
  completed: number;
  errors: number;
  /** The first error seen, for the report. */
  firstError: unknown;
}

/**
 * Runs `call` from `concurrency` loops until `durationMs` has passed (or
 * `maxRequests` were started) and times each call.
 */
export async function runSlice(
  call: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
  maxRequests = Number.POSITIVE_INFINITY,
): Promise<SliceResult> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: unknown;
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  const end = begin + durationMs;
  const loop = async (): Promise<void> => {
    while (started < maxRequests && performance.now() < end) {
      started++;
      const t0 = performance.now();
      try {
        await call();
      } catch (error) {
        if (errors === 0) firstError = error;
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  return {
    throughput: (latencies.length - errors) / (elapsed / 1000),
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, latencies.length),
    latencies: sorted,
    completed: latencies.length,
    errors,
    firstError,
  };
}

/** One logical call of a resilience run. */
export interface CallRecord {
  ms: number;
  ok: boolean;
  error: unknown;
}

/** Runs exactly `count` calls of `call` from `concurrency` loops, recording each. */
export async function runCount(call: () => Promise<unknown>, count: number, concurrency: number): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      try {
        await call();
        records.push({ ms: performance.now() - t0, ok: true, error: undefined });
      } catch (error) {
        records.push({ ms: performance.now() - t0, ok: false, error });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return records;
}

/** The `p`-quantile (0..1) of ascending `sorted` values, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median of unsorted values. */
export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values).sort(), 0.5);
}

/** Formats a number with `digits` decimals, or `—` when it is not a number. */
export function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A markdown table, columns padded for reading in a terminal too. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Lets pending timers and sockets settle between measurements. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
