/**
 * "storefront": the front service of the demo, a plain node:http server that
 * calls the inventory upstream through resilient-http, behind
 * `requestContext()` and `errorHandler()`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from 'pino';

import { createClient, errorHandler, getRequestContext, requestContext } from '../../src/index.js';
import type { Client } from '../../src/index.js';

/** The demo's client settings: short, so the whole story fits in a few seconds. */
export const INVENTORY_OPTIONS = {
  name: 'inventory',
  timeout: { attempt: 300, total: 5_000 },
  retry: { maxAttempts: 3, initialDelay: 100, maxDelay: 1_000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfter: 1_000 },
} as const;

/** A running storefront. */
export interface Storefront {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its client for the inventory upstream. */
  readonly inventory: Client;
  readonly server: Server;
}

/** Starts the storefront on 127.0.0.1, port 0: `GET /products/:id` asks inventory for the item. */
export async function startStorefront(inventoryUrl: string, logger: Logger): Promise<Storefront> {
  const inventory = createClient(inventoryUrl, { ...INVENTORY_OPTIONS, logger });
  const withContext = requestContext({ logger });
  const handleError = errorHandler({ logger });

  const server = createServer((req, res) => {
    const started = performance.now();
    withContext(req, res, () => {
      // The context's logger already carries the request ID.
      const log = getRequestContext()?.logger ?? logger;
      res.on('finish', () => {
        log.info({ method: req.method, url: req.url, status: res.statusCode, durationMs: Math.round(performance.now() - started) }, 'request_completed');
      });
      const product = /^\/products\/([^/]+)$/.exec(req.url ?? '')?.[1];
      const work = async (): Promise<void> => {
        if (product === undefined) throw new Error(`no route for ${req.url ?? ''}`); // an unknown error: a generic 500
        const item = await inventory.get<{ id: string; stock: number }>('items/{id}', { params: { id: product } });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ product: item.id, inStock: item.stock > 0 }));
      };
      work().catch((error: unknown) => {
        handleError(error, req, res, () => res.destroy());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, inventory, server };
}
