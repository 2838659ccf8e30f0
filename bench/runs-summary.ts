/**
 * The overhead across several independent runs: for each client, the median
 * and range of its per-run "× bare ky" ratio (each run's ratio is the median
 * over its rounds of the ratio within a round, measured side by side), so no
 * single lucky run is reported.
 */
import { BARE_KY } from './overhead-clients.js';
import { perRoundRatio } from './overhead.js';
import type { OverheadRow } from './overhead.js';
import { fmt, markdownTable, median } from './measure.js';

/** The across-runs table, rows in the order of the first run. */
export function runsSummaryTable(runs: readonly (readonly OverheadRow[])[]): string {
  const first = runs[0] ?? [];
  const ratiosOf = (name: string): number[] =>
    runs.map((rows) => {
      const row = rows.find((other) => other.name === name);
      return row === undefined ? Number.NaN : perRoundRatio(row, rows.find((other) => other.name === BARE_KY));
    });
  const body = first.map((row) => {
    const ratios = ratiosOf(row.name);
    const kyCpu = runs.map((rows) => rows.find((other) => other.name === BARE_KY)?.cpuMicros ?? Number.NaN);
    const cpu = runs.map((rows) => rows.find((other) => other.name === row.name)?.cpuMicros ?? Number.NaN);
    const throughputs = runs.map((rows) => rows.find((other) => other.name === row.name)?.throughput ?? Number.NaN);
    return [
      row.name,
      `${fmt(median(ratios), 2)}×`,
      `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×`,
      fmt(median(throughputs)),
      fmt(median(cpu)),
      `${fmt(median(cpu.map((micros, run) => (kyCpu[run] ?? Number.NaN) / micros)), 2)}×`,
    ];
  });
  return markdownTable(['client', '× bare ky (median of runs)', 'range over runs', 'req/s (median of runs)', 'CPU µs/req (median of runs)', 'bare ky CPU ÷ this'], body);
}
