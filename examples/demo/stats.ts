/**
 * The demo's numbers, collected the way a metrics exporter would: by
 * subscribing to resilient-http's `node:diagnostics_channel` channels
 * (`CHANNELS`). Nothing here reaches into the client.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { CHANNELS } from '../../src/index.js';
import type { CircuitEvent, RequestEndEvent, RetryEvent } from '../../src/index.js';

/** Counters of one phase (or of the whole run). */
export interface Tally {
  requests: number;
  ok: number;
  failed: number;
  attempts: number;
  retries: number;
  backoffMs: number;
  retryAfterMs: number;
}

/** A circuit state change, when it happened and which request saw it. */
export interface Transition {
  atMs: number;
  state: CircuitEvent['state'];
  requestId: string;
}

const emptyTally = (): Tally => ({ requests: 0, ok: 0, failed: 0, attempts: 0, retries: 0, backoffMs: 0, retryAfterMs: 0 });

/** Subscribes to every channel; `stop()` unsubscribes. */
export class DemoStats {
  readonly total = emptyTally();
  readonly phases = new Map<string, Tally>();
  readonly errorsByClass = new Map<string, { code: string; statusCode: number; count: number }>();
  readonly transitions: Transition[] = [];
  budgetRefusals = 0;
  readonly #started = performance.now();
  #phase = emptyTally();
  readonly #handlers: [string, (message: unknown) => void][];

  constructor() {
    const both = (update: (tally: Tally) => void): void => {
      update(this.total);
      update(this.#phase);
    };
    this.#handlers = [
      [CHANNELS['request:start'], (_event: unknown) => {
        both((t) => t.requests++);
      }],
      [CHANNELS['request:end'], (message: unknown) => {
        const event = message as RequestEndEvent;
        both((t) => {
          t.attempts += event.attempts;
          if (event.error === undefined) t.ok++;
          else t.failed++;
        });
        if (event.error !== undefined) {
          const entry = this.errorsByClass.get(event.error.name) ?? { code: event.error.code, statusCode: event.error.statusCode, count: 0 };
          entry.count++;
          this.errorsByClass.set(event.error.name, entry);
        }
      }],
      [CHANNELS.retry, (message: unknown) => {
        const event = message as RetryEvent;
        both((t) => {
          t.retries++;
          t.backoffMs += event.waitMs;
          if (event.fromRetryAfter) t.retryAfterMs += event.waitMs;
        });
      }],
      [CHANNELS['budget-exhausted'], (_message: unknown) => {
        this.budgetRefusals++;
      }],
      [CHANNELS.circuit, (message: unknown) => {
        const event = message as CircuitEvent;
        this.transitions.push({ atMs: Math.round(performance.now() - this.#started), state: event.state, requestId: event.requestId });
      }],
    ];
    for (const [name, handler] of this.#handlers) subscribe(name, handler);
  }

  /** Starts counting a new phase. */
  phase(name: string): void {
    this.#phase = emptyTally();
    this.phases.set(name, this.#phase);
  }

  /** Unsubscribes from every channel. */
  stop(): void {
    for (const [name, handler] of this.#handlers) unsubscribe(name, handler);
  }
}

/** Renders rows as an aligned text table; numbers align right. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i] ?? '').length)));
  const line = (cells: readonly (string | number)[]): string =>
    cells.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The per-phase table plus a total row. */
export function phaseTable(stats: DemoStats): string {
  const row = (name: string, t: Tally): (string | number)[] =>
    [name, t.requests, t.ok, t.failed, t.attempts, t.retries, t.backoffMs, t.retryAfterMs];
  return table(
    ['phase', 'requests', 'ok', 'failed', 'upstream attempts', 'retries', 'waited in backoff (ms)', 'of which Retry-After (ms)'],
    [...[...stats.phases].map(([name, t]) => row(name, t)), row('TOTAL', stats.total)],
  );
}
