import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createClient } from 'resilient-http';

const storage = createClient('https://storage.internal/', { name: 'storage', maxResponseSize: 50 * 1024 * 1024 });

export async function invoicePdf(id: string): Promise<Uint8Array> {
  return storage.get('invoices/{id}.pdf', { params: { id }, responseType: 'bytes' }); // byte for byte
}

export async function saveExport(month: string, file: string): Promise<void> {
  // Any size, at the pace of the disk; resumed from where it broke if the connection drops.
  const { body } = await storage.stream('GET', 'exports/{month}.tar', { params: { month }, timeout: { total: 600_000 } });
  await pipeline(body, createWriteStream(file));
}
