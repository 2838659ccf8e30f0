// Internals: a defect inside a resume cannot be provoked through the public API; the body's host is scripted here.
import { describe, expect, it } from 'vitest';

import type { AttemptFailure } from '../../src/errors/attempt-failure.js';
import { normalizeOptions } from '../../src/client/options/normalize-options.js';
import { prepareRequest } from '../../src/client/prepare.js';
import { Call } from '../../src/policies/call.js';
import { StreamedBody } from '../../src/policies/streamed-body.js';
import { ATTEMPT_TIMEOUT, AttemptSignal } from '../../src/transport/attempt-signal.js';

/** A body that sends one chunk, then fails as a reset socket does (a resumable network failure). */
function resetAfterOneChunk(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new Uint8Array([1, 2, 3]));
        return;
      }
      controller.error(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
    },
  });
}

describe('StreamedBody', () => {
  it('ends the stream with the call’s own error, and ends the call, when resuming throws', async () => {
    const call = new Call('downloads', prepareRequest(normalizeOptions('https://files.test/', { logger: false }), 'GET', 'big.bin', undefined, true));
    call.admit();
    const finished: (AttemptFailure | undefined)[] = [];
    const typed = new Error('the call’s typed error');
    const source = new StreamedBody(resetAfterOneChunk(), new AttemptSignal(10_000, ATTEMPT_TIMEOUT, undefined), call, {
      resume: () => Promise.reject(new Error('defect inside resume')),
      finish: (failure) => {
        finished.push(failure);
        return typed;
      },
    }, 200);
    const reader = new ReadableStream(source, { highWaterMark: 0 }).getReader();

    await expect(reader.read()).resolves.toEqual({ done: false, value: new Uint8Array([1, 2, 3]) });
    await expect(reader.read()).rejects.toBe(typed);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ kind: 'unexpected', cause: expect.objectContaining({ message: 'defect inside resume' }) });
  });
});
