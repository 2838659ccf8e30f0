import { parseRetryAfter } from 'resilient-http';
import { describe, expect, it } from 'vitest';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads a future HTTP date as the time until then', () => {
    expect(parseRetryAfter(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:01:00 GMT', now)).toBe(60_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Tuesday, 01-Jan-30 12:00:30 GMT', now)).toBe(30_000);
    // asctime has no zone, so only check that it is read as a date (a past one here).
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(0);
  });

  it('reads a past HTTP date as 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
  });

  it.each(['soon', '-5', '1.5', '5s', '', '   ', 'Retry 5', 'May 1', '2030-01-01T12:00:05Z', '0x10'])(
    'ignores the unparseable value %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );

  it('ignores an absent header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('regression (issue 12): absurd Retry-After values escape as invalid numbers', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('clamps delay-seconds beyond the timer limit, however many digits, to 2 147 483 647 ms', () => {
    expect(parseRetryAfter('1'.repeat(23), now)).toBe(2_147_483_647);
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(2_147_483_647);
    expect(parseRetryAfter('2147484', now)).toBe(2_147_483_647);
    expect(parseRetryAfter(`${'0'.repeat(30)}7`, now)).toBe(7_000);
  });

  it('clamps a date far in the future, and never returns NaN for a bad clock', () => {
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now)).toBe(2_147_483_647);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', Number.NaN)).toBeUndefined();
  });
});
