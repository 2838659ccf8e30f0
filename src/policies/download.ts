import type { Clock } from '../context/clock.js';
import type { AttemptFailure } from '../errors/attempt-failure.js';
import type { EventSink } from '../events/events.js';
import type { AttemptResponse, AttemptResult } from '../transport/attempt-result.js';
import type { AttemptSignal } from '../transport/attempt-signal.js';
import type { Call } from './call.js';
import type { Step } from './compose.js';
import type { OverloadControl } from './overload.js';
import { checkResumed, rangeHeaders, resumePointOf } from './resume.js';
import type { ResumePoint } from './resume.js';
import { decideRetry } from './retry/decision.js';
import { sleep } from './sleep.js';
import { StreamedBody } from './streamed-body.js';
import type { BodyHost, Resumed } from './streamed-body.js';

/** What a download needs of its client's pipeline: its attempts, its breaker, its budget, and how a call ends. */
export interface DownloadSteps {
  /** Where events go. */
  readonly sink: EventSink;
  /** The random source of the backoff's jitter. */
  readonly clock: Clock;
  /** Told of every failed resume, as of every failed attempt. */
  readonly overload: OverloadControl;
  /** One attempt through the breaker inward, its transitions reported. */
  readonly attempt: Step;
  /** True while the breaker rejects every attempt. */
  breakerOpen(): boolean;
  /** True when the retry budget allows one more retry (its refusal reported otherwise). */
  retryAllowed(call: Call, attempt: number, reason: string): boolean;
  /** Ends the call: its event, and for a failure its typed error. */
  settle(call: Call, result: AttemptResult, sent: number, budgetExhausted: boolean): Error | undefined;
}

/** Where a resume starts: after which failure, attempt and byte, on what validator, and what stops it. */
interface ResumeFrom {
  readonly first: AttemptFailure;
  readonly sent: number;
  readonly delivered: number;
  readonly point: ResumePoint;
  readonly stop: AbortSignal;
}

/** How a resume went: the new body or the failure, and the requests it sent. */
interface ResumeRun {
  readonly outcome: Resumed;
  readonly sent: number;
  readonly budgetExhausted: boolean;
}

/**
 * A `stream()` call past its headers: the body becomes the caller's stream,
 * resumable when the answer allows ranges; the call ends (its event, its
 * bulkhead slot, its listeners) when the body does, with the attempts and
 * duration of the whole download.
 */
export function streamBody(call: Call, response: AttemptResponse, attempt: AttemptSignal, sent: number, steps: DownloadSteps): AttemptResponse {
  let attempts = sent;
  let budgetExhausted = false;
  const point = resumePointOf(call.request.method, response.status, response.headers);
  const host: BodyHost = {
    resume: point === undefined ? undefined : async (failure, delivered, stop) => {
      call.attemptRequest = { ...call.request, headers: rangeHeaders(call.request.headers, delivered, point) };
      const resumed = await resume(call, { first: failure, sent: attempts, delivered, point, stop }, steps);
      attempts += resumed.sent;
      budgetExhausted = resumed.budgetExhausted;
      return resumed.outcome;
    },
    finish: (failure) => {
      call.endBody();
      call.dispose();
      return steps.settle(call, failure === undefined ? { ok: true, response } : { ok: false, failure }, attempts, budgetExhausted);
    },
  };
  const source = new StreamedBody(response.body as ReadableStream<Uint8Array>, attempt, call, host, response.status);
  return { status: response.status, headers: response.headers, data: undefined, body: new ReadableStream(source, { highWaterMark: 0 }) };
}

/**
 * Resumes a download after `first`, each resume an attempt of the call: the
 * retry rules, the budget, the backoff, the breaker and the deadline apply as
 * to any retry, and it is reported as a retry with reason `resume`.
 */
async function resume(call: Call, { first, sent, delivered, point, stop }: ResumeFrom, steps: DownloadSteps): Promise<ResumeRun> {
  const request = call.request;
  let failure = first;
  let more = 0;
  const ended = (budgetExhausted = false): ResumeRun => ({ outcome: { ok: false, failure }, sent: more, budgetExhausted });
  for (let attempt = sent; ; attempt++) {
    const answer = decideRetry({ failure, attempt, retry: request.retry, idempotent: true, remainingMs: call.remaining(), random: steps.clock.random() });
    if (!answer.retry || steps.breakerOpen()) return ended();
    if (!steps.retryAllowed(call, attempt, 'resume')) return ended(true);
    if (steps.sink.wants('retry')) {
      steps.sink.emit('retry', { ...call.base(), attempt, waitMs: answer.delayMs, reason: 'resume', fromRetryAfter: answer.fromRetryAfter });
    }
    // The wait ends early, and nothing is sent, once the caller cancels the body or the call.
    if (!(await sleep(answer.delayMs, stop)) || stop.aborted) {
      failure = { kind: 'aborted', cause: call.signal?.reason };
      return ended();
    }
    const outcome = await steps.attempt(call);
    more += outcome.sent;
    const result = outcome.result;
    const live = call.takeAttempt();
    if (!result.ok) {
      failure = result.failure;
      steps.overload.noteFailure(call, failure);
      continue;
    }
    const body = result.response.body;
    const mismatch = checkResumed(result.response.status, result.response.headers, delivered, point);
    if (live === undefined || body == null || mismatch !== undefined) {
      body?.cancel().catch(() => undefined);
      live?.dispose();
      failure = mismatch ?? { kind: 'invalid-response', status: result.response.status, body: undefined, cause: undefined, detail: 'to a range request without a body' };
      return ended();
    }
    return { outcome: { ok: true, body, attempt: live }, sent: more, budgetExhausted: false };
  }
}
