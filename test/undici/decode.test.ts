// Internals: decodersFor is not public; a decoder's backpressure shows only on the stream itself.
import { setImmediate as nextTurn } from 'node:timers/promises';
import zlib from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { decodersFor } from '../../src/undici/decode.js';

const MiB = 1024 * 1024;
const DECODED = 64 * MiB;
const zeros = Buffer.alloc(DECODED);

/** Turns of the event loop until `done()` or `ms` have passed: enough for an unchecked inflater to run far ahead. */
async function turnsUntil(done: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await nextTurn();
}

describe('the deflate decoder', () => {
  it.each([
    ['zlib-wrapped', zlib.deflateSync(zeros)],
    ['raw', zlib.deflateRawSync(zeros)],
  ])('inflates %s deflate only as fast as it is read: 64 MiB from one small chunk waits for its reader', async (_kind, compressed) => {
    const [decoder] = decodersFor('deflate');
    if (decoder === undefined) throw new Error('no decoder for deflate');
    expect(compressed.byteLength).toBeLessThan(MiB);
    decoder.end(compressed);
    // Nobody reads: the inflater stops once the decoder's buffer is full, instead of inflating the whole body into it.
    await turnsUntil(() => decoder.readableLength > 4 * MiB, 300);
    expect(decoder.readableLength).toBeLessThan(4 * MiB);
    // Read, it goes on to the end.
    let total = 0;
    for await (const chunk of decoder) total += (chunk as Buffer).byteLength;
    expect(total).toBe(DECODED);
  });
});
