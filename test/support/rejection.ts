import { UpstreamError } from 'resilient-http';
import { expect } from 'vitest';

/** What `promise` rejected with; fails the test when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The `UpstreamError` a call rejected with; fails the test for anything else. */
export async function upstreamFailure(call: Promise<unknown>): Promise<UpstreamError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
