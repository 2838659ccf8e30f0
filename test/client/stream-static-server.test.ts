import { randomBytes } from 'node:crypto';

import { createClient, UpstreamInvalidResponseError } from 'resilient-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nginxMissing, startCuttingProxy, startNginx } from '../support/nginx.js';
import type { StaticServer } from '../support/nginx.js';
import { capturePino } from '../support/pino-capture.js';
import { rejectionOf } from '../support/rejection.js';

// A standard web server serving a static file (ranges, a strong ETag), behind a proxy that cuts connections.
const missing = nginxMissing();
if (missing !== undefined) console.warn(`skipping: ${missing}`);
const MiB = 1024 * 1024;
const file = randomBytes(6 * MiB);
let nginx: StaticServer;

beforeAll(async () => {
  if (missing !== undefined) return;
  nginx = await startNginx();
  nginx.put('export.bin', file);
});
afterAll(async () => {
  await nginx?.stop();
});

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe.skipIf(missing !== undefined)('resuming a download from nginx through a proxy that cuts connections', () => {
  it('delivers the file byte for byte across two cuts, each resume logged as a retry', async () => {
    const proxy = await startCuttingProxy(nginx.port, (n) => (n === 1 ? MiB : n === 2 ? 2 * MiB : undefined));
    try {
      const logs = capturePino();
      const client = createClient(proxy.url, { name: 'static', logger: logs.logger, retry: { initialDelay: 1 } });
      const { status, headers, body } = await client.stream('GET', 'export.bin');
      expect(status).toBe(200);
      expect(headers.get('accept-ranges')).toBe('bytes');
      expect(headers.get('etag')).toMatch(/^"[^"]+"$/);
      expect((await readAll(body)).equals(file)).toBe(true);
      expect(proxy.connections).toBe(3);
      expect(logs.named('upstream_retry').map((line) => line.reason)).toEqual(['resume', 'resume']);
    } finally {
      await proxy.close();
    }
  });

  it('refuses to mix two versions of the file when it changes between cuts', async () => {
    nginx.put('report.bin', file);
    let client!: ReturnType<typeof createClient>;
    const proxy = await startCuttingProxy(nginx.port, (n) => {
      // The file is replaced while the first connection is being cut: nginx's new ETag fails If-Range, so it sends 200.
      if (n === 2) nginx.put('report.bin', randomBytes(file.length + 1));
      return n === 1 ? MiB : undefined;
    });
    try {
      client = createClient(proxy.url, { name: 'static', logger: false, retry: { initialDelay: 1 } });
      const { body } = await client.stream('GET', 'report.bin');
      const error = await rejectionOf(readAll(body));
      expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
      expect((error as Error).message).toContain('answered 200 to a range request');
    } finally {
      await proxy.close();
    }
  });
});
