/**
 * The overhead across several independent runs: for each client, the median
 * and range of its per-run "× bare ky" ratio (each run's ratio is of that
 * run's medians, measured side by side), so no single lucky run is reported.
 */
import { BARE_KY } from './overhead-clients.js';
import type { OverheadRow } from './overhead.js';
import { fmt, markdownTable, median } from './measure.js';

/** The across-runs table, rows in the order of the first run. */
export function runsSummaryTable(runs: readonly (readonly OverheadRow[])[]): string {
  const first = runs[0] ?? [];
  const ratiosOf = (name: string): number[] =>
    runs.map((rows) => {
      const ky = rows.find((row) => row.name === BARE_KY)?.throughput ?? Number.NaN;
      return (rows.find((row) => row.name === name)?.throughput ?? Number.NaN) / ky;
    });
  const body = first.map((row) => {
    const ratios = ratiosOf(row.name);
    const cpu = runs.map((rows) => rows.find((other) => other.name === row.name)?.cpuMicros ?? Number.NaN);
    const throughputs = runs.map((rows) => rows.find((other) => other.name === row.name)?.throughput ?? Number.NaN);
    return [
      row.name,
      `${fmt(median(ratios), 2)}×`,
      `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×`,
      fmt(median(throughputs)),
      fmt(median(cpu)),
    ];
  });
  return markdownTable(['client', '× bare ky (median of runs)', 'range over runs', 'req/s (median of runs)', 'CPU µs/req (median of runs)'], body);
}
