// Internals: the hedge's race is tested with scripted attempts, so which one wins is exact, not a matter of timing.
import { describe, expect, it } from 'vitest';

import { runHedged } from '../../src/policies/hedging.js';
import type { RunningAttempt } from '../../src/policies/compose.js';
import type { AttemptResult } from '../../src/transport/attempt-result.js';

const ANSWERED: AttemptResult = { ok: true, response: { status: 200, headers: new Headers(), data: undefined } };

/** An attempt that reports `sent` requests; `answer` settles it, or it never settles (the loser). */
function attempt(sent: number, answer?: AttemptResult): RunningAttempt {
  return { promise: answer === undefined ? new Promise(() => undefined) : Promise.resolve(answer), abort: () => undefined, sent };
}

describe('a hedged group counts the requests its attempts report', () => {
  it.each([
    ['a loser still waiting for its token sent nothing', [attempt(0), attempt(1, ANSWERED)], 1],
    ['a winner re-sent after a 401 sent two', [attempt(1), attempt(2, ANSWERED)], 3],
    ['attempts that report nothing count one each', [{ promise: new Promise<AttemptResult>(() => undefined), abort: () => undefined }, attempt(1, ANSWERED)], 2],
  ])('%s', async (_case, attempts, sent) => {
    const queue = [...attempts];
    const outcome = await runHedged({ delay: 1, maxHedges: 1, start: () => queue.shift(), expired: () => ANSWERED, mayHedge: () => true });
    expect(outcome).toEqual({ result: ANSWERED, sent, budgetExhausted: false });
  });
});
