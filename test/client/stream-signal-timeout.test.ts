import { UpstreamTimeoutError, createClient } from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';
import { rejectionOf } from '../support/rejection.js';

// A caller's AbortSignal.timeout(ms) that fires mid-body: a timeout of the stream, not a cancellation.
const upstream = useRealServer();

describe('a streamed body whose caller\'s signal times out', () => {
  it('fails the stream with UpstreamTimeoutError (timeoutKind signal) and closes the connection', async () => {
    upstream.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1024)); // then nothing more: the body stalls
    });
    const client = createClient(upstream.url, { name: 'files', logger: false });
    let received = 0;
    const error = await rejectionOf((async () => {
      const { body } = await client.stream('GET', 'stalled', { signal: AbortSignal.timeout(200) });
      for await (const chunk of body) received += chunk.byteLength;
    })());
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', statusCode: 504, timeoutKind: 'signal', attempts: 1 });
    expect(received).toBeLessThanOrEqual(1024); // the stalled body, never more
    expect(await upstream.requests[0]?.closedEarly).toBe(true);
    expect(upstream.requests).toHaveLength(1);
  });
});
