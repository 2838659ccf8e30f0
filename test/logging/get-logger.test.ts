// Internals: whether a logger is the package's default one is not public.
import { getLogger, requestContext, withRequestContext } from 'resilient-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDefaultLogger } from '../../src/logging/default-logger.js';
import { capturePino } from '../support/pino-capture.js';
import { listen } from '../support/real-server.js';
import type { RunningServer } from '../support/real-server.js';
import { ordersApp } from '../support/readme/get-logger.js';

describe('getLogger()', () => {
  const logs = capturePino('info');
  let service: RunningServer;
  beforeAll(async () => {
    service = await listen(ordersApp(logs.logger));
  });
  afterAll(async () => {
    await service.close();
  });

  it('gives an Express handler the logger bound to its request: each line carries that request\'s ID (the README example)', async () => {
    const answers = await Promise.all(['req-a', 'req-b'].map((id, i) =>
      fetch(`${service.url}orders/${String(i + 1)}`, { headers: { 'x-request-id': id } })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const lines = logs.named('order_requested').map((line) => [line.requestId, line.orderId]).sort();
    expect(lines).toEqual([['req-a', '1'], ['req-b', '2']]);
  });

  it('outside a request gives the fallback, else the package\'s default logger', () => {
    const mine = capturePino('info').logger;
    expect(getLogger(mine)).toBe(mine);
    expect(getLogger()).toBe(getLogger());
    expect(isDefaultLogger(getLogger())).toBe(true);
  });

  it('prefers your fallback, bound to the request ID, over the default child of a requestContext() given no logger', async () => {
    const mine = capturePino('info');
    const middleware = requestContext();
    const plain = await listen((req, res) => {
      middleware(req, res, () => {
        getLogger(mine.logger).info('from_handler');
        res.end();
      });
    });
    try {
      expect((await fetch(plain.url, { headers: { 'x-request-id': 'req-c' } })).status).toBe(200);
    } finally {
      await plain.close();
    }
    expect(mine.named('from_handler')).toMatchObject([{ requestId: 'req-c' }]);
  });

  it('binds a context made without a logger to its request ID, once per request', () => {
    const mine = capturePino('info');
    withRequestContext({ requestId: 'job-7' }, () => {
      expect(getLogger(mine.logger)).toBe(getLogger(mine.logger));
      getLogger(mine.logger).info('job_step');
    });
    withRequestContext({ requestId: 'job-8', logger: mine.logger.child({ requestId: 'job-8', worker: 2 }) }, () => {
      getLogger().info('job_step');
    });
    expect(mine.named('job_step').map((line) => [line.requestId, line.worker])).toEqual([['job-7', undefined], ['job-8', 2]]);
  });
});
