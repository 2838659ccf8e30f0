import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { http, HttpResponse } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';

import { server, useMsw } from '../../mocks/server.js';
import { invoicePdf, saveExport } from '../support/readme/response-bodies.js';

// The README's "Response bodies" snippet (test/support/readme/response-bodies.ts), run against a mocked storage service.
useMsw();
const dir = mkdtempSync(join(tmpdir(), 'rh-readme-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's response-bodies snippet", () => {
  it('gets a PDF byte for byte', async () => {
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x80, 0xff]);
    server.use(http.get('https://storage.internal/invoices/42.pdf', () => new HttpResponse(bytes, { headers: { 'content-type': 'application/pdf' } })));
    expect([...(await invoicePdf('42'))]).toEqual([...bytes]);
  });

  it('saves a streamed export to a file', async () => {
    const tar = Buffer.alloc(3 * 1024 * 1024, 0x2a);
    server.use(http.get('https://storage.internal/exports/2026-12.tar', () => new HttpResponse(tar, { headers: { 'content-type': 'application/x-tar' } })));
    const file = join(dir, 'export.tar');
    await saveExport('2026-12', file);
    expect(readFileSync(file).equals(tar)).toBe(true);
  });
});
