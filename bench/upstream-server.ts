/**
 * The benchmark's upstream: a node:http keep-alive server on 127.0.0.1 in a
 * process of its own, so its CPU time is not charged to the clients under
 * test. Prints its port on stdout once listening.
 *
 * Routes: `/ok` (small JSON), `/flaky?rate=0.2` (seeded random 503s),
 * `/down` (always 503), `/slow-tail` (5 % of answers 500 ms late, seeded),
 * `/stats` (requests per route since the last reset), `/reset` (zero the
 * counts and re-seed, so every scenario sees the same sequence).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

// The kit's PRNG (msw-free module), so the bench's failures are as reproducible as the tests'.
import { seededRandom } from '../src/testing/seeded-random.js';

const SEED = 0x5eed;
const SLOW_TAIL_SHARE = 0.05;
const SLOW_TAIL_DELAY_MS = 500;

type Route = 'ok' | 'flaky' | 'down' | 'slow-tail';

let counts: Record<Route, number> = fresh();
let flakyRandom = seededRandom(SEED);
let slowRandom = seededRandom(SEED ^ 0x9e3779b9);

function fresh(): Record<Route, number> {
  return { ok: 0, flaky: 0, down: 0, 'slow-tail': 0 };
}

const OK_BODY = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] }));
const DOWN_BODY = Buffer.from(JSON.stringify({ error: 'unavailable' }));

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  switch (path) {
    case '/ok':
      counts.ok++;
      send(res, 200, OK_BODY);
      return;
    case '/flaky': {
      counts.flaky++;
      const rate = Number(new URLSearchParams(url.slice(query + 1)).get('rate') ?? '0.2');
      if (flakyRandom() < rate) send(res, 503, DOWN_BODY);
      else send(res, 200, OK_BODY);
      return;
    }
    case '/down':
      counts.down++;
      send(res, 503, DOWN_BODY);
      return;
    case '/slow-tail':
      counts['slow-tail']++;
      if (slowRandom() < SLOW_TAIL_SHARE) {
        const timer = setTimeout(() => {
          send(res, 200, OK_BODY);
        }, SLOW_TAIL_DELAY_MS);
        // A hedge that won aborts the loser: stop its timer with its socket.
        res.on('close', () => {
          clearTimeout(timer);
        });
      } else {
        send(res, 200, OK_BODY);
      }
      return;
    case '/stats':
      send(res, 200, Buffer.from(JSON.stringify(counts)));
      return;
    case '/reset':
      counts = fresh();
      flakyRandom = seededRandom(SEED);
      slowRandom = seededRandom(SEED ^ 0x9e3779b9);
      send(res, 200, Buffer.from('{}'));
      return;
    default:
      send(res, 404, Buffer.from('{"error":"not found"}'));
  }
}

const server = createServer({ keepAlive: true }, handle);
// Longer than any client's idle pool timeout, so the server never closes a pooled socket mid-run.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${address.port}\n`);
});
// The parent closes our stdin (or dies): exit with it, never linger.
process.stdin.resume();
process.stdin.on('end', () => {
  process.exit(0);
});
