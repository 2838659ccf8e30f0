import type { AttemptFailure } from '../errors/attempt-failure.js';

/** A response as one attempt read it: status, headers and the parsed body. */
export interface AttemptResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body as the call's `responseType` asks (JSON, text or bytes), `undefined` when empty or streamed. */
  readonly data: unknown;
  /** The unread body, for a streamed call (`responseType: 'stream'`). */
  readonly body?: ReadableStream<Uint8Array> | null | undefined;
}

/** The outcome of one attempt (or of one hedged group of attempts). */
export type AttemptResult =
  | { readonly ok: true; readonly response: AttemptResponse }
  | { readonly ok: false; readonly failure: AttemptFailure };
