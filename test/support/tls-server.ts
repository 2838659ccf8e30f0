import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const FIXTURES = new URL('../fixtures/tls/', import.meta.url);

/** The test-only TLS material of test/fixtures/tls (never use it elsewhere). */
export const TLS = {
  ca: readFileSync(new URL('ca.crt', FIXTURES)),
  serverCert: readFileSync(new URL('server.crt', FIXTURES)),
  serverKey: readFileSync(new URL('server.key', FIXTURES)),
  clientCert: readFileSync(new URL('client.crt', FIXTURES)),
  clientKey: readFileSync(new URL('client.key', FIXTURES)),
};

/** An HTTPS server on 127.0.0.1 that counts its TLS connections. */
export interface TlsServer {
  /** `https://127.0.0.1:<port>/` */
  readonly url: string;
  /** `secureConnection` events (TLS handshakes completed) so far. */
  readonly connections: number;
  /** Most sockets open at one time. */
  readonly peakSockets: number;
  /** The CN of each authorised client certificate, one per request. */
  readonly clientNames: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server with the fixture's server certificate. With
 * `requireClientCert`, the handshake fails for a client without a certificate
 * the fixture CA signed (mTLS). Answers `{"ok":true}` after `delayMs`.
 */
export async function startTlsServer(options: { requireClientCert?: boolean; delayMs?: number } = {}): Promise<TlsServer> {
  const requireClientCert = options.requireClientCert ?? false;
  let connections = 0;
  let open = 0;
  let peakSockets = 0;
  const clientNames: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      cert: TLS.serverCert,
      key: TLS.serverKey,
      ca: TLS.ca,
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
    },
    (request: IncomingMessage, response: ServerResponse) => {
      if (requireClientCert) {
        const socket: TLSSocket = request.socket as never;
        const peer = socket.getPeerCertificate();
        clientNames.push(String(peer.subject.CN));
      }
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }, options.delayMs ?? 0);
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    open++;
    peakSockets = Math.max(peakSockets, open);
    socket.once('close', () => {
      sockets.delete(socket);
      open--;
    });
  });
  server.on('secureConnection', () => {
    connections++;
  });
  // A refused handshake is the client's failure to observe, not the server's.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    get connections() {
      return connections;
    },
    get peakSockets() {
      return peakSockets;
    },
    clientNames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
