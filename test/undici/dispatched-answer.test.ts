// Internals: DispatchedAnswer is the transport's view of an undici answer, not exported; its body source is faked here to count pauses and resumes.
import { describe, expect, it } from 'vitest';

import { DispatchedAnswer } from '../../src/undici/dispatched-answer.js';
import type { BodySource } from '../../src/undici/dispatched-answer.js';

/** A body source that records what the answer asked of the socket. */
function recordingSource(): BodySource & { resumes: number; cancelled: unknown[] } {
  return {
    resumes: 0,
    cancelled: [],
    resume() {
      this.resumes++;
    },
    cancel(reason) {
      this.cancelled.push(reason);
    },
  };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('DispatchedAnswer: a body read whole needs no stream', () => {
  it('joins the chunks that came before and after text() was asked for, decoding UTF-8 across a cut', async () => {
    const answer = new DispatchedAnswer(200, 'OK', recordingSource());
    const euro = bytes('€');
    answer.push(bytes('{"price":"'));
    answer.push(euro.subarray(0, 1));
    const text = answer.text();
    answer.push(euro.subarray(1));
    answer.push(bytes('"}'));
    answer.end();
    expect(JSON.parse(await text)).toEqual({ price: '€' });
  });

  it('asks the socket to pause once 64 KiB wait unread, and resumes it when the body is asked for whole', async () => {
    const source = recordingSource();
    const answer = new DispatchedAnswer(200, 'OK', source);
    const chunk = new Uint8Array(16 * 1024).fill(97);
    const verdicts = [answer.push(chunk), answer.push(chunk), answer.push(chunk), answer.push(chunk)];
    expect(verdicts).toEqual([true, true, true, false]);
    const read = answer.arrayBuffer();
    expect(source.resumes).toBe(1);
    // Read whole, nothing pauses any more: everything is wanted.
    expect(answer.push(chunk)).toBe(true);
    answer.end();
    expect((await read).byteLength).toBe(80 * 1024);
  });

  it('rejects a whole read with the reason the body failed, before or after the read began', async () => {
    const cut = new TypeError('terminated');
    const early = new DispatchedAnswer(200, 'OK', recordingSource());
    early.fail(cut);
    await expect(early.text()).rejects.toBe(cut);
    const late = new DispatchedAnswer(200, 'OK', recordingSource());
    const read = late.text();
    late.fail(cut);
    await expect(read).rejects.toBe(cut);
  });

  it('drops what still comes after it failed: the read keeps the failure', async () => {
    const answer = new DispatchedAnswer(200, 'OK', recordingSource());
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    answer.push(bytes('{"a":'));
    answer.fail(aborted);
    expect(answer.push(bytes('1}'))).toBe(false);
    answer.end();
    await expect(answer.text()).rejects.toBe(aborted);
  });

  it('is read once, as a Response body is', async () => {
    const answer = new DispatchedAnswer(200, 'OK', recordingSource());
    answer.end();
    await expect(answer.text()).resolves.toBe('');
    await expect(answer.text()).rejects.toThrow(TypeError);
  });

  it('has no body at all for an answer without one (HEAD, 204, 304)', async () => {
    const answer = new DispatchedAnswer(204, 'No Content', undefined);
    expect(answer.body).toBeNull();
    await expect(answer.text()).resolves.toBe('');
  });
});

describe('DispatchedAnswer: a body asked for as a stream', () => {
  it('streams what was buffered first, then what comes, and ends with the body', async () => {
    const source = recordingSource();
    const answer = new DispatchedAnswer(200, 'OK', source);
    answer.push(bytes('one,'));
    const body = answer.body as ReadableStream<Uint8Array>;
    expect(answer.body).toBe(body);
    answer.push(bytes('two'));
    answer.end();
    expect(await new Response(body).text()).toBe('one,two');
  });

  it('errors the stream with the failure, and a cancelled stream aborts its request', async () => {
    const cut = new TypeError('terminated');
    const failed = new DispatchedAnswer(200, 'OK', recordingSource());
    const reader = (failed.body as ReadableStream<Uint8Array>).getReader();
    failed.fail(cut);
    await expect(reader.read()).rejects.toBe(cut);

    const source = recordingSource();
    const cancelled = new DispatchedAnswer(200, 'OK', source);
    await (cancelled.body as ReadableStream<Uint8Array>).cancel('caller left');
    expect(source.cancelled).toEqual(['caller left']);
  });

  it('becomes a standard Response with its status, reason phrase, repeated headers and body', async () => {
    const answer = new DispatchedAnswer(201, 'Made', recordingSource());
    answer.headers.append('set-cookie', 'a=1');
    answer.headers.append('set-cookie', 'b=2');
    answer.push(bytes('{"id":7}'));
    answer.end();
    const response = answer.toResponse();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText]).toEqual([201, 'Made']);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ id: 7 });
  });
});

describe('DispatchedAnswer as a Response', () => {
  it('fails as fetch does, and aborts its request, when the Response class refuses its reason phrase', () => {
    const source = recordingSource();
    const answer = new DispatchedAnswer(200, 'bad\u0001phrase', source);
    expect(() => answer.toResponse()).toThrow(new TypeError('fetch failed'));
    expect(source.cancelled).toHaveLength(1);
  });
});
