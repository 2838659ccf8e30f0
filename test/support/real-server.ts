import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { afterAll, afterEach, beforeAll } from 'vitest';

/** How the real server answers one request. */
export type RealHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A handler that also gets `seen`: the request's 1-based index among requests with its `x-request-id` (hedges, retries). */
export type CountingHandler = (request: IncomingMessage, response: ServerResponse, seen: number) => void;

/** One request the real server received. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, as sent on the wire. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /**
   * Resolves when the response closes: `true` when the socket closed before
   * the server finished answering (the client aborted), `false` when it ended normally.
   */
  readonly closedEarly: Promise<boolean>;
}

/** A `node:http` server on 127.0.0.1 that counts connections and requests. */
export interface RealServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** `connection` events since the last `reset()`. */
  readonly connections: number;
  /** Sockets open right now. */
  readonly openSockets: number;
  /** Requests since the last `reset()`, oldest first. */
  readonly requests: readonly ReceivedRequest[];
  /** Replaces the handler. */
  handle(handler: CountingHandler): void;
  /** Forgets counted connections and requests (open keep-alive sockets stay open: closing them races the client's reuse). */
  reset(): void;
  /** Closes every socket and the server. */
  close(): Promise<void>;
}

/** A real `node:http` server on 127.0.0.1. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Closes every socket (fetch's keep-alive sockets would hold `close()` open) and the server. */
  close(): Promise<void>;
}

/** Binds `server` to 127.0.0.1 on a free port: the one place tests start a real server. */
async function bind(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}

/** Starts `listener` on 127.0.0.1, on a free port. */
export function listen(listener: RequestListener): Promise<RunningServer> {
  return bind(createServer(listener));
}

/** Starts a real server on 127.0.0.1, port 0 (keep-alive on, as node's default). */
export async function startRealServer(initial: CountingHandler = (_req, res) => res.end()): Promise<RealServer> {
  let handler = initial;
  let connections = 0;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const perId = new Map<string, number>();
  const server = createServer((request, response) => {
    const closedEarly = new Promise<boolean>((resolve) => {
      response.on('close', () => {
        resolve(!response.writableEnded);
      });
    });
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, closedEarly });
    const id = String(request.headers['x-request-id']);
    const seen = (perId.get(id) ?? 0) + 1;
    perId.set(id, seen);
    handler(request, response, seen);
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const running = await bind(server);
  return {
    url: running.url,
    port: running.port,
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    get requests() {
      return requests;
    },
    handle(next) {
      handler = next;
    },
    reset() {
      connections = 0;
      requests.length = 0;
      perId.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await running.close();
    },
  };
}

/**
 * The real server of one test file (or `describe` block): started before its tests, answering with
 * `initial` until a test hands it another handler, reset after each test, closed after all.
 * Returns a view that reads through to the server once it has started.
 */
export function useRealServer(initial?: CountingHandler): RealServer {
  let started: RealServer | undefined;
  const server = (): RealServer => {
    if (started === undefined) throw new Error('useRealServer(): the server starts in beforeAll; use it inside a test');
    return started;
  };
  beforeAll(async () => {
    started = await startRealServer(initial);
  });
  afterEach(() => {
    started?.reset();
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get url() {
      return server().url;
    },
    get port() {
      return server().port;
    },
    get connections() {
      return server().connections;
    },
    get openSockets() {
      return server().openSockets;
    },
    get requests() {
      return server().requests;
    },
    handle: (handler) => {
      server().handle(handler);
    },
    reset: () => {
      server().reset();
    },
    close: () => server().close(),
  };
}

/** A port on 127.0.0.1 where nothing listens: bound, then released. */
export async function refusedPort(): Promise<number> {
  const running = await listen(() => undefined);
  await running.close();
  return running.port;
}

/** Sends `status` with a body of `size` bytes (`content-type` as given). */
export function answerWith(status: number, size: number, contentType = 'text/plain'): RealHandler {
  const body = Buffer.alloc(size, 'x');
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType, 'content-length': String(size) });
    response.end(body);
  };
}

/** Answers 200 with a JSON body. */
export function answerJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Answers JSON `body` after `ms`, unless the client closed the request first. */
export function answerLater(response: ServerResponse, ms: number, body: unknown): void {
  const timer = setTimeout(() => {
    if (!response.destroyed) answerJson(response, body);
  }, ms);
  response.on('close', () => {
    clearTimeout(timer);
  });
}
