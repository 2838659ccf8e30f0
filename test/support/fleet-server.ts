import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the server answers one request; `seen` is the request's 1-based index among requests with its x-request-id. */
export type FleetHandler = (request: IncomingMessage, response: ServerResponse, seen: number) => void;

/** One request the server received. */
export interface FleetRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Resolves when the response closes: `true` when it closed before the server ended it (the client gave up). */
  readonly closedEarly: Promise<boolean>;
}

/** A `node:http` server on 127.0.0.1, port 0, that records requests. */
export interface FleetServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly requests: readonly FleetRequest[];
  handle(handler: FleetHandler): void;
  /** Forgets recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the server. */
export async function startFleetServer(): Promise<FleetServer> {
  let handler: FleetHandler = (_request, response) => response.end();
  const requests: FleetRequest[] = [];
  const perId = new Map<string, number>();
  const sockets = new Set<Socket>();
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
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    handle(next) {
      handler = next;
    },
    reset() {
      requests.length = 0;
      perId.clear();
    },
    async close() {
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/** Answers JSON `body` after `ms` — unless the client closed the request first. */
export function answerLater(response: ServerResponse, ms: number, body: unknown): void {
  const timer = setTimeout(() => {
    if (!response.destroyed) answerJson(response, body);
  }, ms);
  response.on('close', () => {
    clearTimeout(timer);
  });
}

/** Answers 200 with a JSON body. */
export function answerJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
