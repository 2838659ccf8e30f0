import { createClient, UpstreamNetworkError } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { upstreamFailure } from '../support/rejection.js';
import { Agent } from '../support/undici-agent.js';
import { TLS, startTlsServer } from '../support/tls-server.js';
import type { TlsServer } from '../support/tls-server.js';

let mtls: TlsServer;
const agents: InstanceType<typeof Agent>[] = [];

function agent(options: ConstructorParameters<typeof Agent>[0]): InstanceType<typeof Agent> {
  const made = new Agent(options);
  agents.push(made);
  return made;
}

function client(baseUrl: string, options: ClientOptions = {}) {
  return createClient(baseUrl, { name: 'vault', logger: false, retry: false, circuitBreaker: false, ...options });
}

beforeAll(async () => {
  mtls = await startTlsServer({ requireClientCert: true });
});
afterAll(async () => {
  await Promise.all(agents.map((made) => made.close()));
  await mtls.close();
});

describe('the dispatcher option', () => {
  it('sends over the dispatcher: mTLS succeeds with the client certificate', async () => {
    const dispatcher = agent({ connect: { ca: TLS.ca, cert: TLS.clientCert, key: TLS.clientKey } });
    await expect(client(mtls.url, { dispatcher }).get('secrets/1')).resolves.toEqual({ ok: true });
    expect(mtls.clientNames.at(-1)).toBe('resilient-http test client');
  });

  it('fails typed without the client certificate: UpstreamNetworkError with the TLS failure as systemCode', async () => {
    const dispatcher = agent({ connect: { ca: TLS.ca } });
    const before = mtls.clientNames.length;
    const error = await upstreamFailure(client(mtls.url, { dispatcher }).get('secrets/1'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error).toMatchObject({ code: 'UPSTREAM_NETWORK_ERROR', service: 'vault', attempts: 1 });
    // The server refuses the handshake: OpenSSL's alert, or the reset that carries it, depending on timing.
    expect(error.systemCode).toMatch(/^(?:ERR_SSL_|ECONNRESET$|UND_ERR_SOCKET$)/);
    expect(mtls.clientNames).toHaveLength(before);
  });

  it('fails typed against a server whose certificate it does not trust', async () => {
    const error = await upstreamFailure(client(mtls.url, { dispatcher: agent({}) }).get('secrets/1'));
    expect(error).toBeInstanceOf(UpstreamNetworkError);
    expect(error.systemCode).toMatch(/^(?:SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });

  it('holds a cap of 2 connections under 50 concurrent calls', async () => {
    const server = await startTlsServer({ delayMs: 5 });
    try {
      const dispatcher = agent({ connections: 2, connect: { ca: TLS.ca } });
      const capped = client(server.url, { dispatcher });
      const answers = await Promise.all(Array.from({ length: 50 }, (_unused, i) => capped.get(`items/${String(i)}`)));
      expect(answers).toHaveLength(50);
      expect(answers.every((answer) => (answer as { ok: boolean }).ok)).toBe(true);
      expect(server.connections).toBeLessThanOrEqual(2);
      expect(server.peakSockets).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['an object without dispatch()', {}],
    ['a string', 'http://proxy:3128'],
    ['null', null],
  ])('refuses %s with a TypeError naming dispatcher', (_title, value) => {
    expect(() => createClient('https://vault.internal/', { dispatcher: value as never })).toThrow(TypeError);
    expect(() => createClient('https://vault.internal/', { dispatcher: value as never })).toThrow(/^dispatcher must be an undici Dispatcher/);
  });
});
