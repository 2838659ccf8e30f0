import type { IncomingMessage, ServerResponse } from 'node:http';

import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createClient, errorHandler, getRequestContext, requestContext } from 'resilient-http';
import type { ClientOptions, RequestContextMiddlewareOptions } from 'resilient-http';

import { listen } from './real-server.js';
import type { RunningServer } from './real-server.js';

/** How the front service is built. */
export type FrontKind = 'node:http' | 'express';

/** Options of {@link startDeadlineFront}. */
export interface DeadlineFrontOptions {
  /** Options of the front's `requestContext()` (its logger is always off). */
  context?: Omit<RequestContextMiddlewareOptions, 'logger'>;
  /** Options of the front's client for the upstream (its logger is always off). */
  client?: ClientOptions;
}

/** A running front service, with the errors its handler caught. */
export interface DeadlineFront extends RunningServer {
  /** Every error a call to the upstream rejected with, in order. */
  readonly errors: unknown[];
}

/** What `GET /context` answers: the request context the handler runs in. */
export interface ContextAnswer {
  deadline: number | null;
  hasSignal: boolean;
  now: number;
}

/**
 * A FRONT service written as a user would: `requestContext()` first, one
 * client for the upstream, `errorHandler()` last. `GET /context` answers the
 * handler's request context; any other `GET /<path>` calls the upstream's
 * `<path>` and answers its body (or the error handler's answer).
 */
export async function startDeadlineFront(kind: FrontKind, upstreamUrl: string, options: DeadlineFrontOptions = {}): Promise<DeadlineFront> {
  const upstream = createClient(upstreamUrl, { name: 'upstream', retry: { initialDelay: 1 }, ...options.client, logger: false });
  const withContext = requestContext({ ...options.context, logger: false });
  const onError = errorHandler({ logger: false });
  const errors: unknown[] = [];

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.url === '/context') {
      const context = getRequestContext();
      const body: ContextAnswer = { deadline: context?.deadline ?? null, hasSignal: context?.signal !== undefined, now: Date.now() };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    try {
      const data = await upstream.get((req.url ?? '/').slice(1));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    } catch (error) {
      errors.push(error);
      throw error;
    }
  };

  let running: RunningServer;
  if (kind === 'express') {
    const app = express();
    app.use(withContext);
    app.use((req: Request, res: Response) => answer(req, res)); // Express 5 passes a rejection to the error middleware
    app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
      onError(error, req, res, next);
    });
    running = await listen(app);
  } else {
    running = await listen((req, res) => {
      withContext(req, res, () => {
        answer(req, res).catch((error: unknown) => {
          onError(error, req, res, () => undefined);
        });
      });
    });
  }
  return { ...running, errors };
}
