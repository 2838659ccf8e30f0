import { createClient } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';
import { upstreamFailure } from '../support/rejection.js';

// The README's "The base URL" rules, as a user meets them.
useMsw();
const billing = mockUpstream('https://billing.test/api/');
afterEach(() => {
  billing.reset();
});

describe('the base URL', () => {
  it('refuses a query string with a TypeError naming baseUrl, its secret value redacted', () => {
    const make = (): unknown => createClient('https://billing.test/api?api_key=s3cr3t-value');
    expect(make).toThrow(TypeError);
    expect(make).toThrow(/^baseUrl must be a URL without query or fragment, got /);
    expect(make).not.toThrow(/s3cr3t-value/);
  });

  it.each(['billing.test/api', 'ftp://billing.test/api/'])('refuses %s: not an absolute http(s) URL', (baseUrl) => {
    expect(() => createClient(baseUrl)).toThrow(/^baseUrl must be an absolute http\(s\) URL/);
  });

  it('is a path prefix with or without its trailing slash, and names the client after its host', async () => {
    server.use(billing.always('get', 'invoices', { json: [] }));
    const logs = capturePino('debug');
    for (const base of ['https://billing.test/api', new URL('https://billing.test/api/')]) {
      await createClient(base, { logger: logs.logger }).get('invoices');
    }
    expect(billing.calls.map((call) => call.path)).toEqual(['/api/invoices', '/api/invoices']);
    expect(logs.named('upstream_response').map((line) => line.service)).toEqual(['billing.test', 'billing.test']);
  });

  it('turns user-info into a Basic authorization header that no log line or message shows', async () => {
    server.use(billing.always('get', 'invoices', 503));
    const logs = capturePino('debug');
    const error = await upstreamFailure(createClient('https://ops:pa55word@billing.test/api', { logger: logs.logger, retry: false }).get('invoices'));
    expect(billing.calls[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ops:pa55word').toString('base64')}`);
    expect(error.url).toBe('https://billing.test/api/invoices');
    expect(`${error.message} ${JSON.stringify(error.toJSON())} ${logs.raw.join('')}`).not.toMatch(/pa55word|ops:/);
  });
});
