import { HttpResponse, http } from 'msw';
import { CHANNELS, createClient, toErrorResponse } from 'resilient-http';
import type { ClientOptions, TokenRequest, UpstreamError } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { collectEvents } from '../support/channel-events.js';
import { capturePino } from '../support/pino-capture.js';
import { upstreamFailure } from '../support/rejection.js';

useMsw();
const BASE = 'https://vault-backed.test/';
// Shapes a real token has (a JWT-like and an opaque one), made up for this test.
const FIRST = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.first-made-up';
const SECOND = 'opaque_made_up_0123456789abcdef';

const published = collectEvents(Object.values(CHANNELS), (event) => JSON.stringify(event), true);

/** Every way an error leaves the SDK: message, stack, `toJSON()`, the error response; plus the client's log lines and events. */
function surfaces(error: UpstreamError, lines: readonly string[]): string[] {
  const response = toErrorResponse(error);
  return [error.message, error.stack ?? '', JSON.stringify(error.toJSON()), JSON.stringify(response.body), ...lines, ...published];
}

function client(options: ClientOptions) {
  return createClient(BASE, { name: 'vault-backed', retry: { initialDelay: 1, budget: false }, circuitBreaker: false, ...options });
}

/** A provider: FIRST, then SECOND on refresh. */
const token = ({ refresh }: TokenRequest): string => (refresh ? SECOND : FIRST);

describe('tokens never leave the SDK', () => {
  it.each([
    ['in a JSON error body', (auth: string) => HttpResponse.json({ message: `rejected ${auth}`, detail: { sent: auth.slice(7) } }, { status: 401 })],
    ['in a text error body', (auth: string) => new HttpResponse(`token=${auth.slice(7)} refused; you sent ${auth.slice(7)}`, { status: 401 })],
    [
      'in a problem+json detail',
      (auth: string) =>
        HttpResponse.json(
          { type: 'about:blank', title: 'Unauthorized', status: 401, detail: `credential ${auth.slice(7)} is not valid` },
          { status: 401, headers: { 'content-type': 'application/problem+json' } },
        ),
    ],
  ])('not even echoed back by the upstream %s: message, toJSON(), error response, log lines, events', async (_where, answer) => {
    published.length = 0;
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}*`, ({ request }) => {
        const auth = request.headers.get('authorization') ?? '';
        seen.push(auth);
        return answer(auth);
      }),
    );
    const logs = capturePino();
    const error = await upstreamFailure(client({ auth: { token }, logger: logs.logger }).get('secrets/db'));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', attempts: 2 });
    // The upstream did get both tokens, and echoed them.
    expect(seen).toEqual([`Bearer ${FIRST}`, `Bearer ${SECOND}`]);
    expect(logs.raw.length).toBeGreaterThan(0);
    const everything = surfaces(error, logs.raw).join('\n');
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(FIRST);
    expect(everything).not.toContain(SECOND);
    expect(everything).not.toContain('first-made-up');
  });

  it('not when a failing provider quotes the token it holds in its error', async () => {
    published.length = 0;
    server.use(http.get(`${BASE}*`, () => new HttpResponse(null, { status: 401 })));
    const quoting = ({ refresh }: TokenRequest): string => {
      if (refresh) throw new Error(`could not refresh ${FIRST}: revoked`);
      return FIRST;
    };
    const logs = capturePino();
    const error = await upstreamFailure(client({ auth: { token: quoting }, logger: logs.logger }).get('secrets/db'));
    expect(error).toMatchObject({ code: 'UPSTREAM_CREDENTIALS_FAILED', attempts: 1 });
    expect(error.message).toContain('revoked');
    const everything = surfaces(error, logs.raw).join('\n');
    expect(everything).not.toContain(FIRST);
    expect(logs.named('upstream_request_failed')).toHaveLength(1);
  });

  it('not in the TypeError for an option, whatever was passed', () => {
    expect(() => client({ auth: { token: FIRST as never } })).toThrow(/^auth\.token must be a function .*, got string$/);
  });
});
