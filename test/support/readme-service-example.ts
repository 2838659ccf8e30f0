// The README's "request context" snippet (the 14 lines below), kept here so that `tsc` checks it. Never imported or run.
import { createServer } from 'node:http';
import { pino } from 'pino';
import { createClient, errorHandler, requestContext } from 'resilient-http';

const logger = pino({ name: 'orders' }); // the service's logger: every line below goes through it
const billing = createClient('https://billing.internal/', { name: 'billing' });
const withContext = requestContext({ logger }); // inbound x-request-id or a new UUID: echoed, sent upstream, logged
const onError = errorHandler({ logger }); // UpstreamError → its status and { error: { code, message, requestId } }
createServer((req, res) => {
  withContext(req, res, () => {
    billing.get('invoices/{id}', { params: { id: '42' } })
      .then((invoice) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(invoice)))
      .catch((error: unknown) => { onError(error, req, res, () => undefined); });
  });
}).listen(3000);
