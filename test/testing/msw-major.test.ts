import { HttpHandler } from 'msw';
import { mockUpstream } from 'resilient-http/testing';
import { expect, it } from 'vitest';

// vitest.config.ts runs the kit's tests once per msw major; this proves each run is on the major it claims.
it('runs on the msw major its vitest project names, the kit included', async () => {
  const { default: manifest } = (await import('msw/package.json', { with: { type: 'json' } })) as { default: { version: string } };
  expect(manifest.version.split('.')[0]).toBe(process.env.EXPECTED_MSW_MAJOR);
  // The kit's handlers come from that same copy of msw.
  expect(mockUpstream('https://billing.test/').status('get', 'x', 503)).toBeInstanceOf(HttpHandler);
});
