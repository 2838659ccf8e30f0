/**
 * What the policies prepared for one attempt — its credentials, and whatever
 * the `beforeAttempt` hook set — sent instead of the call's own headers and
 * body. Only calls of a client with `auth` or `beforeAttempt` have one.
 */
export interface AttemptOverrides {
  /** Every header of the attempt, lower-case names, the timeout header included. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body to send: the bytes the hook saw, or the call's own body (a stream, or no hook). */
  readonly body: RequestInit['body'] | undefined;
}

/** The value of the client's `timeoutHeader` for an attempt with `timeLeftMs` left: whole ms, at least 1. */
export function timeoutHeaderValue(timeLeftMs: number): string {
  return String(Math.max(1, Math.floor(timeLeftMs)));
}
