import fc from 'fast-check';
import { parseRetryAfter } from 'resilient-http';
import { describe, expect, it } from 'vitest';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const MAX = 2_147_483_647;

function expectBounded(result: number | undefined): void {
  if (result === undefined) return;
  expect(Number.isInteger(result)).toBe(true);
  expect(result).toBeGreaterThanOrEqual(0);
  expect(result).toBeLessThanOrEqual(MAX);
}

const httpDate = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
  .map((date) => date.toUTCString());

describe('property: Retry-After parses to a finite, non-negative integer of ms, or undefined', () => {
  it('holds for any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (value) => { expectBounded(parseRetryAfter(value, NOW)); }), { seed: 1, numRuns: 2_000 });
  });

  it('holds for delay-seconds of any length, with any padding', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^ {0,2}\d{1,400} {0,2}$/), (value) => {
        const result = parseRetryAfter(value, NOW);
        expect(result).not.toBeUndefined();
        expectBounded(result);
      }),
      { seed: 2, numRuns: 1_000 },
    );
  });

  it('holds for any HTTP date, past or far future', () => {
    fc.assert(
      fc.property(httpDate, (value) => {
        const result = parseRetryAfter(value, NOW);
        expect(result).not.toBeUndefined();
        expectBounded(result);
      }),
      { seed: 3, numRuns: 1_000 },
    );
  });
});
