#!/usr/bin/env bash
# The packed package as a user gets it: `npm pack`, then a plain `npm install` of the tarball into a fresh
# project beside msw 3 and express 5 (no --force, no --legacy-peer-deps), then both entry points imported
# (ESM, and require() for the SDK) and used once, end to end, in that project.
#
# Run it as `npm run check:install` (on the node devDependency, Node 24); it builds dist/ first unless
# SKIP_BUILD=1 (.ci/run sets it: npm test has just built it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
if [ "${SKIP_BUILD:-0}" != 1 ]; then npm run --silent build; fi
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"

cd "$work"
npm init --yes >/dev/null
npm pkg set type=module private=true
npm install --no-audit --no-fund --loglevel=warn "./$tarball" msw@3 express@5

cat > check.js <<'JS'
import { createRequire } from 'node:module';
import express from 'express';
import { setupServer } from 'msw/node';
import { createClient, errorHandler, requestContext, UpstreamError } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';

const billing = mockUpstream('https://billing.test/');
const server = setupServer(billing.sequence('get', 'invoices/:id', [503, { json: { id: '7', total: 42 } }]));
server.listen({ onUnhandledFrame: 'bypass' });

const client = createClient(billing.baseUrl, { name: 'billing', logger: false, retry: { initialDelay: 1 } });
const app = express();
app.use(requestContext());
app.get('/invoices/:id', async (req, res, next) => {
  try { res.json(await client.get('invoices/{id}', { params: { id: req.params.id } })); } catch (error) { next(error); }
});
app.use(errorHandler({ logger: false }));
const listening = app.listen(0, '127.0.0.1');
await new Promise((resolve) => listening.once('listening', resolve));
const { port } = listening.address();

const response = await fetch(`http://127.0.0.1:${port}/invoices/7`, { headers: { 'x-request-id': 'install-check' } });
const body = await response.json();
listening.close();
server.close();

const calls = billing.calls.map((call) => [call.path, call.headers['x-request-id']]);
const expected = [['/invoices/7', 'install-check'], ['/invoices/7', 'install-check']];
if (response.status !== 200 || body.total !== 42 || JSON.stringify(calls) !== JSON.stringify(expected)) {
  throw new Error(`unexpected: ${response.status} ${JSON.stringify(body)} ${JSON.stringify(calls)}`);
}
const required = createRequire(import.meta.url)('resilient-http');
if (required.UpstreamError !== UpstreamError) throw new Error('require() gave another copy of resilient-http');
console.log(`check-install: ${process.version}, resilient-http + resilient-http/testing beside msw@${createRequire(import.meta.url)('msw/package.json').version} and express@${createRequire(import.meta.url)('express/package.json').version}: OK`);
JS
node check.js
