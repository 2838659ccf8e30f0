/**
 * "orders", a small node:http service that calls "billing" through
 * resilient-http, written the way the README shows it:
 *
 * - one client per upstream, created once, with a name and explicit options;
 * - `requestContext()` in front of every request, so every call to billing
 *   carries the inbound `x-request-id` and every log line has it;
 * - `errorHandler()` behind every request, so any error becomes a consistent
 *   JSON answer (`{ error: { code, message, requestId } }`) that never leaks
 *   billing's URL or body;
 * - a `catch` by class only where the service means something different
 *   (billing has no such invoice → our own 404); everything else propagates;
 * - deadlines and cancellation end to end: a caller that hangs up cancels the
 *   billing call it was waiting for (socket closed, no further retry); the
 *   caller's `x-request-timeout-ms` (trusted here because orders sits behind
 *   the gateway, never at the edge) bounds every billing call, and each
 *   attempt tells billing the time it has left in the same header.
 *
 * Run it against a billing service:
 *   BILLING_URL=http://127.0.0.1:4001/ PORT=4000 npx tsx examples/service.ts
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

import type { Logger } from 'pino';

import {
  NotFoundError,
  UpstreamNotFoundError,
  ValidationError,
  createClient,
  errorHandler,
  requestContext,
} from '../src/index.js';
import type { ClientOptions } from '../src/index.js';

/** An order, as this service stores it. */
export interface Order {
  id: string;
  customer: string;
  invoiceId: string;
}

/** An invoice, as billing returns it. */
export interface Invoice {
  id: string;
  total: number;
  status: 'open' | 'paid';
}

/** A payment, as billing returns it. */
export interface Payment {
  id: string;
  invoiceId: string;
  amount: number;
}

/** Options of {@link createOrdersService}. */
export interface OrdersServiceOptions {
  /** Where logs go (requests, upstream calls, failures); `false` for none. Default: pino at `info`. */
  logger?: Logger | false;
  /** Overrides of the billing client's options (tests shorten timeouts and backoff). */
  billing?: ClientOptions;
}

const ORDERS = new Map<string, Order>([
  ['o-1', { id: 'o-1', customer: 'ada', invoiceId: 'inv-1' }],
  ['o-2', { id: 'o-2', customer: 'grace', invoiceId: 'inv-2' }],
]);

/**
 * Creates the orders service (not yet listening).
 *
 * - `GET /orders/:id` → the order with its invoice from billing;
 * - `POST /orders/:id/payments` `{ "amount": 10 }` → pays the order's invoice
 *   at billing, with one idempotency key for every attempt.
 */
export function createOrdersService(billingUrl: string, options: OrdersServiceOptions = {}): Server {
  const logging = options.logger === undefined ? {} : { logger: options.logger };
  const billing = createClient(billingUrl, {
    name: 'billing',
    timeout: { attempt: 2_000, total: 5_000 },
    retry: { maxAttempts: 3, initialDelay: 100 },
    circuitBreaker: { consecutiveFailures: 5, halfOpenAfter: 10_000 },
    timeoutHeader: 'x-request-timeout-ms', // each attempt tells billing its time left
    ...logging,
    ...options.billing,
  });

  async function getOrder(id: string): Promise<{ order: Order; invoice: Invoice }> {
    const order = ORDERS.get(id);
    if (order === undefined) throw new NotFoundError('Order', id);
    try {
      const invoice = await billing.get<Invoice>('invoices/{id}', { params: { id: order.invoiceId } });
      return { order, invoice };
    } catch (error) {
      // Billing's 404 means *our* data points at an invoice that does not exist: say so in our terms.
      if (error instanceof UpstreamNotFoundError) throw new NotFoundError('Invoice', order.invoiceId);
      throw error; // timeouts, 5xx, open circuit… → errorHandler() answers 502/503/504
    }
  }

  async function payOrder(id: string, req: IncomingMessage): Promise<Payment> {
    const order = ORDERS.get(id);
    if (order === undefined) throw new NotFoundError('Order', id);
    const body = await readJson(req);
    const amount = typeof body === 'object' && body !== null ? (body as { amount?: unknown }).amount : undefined;
    if (typeof amount !== 'number' || !(amount > 0)) throw new ValidationError('amount', 'must be a positive number');
    // POST is retried only with an idempotency key: reuse the caller's, or let the client make one.
    const inboundKey = req.headers['idempotency-key'];
    return billing.post<Payment>('invoices/{id}/payments', {
      params: { id: order.invoiceId },
      json: { amount },
      idempotencyKey: typeof inboundKey === 'string' ? inboundKey : true,
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://orders.local');
    const order = /^\/orders\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && order !== null) {
      send(res, 200, await getOrder(decodeURIComponent(order[1]!)));
      return;
    }
    const payment = /^\/orders\/([^/]+)\/payments$/.exec(url.pathname);
    if (req.method === 'POST' && payment !== null) {
      send(res, 201, await payOrder(decodeURIComponent(payment[1]!), req));
      return;
    }
    throw new NotFoundError('Route', `${req.method ?? 'GET'} ${url.pathname}`);
  }

  // The caller's remaining time bounds every billing call; a caller that hangs up cancels them.
  const withContext = requestContext({ ...logging, timeoutHeader: 'x-request-timeout-ms' });
  const handleError = errorHandler(logging);
  return createServer((req, res) => {
    withContext(req, res, () => {
      route(req, res).catch((error: unknown) => {
        handleError(error, req, res, () => res.destroy());
      });
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 65_536) throw new ValidationError('body', 'must be at most 64 KiB');
  }
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new ValidationError('body', 'must be JSON');
  }
}

// `npx tsx examples/service.ts` starts it; importing it (tests) does not.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 4000);
  createOrdersService(process.env.BILLING_URL ?? 'http://127.0.0.1:4001/').listen(port, '127.0.0.1', () => {
    console.log(`orders listening on http://127.0.0.1:${port}/orders/o-1`);
  });
}
