import { createHash, createHmac } from 'node:crypto';

import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { ledger, payments } from '../support/readme/credentials.js';

useMsw();

describe('the README’s "Credentials and request signing" snippet', () => {
  it('gets an OAuth token once, sends it, and refreshes it after a 401', async () => {
    const issued: string[] = [];
    const grants: string[] = [];
    server.use(
      http.post('https://auth.internal/oauth/token', async ({ request }) => {
        grants.push(new URLSearchParams(await request.text()).get('grant_type') ?? '');
        issued.push(`made-up-access-${issued.length + 1}`);
        return HttpResponse.json({ access_token: issued.at(-1), token_type: 'Bearer', expires_in: 3600 });
      }),
      // Only the latest token issued is valid: a second one revokes the first.
      http.get('https://payments.internal/*', ({ request }) =>
        request.headers.get('authorization') === `Bearer ${issued.at(-1) ?? ''}` ? HttpResponse.json({ paid: true }) : new HttpResponse(null, { status: 401 }),
      ),
    );
    await expect(payments.get('payments/1')).resolves.toEqual({ paid: true });
    await expect(payments.get('payments/2')).resolves.toEqual({ paid: true });
    expect(issued).toHaveLength(1);

    issued.push('issued-elsewhere'); // the client's token is now revoked
    await expect(payments.get('payments/3')).resolves.toEqual({ paid: true });
    expect(issued).toHaveLength(3);
    expect(grants).toEqual(['client_credentials', 'client_credentials']);
  });

  it('signs every request so that the upstream can check method, path, time and body', async () => {
    const verdicts: boolean[] = [];
    server.use(
      http.post('https://ledger.internal/*', async ({ request }) => {
        const url = new URL(request.url);
        const body = new Uint8Array(await request.arrayBuffer());
        const timestamp = request.headers.get('x-timestamp') ?? '';
        const digest = createHash('sha256').update(body).digest('hex');
        const expected = createHmac('sha256', 'made-up-signing-key').update(`POST\n${url.pathname}${url.search}\n${timestamp}\n${digest}`).digest('hex');
        verdicts.push(request.headers.get('x-signature') === expected);
        return HttpResponse.json({ booked: true });
      }),
    );
    await expect(ledger.post('entries?book=main', { json: { amount: 5 } })).resolves.toEqual({ booked: true });
    expect(verdicts).toEqual([true]);
  });
});
