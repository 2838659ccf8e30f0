import { createClient, UpstreamError } from 'resilient-http';
import type { Client, ClientOptions } from 'resilient-http';
import { mockUpstream } from 'resilient-http/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { capturePino } from '../support/pino-capture.js';
import type { CapturedLogs } from '../support/pino-capture.js';

useMsw();
const intake = mockUpstream('https://intake.test/api/');
afterEach(() => {
  intake.reset();
});

function client(logs: CapturedLogs, options: ClientOptions = {}): Client {
  return createClient(intake.baseUrl, {
    name: 'intake',
    logger: logs.logger,
    retry: { initialDelay: 1 },
    circuitBreaker: { consecutiveFailures: 2, halfOpenAfter: 60_000 },
    ...options,
  });
}

/** The TypeError a call rejects with. */
async function callError(call: Promise<unknown>): Promise<TypeError> {
  const error = await call.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(UpstreamError);
  return error as TypeError;
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;

/** Input fetch would refuse (or that JSON cannot represent), and the words the TypeError must contain. */
const BAD_CALLS: [title: string, call: (c: Client) => Promise<unknown>, mentions: string][] = [
  ['json with a BigInt (PUT, a retried method)', (c) => c.put('items/1', { json: { n: 1n } }), 'options.json'],
  ['json with a circular object (POST with an idempotency key)', (c) => c.post('items', { json: circular, idempotencyKey: true }), 'options.json'],
  ['json that JSON cannot represent at all (a function)', (c) => c.post('items', { json: () => 1 }), 'options.json'],
  ['json on GET', (c) => c.get('items', { json: { q: 1 } }), 'GET request cannot have a body'],
  ['body on GET', (c) => c.get('items', { body: 'q=1' }), 'GET request cannot have a body'],
  ['json on HEAD', (c) => c.request('HEAD', 'items', { json: { q: 1 } }), 'HEAD request cannot have a body'],
  ['body on HEAD', (c) => c.request('HEAD', 'items', { body: 'q=1' }), 'HEAD request cannot have a body'],
  ['a header value outside Latin-1', (c) => c.get('items', { headers: { 'x-note': 'caf☕' } }), 'options.headers.x-note'],
  ['transfer-encoding', (c) => c.post('items', { headers: { 'Transfer-Encoding': 'chunked' }, body: 'x' }), 'options.headers.transfer-encoding'],
  ['connection', (c) => c.get('items', { headers: { connection: 'close' } }), 'options.headers.connection'],
  ['expect', (c) => c.post('items', { headers: { expect: '100-continue' }, body: 'x' }), 'options.headers.expect'],
  ['upgrade', (c) => c.get('items', { headers: { upgrade: 'websocket' } }), 'options.headers.upgrade'],
  ['content-length', (c) => c.post('items', { headers: { 'content-length': '1' }, body: 'x' }), 'options.headers.content-length'],
  // Regression (issue 12, "methods fetch refuses are not bad input"): these rejected as an UpstreamError reporting 1 attempt.
  ['method CONNECT, which fetch refuses', (c) => c.request('CONNECT', 'items'), 'method CONNECT'],
  ['method TRACE, which fetch refuses', (c) => c.request('trace', 'items'), 'method TRACE'],
  ['method TRACK, which fetch refuses', (c) => c.request('TRACK', 'items'), 'method TRACK'],
];

describe('caller input that fetch would refuse', () => {
  it.each(BAD_CALLS)('rejects %s with a TypeError from the call, nothing sent and nothing retried', async (_title, call, mentions) => {
    server.use(intake.always('all', '*', { json: { ok: true } }));
    const logs = capturePino();
    const error = await callError(call(client(logs)));
    expect(error.message).toContain(mentions);
    expect(intake.calls).toHaveLength(0);
    expect(logs.named('upstream_request')).toEqual([]);
    expect(logs.named('upstream_retry')).toEqual([]);
  });

  it('leaves the breaker untouched: after every bad call above it is still closed and a healthy call goes through', async () => {
    server.use(intake.always('all', '*', { json: { ok: true } }));
    const logs = capturePino();
    const intakeClient = client(logs);
    expect(BAD_CALLS.length).toBeGreaterThanOrEqual(10);
    const errors: unknown[] = [];
    for (const [, call] of BAD_CALLS) errors.push(await call(intakeClient).catch((caught: unknown) => caught));
    expect(intakeClient.circuitState).toBe('closed');
    expect(intake.calls).toHaveLength(0);
    expect(errors.every((error) => error instanceof TypeError && !(error instanceof UpstreamError))).toBe(true);

    await expect(intakeClient.get('items')).resolves.toEqual({ ok: true });
    expect(intake.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /api/items']);
    expect(intakeClient.circuitState).toBe('closed');
  });

  it.each([
    ['Transfer-Encoding', 'chunked', 'headers.transfer-encoding'],
    ['connection', 'keep-alive', 'headers.connection'],
    ['expect', '100-continue', 'headers.expect'],
    ['upgrade', 'h2c', 'headers.upgrade'],
    ['Content-Length', '10', 'headers.content-length'],
    ['x-note', 'caf☕', 'headers.x-note'],
  ])('refuses the client header %s: %s in createClient with a TypeError naming %s', (name, value, path) => {
    const logs = capturePino();
    let thrown: unknown;
    try {
      client(logs, { headers: { [name]: value } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message.startsWith(`${path} `)).toBe(true);
  });
});

describe('json bodies', () => {
  it('sends json on POST serialised once, with content-type application/json', async () => {
    server.use(intake.always('post', 'items', { status: 201, json: { id: 1 } }));
    const intakeClient = client(capturePino());
    await expect(intakeClient.post('items', { json: 'plain text' })).resolves.toEqual({ id: 1 });
    await expect(intakeClient.post('items', { json: { sku: 'a', tags: ['x', 'y'], n: null } })).resolves.toEqual({ id: 1 });

    expect(intake.calls.map((call) => call.body)).toEqual(['"plain text"', '{"sku":"a","tags":["x","y"],"n":null}']);
    expect(intake.calls.map((call) => call.headers['content-type'])).toEqual(['application/json', 'application/json']);
  });

  it('keeps the content-type the caller set, whatever its case, and still serialises the json', async () => {
    server.use(intake.always('patch', 'items/1', { json: { id: 1 } }));
    const intakeClient = client(capturePino());
    const patch = { op: 'replace', path: '/sku', value: 'b' };
    await intakeClient.patch('items/1', { json: patch, headers: { 'Content-Type': 'application/merge-patch+json' } });

    expect(intake.calls).toHaveLength(1);
    expect(intake.calls[0]?.headers['content-type']).toBe('application/merge-patch+json');
    expect(intake.calls[0]?.body).toBe(JSON.stringify(patch));
  });
});
