import { createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { Agent as Agent8, Dispatcher1Wrapper, ProxyAgent as ProxyAgent8 } from 'undici';
import { Agent as Agent7 } from 'undici7';
import { afterAll, describe, expect, it } from 'vitest';

import { rejectionOf } from '../support/rejection.js';
import { useRealServer } from '../support/real-server.js';

// Node's global fetch is the undici it bundles (22 → 6, 24 → 7, 26 → 8): undici 6 and 7's fetch hands its
// dispatcher v1 handlers, which undici 8's dispatchers refuse; undici 8's fetch hands v2 ones, which undici 7's
// and 8's take. This file runs on whatever Node runs the suite (CI: 22, 24 and 26).
const fetchMajor = Number(process.versions.undici?.split('.')[0]);
const refusesUndici8 = fetchMajor < 8;

const upstream = useRealServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
});
const closables: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(closables.map((closable) => closable.close()));
});

function kept<T extends { close(): Promise<unknown> }>(dispatcher: T): T {
  closables.push(dispatcher);
  return dispatcher;
}

function client(options: ClientOptions) {
  return createClient(upstream.url, { name: 'ledger', logger: false, circuitBreaker: { consecutiveFailures: 1 }, ...options });
}

/** The message names the option, what the running fetch takes, and what to do. */
const REFUSAL = new RegExp(
  `^dispatcher cannot be used by the global fetch of Node ${process.version.replaceAll('.', '\\.')}, which is undici ` +
  `${String(process.versions.undici).replaceAll('.', '\\.')} and takes dispatchers of undici 6 or 7: .*` +
  `Use a dispatcher from undici@${String(fetchMajor)} \\(npm i undici@${String(fetchMajor)}\\), wrap an undici 8 one in undici's own Dispatcher1Wrapper, ` +
  'or give the client createUndiciFetch\\(\\) from resilient-http/undici as its fetch',
);

describe(`a dispatcher for the global fetch of Node ${process.version} (undici ${String(process.versions.undici)})`, () => {
  it('sends over an undici 7 Agent', async () => {
    await expect(client({ dispatcher: kept(new Agent7()) }).get('accounts/1')).resolves.toEqual({ ok: true });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/accounts/1']);
  });

  it.runIf(!refusesUndici8)('sends over an undici 8 Agent', async () => {
    await expect(client({ dispatcher: kept(new Agent8()) }).get('accounts/2')).resolves.toEqual({ ok: true });
    expect(upstream.requests).toHaveLength(1);
  });

  it.runIf(refusesUndici8)('refuses an undici 8 Agent at createClient with a TypeError saying what this fetch takes and what to do', () => {
    const dispatcher = kept(new Agent8());
    expect(() => client({ dispatcher })).toThrow(TypeError);
    expect(() => client({ dispatcher })).toThrow(REFUSAL);
    expect(() => client({ dispatcher })).toThrow(/this one takes only the handlers of undici 8 and later/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('sends over an undici 8 Agent wrapped in Dispatcher1Wrapper, as the message advises', async () => {
    const dispatcher = new Dispatcher1Wrapper(kept(new Agent8()));
    await expect(client({ dispatcher }).get('accounts/3')).resolves.toEqual({ ok: true });
    expect(upstream.requests).toHaveLength(1);
  });

  it.runIf(refusesUndici8)('rejects the first call with the same TypeError when only sending shows it (an undici 8 ProxyAgent): nothing sent, not retried, the breaker untouched', async () => {
    const proxied = client({ dispatcher: kept(new ProxyAgent8(upstream.url)) }); // gives no answer up front
    for (const path of ['accounts/4', 'accounts/5']) {
      const error = await rejectionOf(proxied.get(path));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(REFUSAL);
      expect((error as Error).message).toMatch(/it refused the handler fetch gave it \(invalid onRequestStart method\)/);
    }
    expect(upstream.requests).toHaveLength(0);
    expect(proxied.circuitState).toBe('closed');
  });

  it.runIf(refusesUndici8)('rejects at the first call when a fetch of the caller\'s own stands in front of the global one: one attempt, no retry', async () => {
    let fetches = 0;
    const counted = client({
      dispatcher: kept(new Agent8()),
      fetch: (input, init) => {
        fetches++;
        return globalThis.fetch(input, init);
      },
    });
    const error = await rejectionOf(counted.get('accounts/6'));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^dispatcher cannot be used by the global fetch .*invalid onRequestStart method/);
    expect(fetches).toBe(1);
    expect(upstream.requests).toHaveLength(0);
  });
});
