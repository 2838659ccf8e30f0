import type { AttemptFailure } from '../errors/attempt-failure.js';

/** A response as one attempt read it: status, headers and the parsed body. */
export interface AttemptResponse {
  readonly status: number;
  readonly headers: Headers;
  /** JSON when the response says JSON, text otherwise, `undefined` when empty. */
  readonly data: unknown;
}

/** The outcome of one attempt (or of one hedged group of attempts). */
export type AttemptResult =
  | { readonly ok: true; readonly response: AttemptResponse }
  | { readonly ok: false; readonly failure: AttemptFailure };
