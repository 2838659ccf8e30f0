import { getEventListeners } from 'node:events';

import { getRequestContext, withRequestContext } from 'resilient-http';
import type { RequestContextInit } from 'resilient-http';
import { describe, expect, it } from 'vitest';

describe('withRequestContext: signal and timeoutMs', () => {
  it('puts the signal and a deadline timeoutMs from now on the context', () => {
    const controller = new AbortController();
    const before = Date.now();
    const context = withRequestContext({ signal: controller.signal, timeoutMs: 500 }, () => getRequestContext());
    expect(context?.signal).toBe(controller.signal);
    expect(context?.deadline).toBeGreaterThanOrEqual(before + 500);
    expect(context?.deadline).toBeLessThanOrEqual(Date.now() + 500);
  });

  it('has neither outside a context option that sets them', () => {
    const context = withRequestContext({ requestId: 'plain' }, () => getRequestContext());
    expect(context?.signal).toBeUndefined();
    expect(context?.deadline).toBeUndefined();
  });

  it.each<[string, RequestContextInit, RegExp]>([
    ['a signal that is not an AbortSignal', { signal: {} as AbortSignal }, /^signal must be an AbortSignal, got object/],
    ['a null signal', { signal: null as unknown as AbortSignal }, /^signal must be an AbortSignal, got null/],
    ['timeoutMs 0', { timeoutMs: 0 }, /^timeoutMs must be a number > 0 and <= 2147483647, got 0/],
    ['a negative timeoutMs', { timeoutMs: -1 }, /^timeoutMs must be .*, got -1/],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }, /^timeoutMs must be .*, got NaN/],
    ['timeoutMs Infinity', { timeoutMs: Number.POSITIVE_INFINITY }, /^timeoutMs must be .*, got Infinity/],
    ['timeoutMs over 2^31 - 1', { timeoutMs: 2_147_483_648 }, /^timeoutMs must be .*, got 2147483648/],
    ['a string timeoutMs', { timeoutMs: '500' as unknown as number }, /^timeoutMs must be .*, got string/],
  ])('throws a TypeError naming the option for %s, before running anything', (_case, init, message) => {
    let ran = false;
    expect(() => {
      withRequestContext(init, () => {
        ran = true;
      });
    }).toThrow(message);
    expect(() => {
      withRequestContext(init, () => undefined);
    }).toThrow(TypeError);
    expect(ran).toBe(false);
  });

  it('accepts the largest timeoutMs a timer honours', () => {
    expect(withRequestContext({ timeoutMs: 2_147_483_647 }, () => getRequestContext()?.deadline)).toBeGreaterThan(Date.now());
  });
});

describe('nested request contexts', () => {
  it('inherit the outer request ID, logger, signal and deadline when given none', () => {
    const controller = new AbortController();
    const [outer, inner] = withRequestContext({ requestId: 'outer-1', signal: controller.signal, timeoutMs: 1_000 }, () => [
      getRequestContext(),
      withRequestContext({}, () => getRequestContext()),
    ]);
    expect(inner?.requestId).toBe('outer-1');
    expect(inner?.signal).toBe(controller.signal);
    expect(inner?.deadline).toBe(outer?.deadline);
  });

  it('keep the earlier deadline: an inner timeoutMs may shorten it, never lengthen it', () => {
    withRequestContext({ timeoutMs: 1_000 }, () => {
      const outer = getRequestContext()!.deadline!;
      expect(withRequestContext({ timeoutMs: 60_000 }, () => getRequestContext()?.deadline)).toBe(outer);
      expect(withRequestContext({ timeoutMs: 10 }, () => getRequestContext()?.deadline)).toBeLessThan(outer);
    });
  });

  it('given their own signal, abort with either: the outer one cancels the inner context too', () => {
    const job = new AbortController();
    const message = new AbortController();
    const inner = withRequestContext({ signal: job.signal }, () => withRequestContext({ signal: message.signal }, () => getRequestContext()));
    // A synchronous fn has returned: the link is gone, the inner signal is its own.
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
    expect(inner?.signal?.aborted).toBe(false);

    const second = new AbortController();
    let seen: AbortSignal | undefined;
    const done = withRequestContext({ signal: job.signal }, () =>
      withRequestContext({ signal: second.signal }, async () => {
        seen = getRequestContext()?.signal;
        expect(getEventListeners(job.signal, 'abort')).toHaveLength(1);
        job.abort(new Error('shutting down'));
        await Promise.resolve();
      }),
    );
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as Error).message).toBe('shutting down');
    return done;
  });

  it('abort with the inner signal alone, leaving the outer one untouched', async () => {
    const outer = new AbortController();
    const inner = new AbortController();
    await withRequestContext({ signal: outer.signal }, () =>
      withRequestContext({ signal: inner.signal }, async () => {
        inner.abort('message expired');
        expect(getRequestContext()?.signal?.aborted).toBe(true);
        expect(getRequestContext()?.signal?.reason).toBe('message expired');
        await Promise.resolve();
      }),
    );
    expect(outer.signal.aborted).toBe(false);
  });

  it('leave no listener on a long-lived outer signal once each inner fn settles, resolved or rejected', async () => {
    const shutdown = new AbortController();
    await withRequestContext({ signal: shutdown.signal }, async () => {
      for (let i = 0; i < 20; i++) {
        const own = new AbortController();
        await withRequestContext({ signal: own.signal }, async () => {
          await Promise.resolve();
        });
        await withRequestContext({ signal: own.signal }, () => Promise.reject(new Error(`message ${i} failed`))).catch(() => undefined);
      }
      expect(() => withRequestContext({ signal: new AbortController().signal }, () => {
        throw new Error('sync failure');
      })).toThrow('sync failure');
    });
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('start aborted when the outer signal already is', () => {
    const outer = new AbortController();
    outer.abort('gone');
    const seen = withRequestContext({ signal: outer.signal }, () =>
      withRequestContext({ signal: new AbortController().signal }, () => getRequestContext()?.signal),
    );
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe('gone');
  });
});
