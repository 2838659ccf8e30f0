/**
 * Helpers for fake-timer tests under msw 3.
 *
 * msw 3 answers a mocked `fetch` through undici over a mock socket, so a request
 * takes several real event-loop turns (socket events, `setImmediate`, stream
 * reads) to reach its handler, and its answer as many to come back. The fake
 * clock's `advanceTimersByTimeAsync` yields to the real event loop only once per
 * fake timer it fires, so a test that advances the clock right after starting a
 * call moves time before the request was even received: the client schedules its
 * wait later than the test assumes, and the request lands in the next test's
 * handlers. These helpers wait in real time, with the fake clock standing still.
 */

// Captured at load: the tests fake setTimeout, clearTimeout and Date, never these.
const realImmediate = globalThis.setImmediate;
const realNow = performance.now.bind(performance);

/**
 * Resolves once `condition()` holds, checking after each real event-loop turn;
 * rejects after `limitMs` of real time. The fake clock does not move meanwhile.
 */
export async function untilReal(condition: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const start = realNow();
  while (!condition()) {
    if (realNow() - start > limitMs) throw new Error(`gave up after ${limitMs} ms of real time waiting for ${what}`);
    await new Promise<void>((resolve) => realImmediate(resolve));
  }
}

/** A `fetch` option that counts the requests a client sends, at the moment it sends them. */
export interface CountingFetch {
  /** Pass as the client's `fetch`: the global fetch (msw's, under msw), read at call time. */
  readonly fetch: typeof fetch;
  /** Requests sent so far. */
  sent(): number;
}

/** A fetch that counts sends synchronously, before msw (which needs real time) sees them. */
export function countingFetch(): CountingFetch {
  let sent = 0;
  return {
    fetch: (input, init) => {
      sent++;
      return globalThis.fetch(input, init);
    },
    sent: () => sent,
  };
}
