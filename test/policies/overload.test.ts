// Internals: how throttling, rate limit and the Retry-After pause combine is tested with a scripted clock and call.
import { describe, expect, it } from 'vitest';

import type { AttemptFailure } from '../../src/errors/attempt-failure.js';
import { EventSink } from '../../src/events/events.js';
import type { Call } from '../../src/policies/call.js';
import { OverloadControl } from '../../src/policies/overload.js';

const OFF = { name: 'svc', adaptiveThrottling: undefined, rateLimit: undefined, fleet: undefined };
const call = { request: { retry: { maxRetryAfter: 30_000 } } } as unknown as Call;
const answered = (status: number, retryAfterMs: number | undefined): AttemptFailure => ({
  kind: 'status', status, statusText: '', body: undefined, problem: undefined, retryAfterMs,
});

describe('OverloadControl on the healthy path (pure, with a fake clock)', () => {
  const control = () => {
    let time = 1_000_000;
    const subject = new OverloadControl(OFF, new EventSink(undefined), { now: () => time, random: () => 0 });
    return { subject, advance: (ms: number) => { time += ms; } };
  };

  it('is passive with every option off: the pipeline calls the attempt directly', () => {
    expect(control().subject.passive).toBe(true);
  });

  it('stays passive after failures without a Retry-After, or with one it does not trust', () => {
    const { subject } = control();
    subject.noteFailure(call, answered(503, undefined));
    subject.noteFailure(call, answered(500, 1_000));
    subject.noteFailure(call, answered(429, 60_000));
    subject.noteFailure(call, { kind: 'network', systemCode: 'ECONNRESET', cause: undefined });
    expect(subject.passive).toBe(true);
  });

  it('is active while a pause runs, and passive again once it has passed', () => {
    const { subject, advance } = control();
    subject.noteFailure(call, answered(503, 2_000));
    expect(subject.passive).toBe(false);
    advance(1_999);
    expect(subject.passive).toBe(false);
    advance(1);
    expect(subject.passive).toBe(true);
  });

  it('is never passive with an overload option on', () => {
    const subject = new OverloadControl({ ...OFF, rateLimit: { limit: 1, intervalMs: 1000 } }, new EventSink(undefined));
    expect(subject.passive).toBe(false);
  });
});
