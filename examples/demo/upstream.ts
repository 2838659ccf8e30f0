/**
 * "inventory": a real node:http upstream on 127.0.0.1 that misbehaves on
 * purpose, one phase at a time. Everything it receives is recorded, so the
 * demo can show what really reached it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the upstream behaves right now. */
export type UpstreamPhase = 'healthy' | 'flaky' | 'slow' | 'rate-limited' | 'outage';

/** One request the upstream received, and what it did with it. */
export interface Received {
  /** Milliseconds since the upstream started. */
  at: number;
  phase: UpstreamPhase;
  method: string;
  path: string;
  /** The `x-request-id` header as it arrived. */
  requestId: string | undefined;
  /** What the upstream answered: `200`, `503 Retry-After: 1`, `slow (800 ms)`, `connection reset`… */
  answer: string;
}

/** A running misbehaving upstream. */
export interface DemoUpstream {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly received: readonly Received[];
  /** Switches behaviour (and restarts the phase's own counters). */
  setPhase(phase: UpstreamPhase): void;
  close(): Promise<void>;
}

/** How long a slow answer takes: well past the client's 300 ms attempt timeout. */
export const SLOW_MS = 800;

/** Starts the inventory upstream on 127.0.0.1, port 0. */
export async function startUpstream(): Promise<DemoUpstream> {
  const started = performance.now();
  const received: Received[] = [];
  let phase: UpstreamPhase = 'healthy';
  let count = 0; // attempts received in this phase
  const byId = new Map<string, { request: number; attempts: number }>(); // per request ID, in this phase

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://inventory.local').pathname;
    const requestId = req.headers['x-request-id'] as string | undefined;
    const seen = byId.get(requestId ?? '') ?? { request: byId.size, attempts: 0 };
    seen.attempts++;
    byId.set(requestId ?? '', seen);
    const index = count++;
    const note = (answer: string): void => {
      received.push({ at: Math.round(performance.now() - started), phase, method: req.method ?? 'GET', path, requestId, answer });
    };
    const item = /^\/items\/([^/]+)$/.exec(path)?.[1];
    if (item === undefined) {
      note('404');
      json(res, 404, { title: 'Not Found', status: 404 });
      return;
    }
    answer(req, res, { index, request: seen.request, attempt: seen.attempts, item, note });
  });

  function answer(req: IncomingMessage, res: ServerResponse, call: { index: number; request: number; attempt: number; item: string; note: (a: string) => void }): void {
    const ok = (): void => {
      json(res, 200, { id: call.item, stock: 3 + (call.item.length % 5) });
    };
    switch (phase) {
      case 'flaky':
        // One answer in three is a 503: deterministic, so every run tells the same story.
        if (call.index % 3 === 0) {
          call.note('503');
          json(res, 503, { title: 'Service Unavailable', status: 503 });
        } else {
          call.note('200');
          ok();
        }
        return;
      case 'slow': {
        // The first attempt of each request is slow; item "stuck" is slow every time.
        if (call.attempt === 1 || call.item === 'stuck') {
          call.note(`slow (${SLOW_MS} ms)`);
          const timer = setTimeout(ok, SLOW_MS);
          res.on('close', () => {
            clearTimeout(timer);
          });
        } else {
          call.note('200');
          ok();
        }
        return;
      }
      case 'rate-limited': {
        if (call.attempt === 1) {
          const status = call.request % 2 === 0 ? 429 : 503;
          call.note(`${status} Retry-After: 1`);
          res.setHeader('retry-after', '1');
          json(res, status, { title: status === 429 ? 'Too Many Requests' : 'Service Unavailable', status });
        } else {
          call.note('200');
          ok();
        }
        return;
      }
      case 'outage':
        if (call.index % 2 === 0) {
          call.note('503');
          json(res, 503, { title: 'Service Unavailable', status: 503 });
        } else {
          call.note('connection reset');
          req.socket.destroy();
        }
        return;
      case 'healthy':
        call.note('200');
        ok();
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    setPhase(next) {
      phase = next;
      count = 0;
      byId.clear();
    },
    close: () => closeServer(server),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}

/** Closes a server and every socket it holds (keep-alive ones included). */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}
