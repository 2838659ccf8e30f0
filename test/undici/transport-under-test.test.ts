import * as entry from 'resilient-http';
import { describe, expect, it } from 'vitest';

import { useRealServer } from '../support/real-server.js';

const project = process.env.RESILIENT_HTTP_TRANSPORT === 'undici' ? 'undici' : 'fetch';
const upstream = useRealServer((_request, response) => response.end('ok'));


describe(`the ${project} test project`, () => {
  it('sends the socket-based tests through the transport it names', async () => {
    await entry.createClient(upstream.url, { logger: false }).get('probe');
    // undici's fetch names itself in user-agent; createUndiciFetch sends no user-agent of its own.
    const userAgent = upstream.requests[0]?.headers['user-agent'];
    if (project === 'undici') {
      expect(userAgent).toBeUndefined();
      expect((entry as { transportUse?: { undici: number } }).transportUse?.undici).toBeGreaterThan(0);
    } else {
      expect(userAgent).toBe('node');
      expect('transportUse' in entry).toBe(false);
    }
  });
});
