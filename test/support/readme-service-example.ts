// The README's "request context" snippet (the 12 lines below), kept here so that `tsc` checks it. Never imported or run.
import { createServer } from 'node:http';
import { createClient, errorHandler, requestContext } from 'resilient-http';

const billing = createClient('https://billing.internal/', { name: 'billing' });
const withContext = requestContext(); // inbound x-request-id or a new UUID: echoed, sent upstream, logged
const onError = errorHandler(); // UpstreamError → its status and { error: { code, message, requestId } }
createServer((req, res) => {
  withContext(req, res, () => {
    billing.get('invoices/{id}', { params: { id: '42' } })
      .then((invoice) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(invoice)))
      .catch((error: unknown) => { onError(error, req, res, () => undefined); });
  });
}).listen(3000);
