import type { UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

/** What an {@link UpstreamResponseTooLargeError} is built from: the shared fields and the sizes. */
export interface UpstreamResponseTooLargeErrorInit extends UpstreamErrorInit {
  /** The call's `maxResponseSize`, in bytes. @default 0 */
  limit?: number | undefined;
  /** Decoded bytes read before the client stopped. @default 0 */
  receivedBytes?: number | undefined;
  /** The `Content-Length` the upstream announced above the limit, when it did. */
  declaredBytes?: number | undefined;
}

/**
 * The upstream's answer was larger than the call's `maxResponseSize`
 * (counted after decoding, so a decompression bomb stops at the limit).
 * Code `UPSTREAM_RESPONSE_TOO_LARGE`, 502. The rest of the body was never
 * read (its connection was closed); never retried — the upstream would send
 * the same — and not counted by the circuit breaker: the upstream answered.
 */
export class UpstreamResponseTooLargeError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamResponseTooLargeError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_RESPONSE_TOO_LARGE',
    statusCode: 502,
    retryable: false,
  });
  /** The call's `maxResponseSize`, in bytes. */
  readonly limit: number;
  /** Decoded bytes read before the client stopped (0 when a `Content-Length` announced too much). */
  readonly receivedBytes: number;
  /** The `Content-Length` the upstream announced, when it was above the limit. */
  readonly declaredBytes: number | undefined;

  /** @param init - What is known about the failure, with `limit`, `receivedBytes` and `declaredBytes`. */
  constructor(init: UpstreamResponseTooLargeErrorInit) {
    super(init);
    this.limit = init.limit ?? 0;
    this.receivedBytes = init.receivedBytes ?? 0;
    this.declaredBytes = init.declaredBytes;
  }

  /** "answered 200 with a body over the 10485760-byte limit (Content-Length 52428800)". */
  static override describe(init: UpstreamResponseTooLargeErrorInit): string {
    const answered = `answered ${init.upstreamStatus ?? ''}`.trimEnd();
    const over = `with a body over the ${init.limit ?? 0}-byte limit (maxResponseSize)`;
    return init.declaredBytes === undefined
      ? `${answered} ${over}: stopped after ${init.receivedBytes ?? 0} bytes`
      : `${answered} ${over}: Content-Length ${init.declaredBytes}, nothing read`;
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" sent a response that is too large`;
  }

  /** @inheritDoc */
  override toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { ...super.toJSON(), limit: this.limit, receivedBytes: this.receivedBytes };
    if (this.declaredBytes !== undefined) json.declaredBytes = this.declaredBytes;
    return json;
  }
}
