// Internals: besides the public redaction helpers, the member and parameter rules and structural body redaction are internal.
import { REDACTED, redactHeaders, redactText, redactUrl } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { isSecretHeader, isSecretParam, redactBody, redactObject } from '../../src/logging/redact.js';

describe('redactUrl', () => {
  it('removes user-info from the URL', () => {
    const redacted = redactUrl('https://alice:s3cr3t@billing.test/api/invoices');
    expect(redacted).toBe('https://billing.test/api/invoices');
    expect(redacted).not.toContain('alice');
    expect(redacted).not.toContain('s3cr3t');
  });

  it('accepts a URL object and leaves the original untouched', () => {
    const url = new URL('https://bob:pw@billing.test/x?token=abc');
    expect(redactUrl(url)).toBe(`https://billing.test/x?token=${REDACTED}`);
    expect(url.username).toBe('bob');
    expect(url.searchParams.get('token')).toBe('abc');
  });

  it.each([
    'token',
    'access_token',
    'key',
    'api_key',
    'apikey',
    'secret',
    'password',
    'signature',
    'sig',
    'code',
    'X-Amz-Signature',
    'client_secret',
    'refresh_token',
  ])('replaces the value of the secret parameter %s', (name) => {
    const redacted = redactUrl(`https://billing.test/cb?${name}=leaked-value-123`);
    expect(redacted).toBe(`https://billing.test/cb?${name}=${REDACTED}`);
    expect(redacted).not.toContain('leaked-value-123');
  });

  it('matches secret parameter names case-insensitively', () => {
    const redacted = redactUrl('https://billing.test/cb?Access_Token=abc&API_KEY=def');
    expect(redacted).not.toContain('abc');
    expect(redacted).not.toContain('def');
  });

  it('recognises a percent-encoded secret parameter name', () => {
    expect(redactUrl('https://billing.test/cb?%74oken=abc&a=1')).toBe(`https://billing.test/cb?%74oken=${REDACTED}&a=1`);
  });

  it('keeps the other parameters exactly as written and in their order', () => {
    const redacted = redactUrl('https://billing.test/s?page=2&q=x+y%26z&token=abc&sort=asc&empty=&flag');
    expect(redacted).toBe(`https://billing.test/s?page=2&q=x+y%26z&token=${REDACTED}&sort=asc&empty=&flag`);
  });

  it('leaves a URL without secrets unchanged', () => {
    const url = 'https://billing.test/api/invoices/42?page=2&q=a+b';
    expect(redactUrl(url)).toBe(url);
  });

  it('drops the fragment, where the OAuth implicit flow puts tokens', () => {
    expect(redactUrl('https://app.test/cb?page=2#access_token=s3cr3t&state=x')).toBe('https://app.test/cb?page=2');
  });

  it('redacts every occurrence of a repeated secret parameter', () => {
    const redacted = redactUrl('https://billing.test/x?sig=one&a=1&sig=two');
    expect(redacted).toBe(`https://billing.test/x?sig=${REDACTED}&a=1&sig=${REDACTED}`);
  });

  it('passes unparsable input through text redaction instead of throwing', () => {
    expect(redactUrl('/relative/path?token=abc')).toBe(`/relative/path?token=${REDACTED}`);
    expect(redactUrl('not a url, password=hunter2')).toBe(`not a url, password=${REDACTED}`);
  });
});

describe('redactHeaders', () => {
  const secretHeaders = {
    Authorization: 'Bearer abc.def',
    'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
    Cookie: 'sid=1',
    'Set-Cookie': 'sid=2; HttpOnly',
    'X-Api-Key': 'k-123',
    'X-Service-Token': 't-456',
    'X-Client-Secret': 's-789',
  };

  it('replaces credential headers of a plain object and lower-cases every name', () => {
    const redacted = redactHeaders({ ...secretHeaders, 'Content-Type': 'application/json', Accept: ['a', 'b'] });
    expect(redacted).toEqual({
      authorization: REDACTED,
      'proxy-authorization': REDACTED,
      cookie: REDACTED,
      'set-cookie': REDACTED,
      'x-api-key': REDACTED,
      'x-service-token': REDACTED,
      'x-client-secret': REDACTED,
      'content-type': 'application/json',
      accept: 'a, b',
    });
  });

  it('replaces credential headers of a Headers object', () => {
    const headers = new Headers(secretHeaders);
    headers.set('X-Request-Id', 'req-1');
    const redacted = redactHeaders(headers);
    expect(redacted['x-request-id']).toBe('req-1');
    for (const name of Object.keys(secretHeaders)) expect(redacted[name.toLowerCase()]).toBe(REDACTED);
    expect(JSON.stringify(redacted)).not.toMatch(/abc\.def|dXNlcjpwYXNz|sid=|k-123|t-456|s-789/);
  });

  it('skips undefined values and accepts undefined headers', () => {
    expect(redactHeaders({ 'X-Trace': undefined, Accept: 'text/plain' })).toEqual({ accept: 'text/plain' });
    expect(redactHeaders(undefined)).toEqual({});
  });

  it('recognises secret header names case-insensitively', () => {
    expect(isSecretHeader('AUTHORIZATION')).toBe(true);
    expect(isSecretHeader('x-github-token')).toBe(true);
    expect(isSecretHeader('X-Webhook-Secret')).toBe(true);
    expect(isSecretHeader('content-type')).toBe(false);
    expect(isSecretHeader('x-request-id')).toBe(false);
  });
});

describe('redactText', () => {
  it('redacts URLs inside free text', () => {
    const text = 'GET https://u:p@billing.test/x?sig=abc&page=1 failed';
    expect(redactText(text)).toBe(`GET https://billing.test/x?sig=${REDACTED}&page=1 failed`);
  });

  it('redacts Bearer and Basic credentials', () => {
    const redacted = redactText('sent Bearer eyJhbGciOi.payload.sig and Basic dXNlcjpwYXNz');
    expect(redacted).toBe(`sent Bearer ${REDACTED} and Basic ${REDACTED}`);
  });

  it('redacts secret JSON members and keeps the others', () => {
    const redacted = redactText('{"access_token":"tok-1","password":"hunter 2","pin":1234,"id":7,"user":"bob"}');
    expect(JSON.parse(redacted)).toEqual({ access_token: REDACTED, password: REDACTED, pin: 1234, id: 7, user: 'bob' });
  });

  it('redacts secret JSON members whose value is not a string', () => {
    expect(JSON.parse(redactText('{"api_key": 998877, "ok": true}'))).toEqual({ api_key: REDACTED, ok: true });
  });

  it('keeps an error code member, secret only as a query parameter', () => {
    expect(redactText('{"code":"INVOICE_LOCKED","token":"t"} at https://billing.test/cb?code=abc')).toBe(
      `{"code":"INVOICE_LOCKED","token":"${REDACTED}"} at https://billing.test/cb?code=${REDACTED}`,
    );
    expect(redactObject({ code: 'E1', client_secret: 's' })).toEqual({ code: 'E1', client_secret: REDACTED });
  });

  it('redacts key=value and key: value pairs whose key looks secret', () => {
    expect(redactText('db password=hunter2 user=bob')).toBe(`db password=${REDACTED} user=bob`);
    expect(redactText('client_secret=abc&grant_type=x')).toBe(`client_secret=${REDACTED}&grant_type=x`);
    expect(redactText('apiKey: zzz, region: eu')).toBe(`apiKey: ${REDACTED}, region: eu`);
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'Upstream "billing" answered 404 Not Found: GET https://billing.test/invoices/7?page=2';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactObject', () => {
  it('replaces secret-looking members at any depth, in arrays too', () => {
    const input = {
      user: 'bob',
      password: 'hunter2',
      nested: { apiKey: 'k', list: [{ token: 't', id: 1 }, 'see https://billing.test/?key=abc'] },
    };
    expect(redactObject(input)).toEqual({
      user: 'bob',
      password: REDACTED,
      nested: { apiKey: REDACTED, list: [{ token: REDACTED, id: 1 }, `see https://billing.test/?key=${REDACTED}`] },
    });
  });

  it('returns a copy and leaves the input untouched', () => {
    const input = { secret: 's', inner: { value: 1 } };
    const output = redactObject(input) as typeof input;
    expect(output).not.toBe(input);
    expect(output.inner).not.toBe(input.inner);
    expect(input.secret).toBe('s');
  });

  it('keeps numbers, booleans and null as they are', () => {
    expect(redactObject({ count: 3, ok: false, none: null })).toEqual({ count: 3, ok: false, none: null });
  });

  it('truncates structures nested deeper than eight levels', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 12; i++) deep = { child: deep };
    expect(JSON.stringify(redactObject(deep))).toContain('[Truncated]');
  });

  it('classifies secret parameter names', () => {
    expect(isSecretParam('X-Amz-Signature')).toBe(true);
    expect(isSecretParam('github_token')).toBe(true);
    expect(isSecretParam('page')).toBe(false);
    expect(isSecretParam('tokenizer')).toBe(false);
  });
});

describe('camelCase and suffixed secret names, scheme-less user-info, fragments', () => {
  const SECRET_NAMES = ['accessToken', 'refreshToken', 'clientSecret', 'sessionToken', 'privateKey', 'private_key', 'credentials', 'db_password'];
  const INNOCENT_NAMES = ['keyword', 'author', 'monkey', 'page'];

  it.each(SECRET_NAMES)('redacts %s as a query parameter, a key=value pair, a JSON member and an object member', (name) => {
    expect(redactUrl(`https://billing.test/cb?${name}=leaked-1&page=2`)).toBe(`https://billing.test/cb?${name}=${REDACTED}&page=2`);
    expect(redactText(`retrying with ${name}=leaked-2 page=2`)).toBe(`retrying with ${name}=${REDACTED} page=2`);
    expect(JSON.parse(redactText(`{"${name}":"leaked-3","page":2}`))).toEqual({ [name]: REDACTED, page: 2 });
    expect(redactObject({ outer: { [name]: 'leaked-4' }, page: 2 })).toEqual({ outer: { [name]: REDACTED }, page: 2 });
  });

  it.each(INNOCENT_NAMES)('keeps the innocent name %s everywhere', (name) => {
    expect(redactUrl(`https://billing.test/s?${name}=kept-1`)).toBe(`https://billing.test/s?${name}=kept-1`);
    expect(redactText(`${name}=kept-2`)).toBe(`${name}=kept-2`);
    expect(redactText(`{"${name}":"kept-3"}`)).toBe(`{"${name}":"kept-3"}`);
    expect(redactObject({ [name]: 'kept-4' })).toEqual({ [name]: 'kept-4' });
  });

  it('keeps code as a JSON or object member (an error code), though not as a query parameter', () => {
    expect(redactText('{"code":"LEDGER_LOCKED","accessToken":"a1"}')).toBe(`{"code":"LEDGER_LOCKED","accessToken":"${REDACTED}"}`);
    expect(redactObject({ code: 'E42', refreshToken: 'r1' })).toEqual({ code: 'E42', refreshToken: REDACTED });
    expect(redactUrl('https://app.test/cb?code=abc')).toBe(`https://app.test/cb?code=${REDACTED}`);
  });

  it('redacts an X-Session-Id header, and camelCase secret headers, but keeps X-Request-Id', () => {
    const redacted = redactHeaders({ 'X-Session-Id': 'sess-1', 'X-Request-Id': 'req-1', 'X-Access-Token': 'tok-1', 'X-Private-Key': 'pk-1' });
    expect(redacted).toEqual({ 'x-session-id': REDACTED, 'x-request-id': 'req-1', 'x-access-token': REDACTED, 'x-private-key': REDACTED });
    expect(isSecretHeader('X-Session-Id')).toBe(true);
    expect(isSecretHeader('x-keyword')).toBe(false);
  });

  it('removes scheme-less user-info (//user:password@host) from text', () => {
    const redacted = redactText('path must be relative to the base URL, got "//user:pa55@evil.test/x?page=1"');
    expect(redacted).toBe('path must be relative to the base URL, got "//evil.test/x?page=1"');
    expect(redacted).not.toContain('pa55');
    expect(redacted).not.toContain('user');
    expect(redactText('see //evil.test/y')).toBe('see //evil.test/y');
  });

  it('drops URL fragments, in URLs and in text', () => {
    expect(redactUrl('https://app.test/cb?page=2#state=x&refreshToken=r1')).toBe('https://app.test/cb?page=2');
    expect(redactText('redirected to https://app.test/cb#accessToken=a1 then stopped')).toBe('redirected to https://app.test/cb then stopped');
  });
});

describe('regression (issue 12): a secret nested in a secret-named JSON member leaks', () => {
  const BODY = '{"credentials":{"user":"svc","pin":"1234"},"note":"ok"}';

  it('replaces the whole object value of a secret-named member in a JSON body', () => {
    expect(redactBody(BODY, 2048)).toBe(`{"credentials":"${REDACTED}","note":"ok"}`);
  });

  it('replaces whole array and number values of secret-named members, at any depth', () => {
    const body = JSON.stringify({ a: { b: [{ refreshToken: ['t-1', 't-2'], apiKey: 12345, keep: 1 }] } });
    expect(redactBody(body, 2048)).toBe(`{"a":{"b":[{"refreshToken":"${REDACTED}","apiKey":"${REDACTED}","keep":1}]}}`);
  });

  it('redacts a secret object value in text that is not valid JSON, through its closing bracket', () => {
    const text = `error: {"credentials":{"user":"svc","pin":"1234"}} at 12:00`;
    expect(redactText(text)).toBe(`error: {"credentials":"${REDACTED}"} at 12:00`);
  });

  it('redacts the rest of the text when a cut falls inside a secret value', () => {
    expect(redactText('{"credentials":{"user":"svc","pin":"12')).toBe(`{"credentials":"${REDACTED}"`);
    expect(redactText('{"password":"correct horse bat')).toBe(`{"password":"${REDACTED}"`);
  });

  it('redacts structurally before cutting to size, so the excerpt keeps no secret', () => {
    const body = JSON.stringify({ padding: 'x'.repeat(100), credentials: { pin: '1234' } });
    const excerpt = redactBody(body, 120);
    expect(excerpt).not.toContain('1234');
    expect(excerpt.endsWith('…')).toBe(true);
  });
});

describe('regression (issue 12): __proto__ members change prototypes', () => {
  it('keeps a __proto__ member of a redacted copy as a plain member, leaving the prototype alone', () => {
    const copy = redactObject(JSON.parse('{"__proto__":{"isAdmin":true},"a":{"__proto__":{"isAdmin":true}}}')) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(copy.a?.isAdmin).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });
});
