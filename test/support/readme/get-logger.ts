import express from 'express';
import type { Logger } from 'pino';
import { errorHandler, getLogger, requestContext } from 'resilient-http';

export function ordersApp(logger: Logger) {
  const app = express();
  app.use(requestContext({ logger })); // binds a child of `logger` to each request's ID
  app.get('/orders/:id', (req, res) => {
    getLogger().info({ orderId: req.params.id }, 'order_requested'); // {"requestId":"…","orderId":"42",…}
    res.json({ id: req.params.id });
  });
  app.use(errorHandler({ logger }));
  return app;
}
