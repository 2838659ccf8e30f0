import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';
import { createClient, errorHandler, getRequestId, requestContext } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';

import { listen } from './real-server.js';
import type { RunningServer } from './real-server.js';

/** A request the upstream received. */
export interface UpstreamCall {
  path: string;
  requestId: string | undefined;
  /** 1 for the first request with this ID and path, 2 for its retry, … */
  attempt: number;
  status: number;
}

/** The upstream of the end-to-end tests, with what it saw. */
export interface RecordingUpstream extends RunningServer {
  readonly calls: UpstreamCall[];
  /** The calls that carried this request ID. */
  callsFor(requestId: string): UpstreamCall[];
}

/**
 * The UPSTREAM: `GET /flaky/<x>` answers 503 to the first request of each
 * (request ID, path) and 200 `{ path, requestId }` to the next ones, after a
 * few ms (so concurrent calls interleave); `GET /down` always answers 503.
 */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const calls: UpstreamCall[] = [];
  const seen = new Map<string, number>();
  const server = await listen((req, res) => {
    const path = req.url ?? '/';
    const requestId = req.headers['x-request-id'] as string | undefined;
    const key = `${requestId ?? '-'} ${path}`;
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    const status = path.startsWith('/flaky/') && attempt > 1 ? 200 : 503;
    calls.push({ path, requestId, attempt, status });
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { path, requestId } : { error: 'unavailable' }));
    }, 1 + (calls.length % 5));
  });
  return {
    ...server,
    calls,
    callsFor: (requestId) => calls.filter((call) => call.requestId === requestId),
  };
}

/** Options of {@link startFrontService}. */
export interface FrontServiceOptions {
  /** Logger of the middleware, the client and the error handler. */
  logger: Logger | false;
  /** Extra client options (retry, breaker…). */
  client?: ClientOptions;
}

/**
 * The FRONT service, as a user would write it: `requestContext()` around
 * every request, one client for the upstream, `errorHandler()` for failures.
 * `GET /orders/<x>` calls the upstream's `flaky/<x>` and answers
 * `{ requestId, upstream }`; `GET /down` calls the upstream's `down`.
 */
export async function startFrontService(upstreamUrl: string, options: FrontServiceOptions): Promise<RunningServer> {
  const upstream = createClient(upstreamUrl, {
    name: 'upstream',
    logger: options.logger,
    retry: { initialDelay: 1 },
    ...options.client,
  });
  const withContext = requestContext({ logger: options.logger });
  const onError = errorHandler({ logger: options.logger });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const path = req.url === '/down' ? 'down' : `flaky/${(req.url ?? '/').replace(/^\/orders\//, '')}`;
      const data = await upstream.get(path);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requestId: getRequestId(), upstream: data }));
    } catch (error) {
      onError(error, req, res, () => undefined);
    }
  };
  return listen((req, res) => {
    withContext(req, res, () => {
      void handle(req, res);
    });
  });
}
