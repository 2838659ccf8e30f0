import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

const { constants } = zlib;
const ZLIB_FLUSH = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_FLUSH = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };

/** `zlib.createZstdDecompress`, where this Node has it (22.15+, 23.8+). */
const createZstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/**
 * `deflate` as servers send it: usually zlib-wrapped (RFC 1950), sometimes raw
 * (RFC 1951), which fetch accepts too. The first byte decides: a zlib header
 * names compression method 8 in its low nibble.
 */
class DeflateDecoder extends Transform {
  #inner: Transform | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#inner === undefined) {
      const inner = ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_FLUSH) : zlib.createInflateRaw(ZLIB_FLUSH);
      // Backpressure from the reader reaches the inflater: a small compressed chunk can inflate to gigabytes.
      inner.on('data', (data: Buffer) => {
        if (!this.push(data)) inner.pause();
      });
      inner.on('error', (error) => this.destroy(error));
      this.#inner = inner;
    }
    this.#inner.write(chunk, () => {
      callback();
    });
  }

  override _read(size: number): void {
    this.#inner?.resume();
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    // Nothing more is wanted: the inflater stops too, instead of inflating the rest of what it was given.
    this.#inner?.destroy();
    callback(error);
  }

  override _flush(callback: TransformCallback): void {
    const inner = this.#inner;
    if (inner === undefined) {
      callback();
      return;
    }
    inner.once('end', () => {
      callback();
    });
    inner.end();
  }
}

function decoderFor(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_FLUSH);
    case 'deflate':
      return new DeflateDecoder();
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_FLUSH);
    case 'zstd':
      return createZstd?.();
    default:
      return undefined;
  }
}

/**
 * Most codings a response's `content-encoding` may list, as fetch allows:
 * undici refuses more (each is a decoder, and a long list is a cheap way to
 * make a client build thousands of them).
 */
export const MAX_CONTENT_CODINGS = 5;

/** How many codings a `content-encoding` value lists, counted as fetch counts them (every comma-separated entry). */
export function codingCount(contentEncoding: string | undefined): number {
  return contentEncoding === undefined || contentEncoding === '' ? 0 : contentEncoding.split(',').length;
}

/**
 * The decoders for a `content-encoding` value, in the order to apply them
 * (the last coding listed was applied last, so it is undone first). Like
 * fetch, an unknown coding leaves the body as it came: an empty list.
 */
export function decodersFor(contentEncoding: string | undefined): Transform[] {
  if (contentEncoding === undefined || contentEncoding === '' || contentEncoding === 'identity') return [];
  const decoders: Transform[] = [];
  const codings = contentEncoding.toLowerCase().split(',');
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] ?? '').trim();
    if (coding === 'identity' || coding === '') continue;
    const decoder = decoderFor(coding);
    if (decoder === undefined) {
      for (const made of decoders) made.destroy();
      return [];
    }
    decoders.push(decoder);
  }
  return decoders;
}
