import type { UpstreamErrorDefaults, UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError } from './upstream-error.js';

/** `host:port` of a URL, with the scheme's default port made explicit. */
function hostPort(url: string | URL): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return 'its address';
  }
}

/**
 * An attempt, or the whole call, ran out of time. Code `UPSTREAM_TIMEOUT`, 504.
 * `timeoutKind` says which timeout fired and `timeoutMs` its length.
 */
export class UpstreamTimeoutError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = { code: 'UPSTREAM_TIMEOUT', statusCode: 504, retryable: true };
  /** Which timeout fired: one attempt's, or the whole call's. */
  readonly timeoutKind: 'attempt' | 'total' | undefined;
  /** The timeout that fired, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /** @param init - What is known about the failure. */
  constructor(init: UpstreamErrorInit) {
    super(init);
    this.timeoutKind = init.timeoutKind;
    this.timeoutMs = init.timeoutMs;
  }

  /** "did not answer within 100 ms (attempt timeout)". */
  static override describe(init: UpstreamErrorInit): string {
    const within = init.timeoutMs === undefined ? 'in time' : `within ${init.timeoutMs} ms`;
    return `did not answer ${within}${init.timeoutKind ? ` (${init.timeoutKind} timeout)` : ''}`;
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" did not answer in time`;
  }

  /** @inheritDoc */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeoutKind: this.timeoutKind, timeoutMs: this.timeoutMs };
  }
}

/**
 * The upstream could not be reached or dropped the connection: refused,
 * reset, DNS failure. Code `UPSTREAM_NETWORK_ERROR`, 502; `systemCode` keeps
 * the system's code (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, …).
 */
export class UpstreamNetworkError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_NETWORK_ERROR',
    statusCode: 502,
    retryable: true,
  };

  /** "refused the connection at billing.internal:443 (ECONNREFUSED)" and the like. */
  static override describe(init: UpstreamErrorInit): string {
    const at = hostPort(init.url);
    const code = init.systemCode;
    switch (code) {
      case 'ECONNREFUSED':
        return `refused the connection at ${at} (ECONNREFUSED)`;
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
      case 'EPIPE':
        return `closed the connection at ${at} before answering (${code})`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `could not be resolved: DNS lookup of ${at.slice(0, at.lastIndexOf(':'))} failed (${code})`;
      case 'ETIMEDOUT':
      case 'UND_ERR_CONNECT_TIMEOUT':
        return `could not be connected to at ${at} in time (${code})`;
      default: {
        const reason = init.cause instanceof Error ? innermostMessage(init.cause) : 'network error';
        return `could not be reached at ${at}: ${reason}${code ? ` (${code})` : ''}`;
      }
    }
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" could not be reached`;
  }
}

function innermostMessage(error: Error): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth++) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : error.message;
}

/**
 * The circuit breaker is open: the upstream failed repeatedly and no request
 * was sent. Code `UPSTREAM_CIRCUIT_OPEN`, 503.
 */
export class UpstreamCircuitOpenError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_CIRCUIT_OPEN',
    statusCode: 503,
    retryable: true,
  };

  /** "was not called: its circuit breaker is open after repeated failures". */
  static override describe(): string {
    return 'was not called: its circuit breaker is open after repeated failures';
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" is unavailable`;
  }
}

/**
 * The client's bulkhead is full: too many requests in flight and queued.
 * Code `UPSTREAM_CONCURRENCY_LIMIT`, 503.
 */
export class UpstreamConcurrencyLimitError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_CONCURRENCY_LIMIT',
    statusCode: 503,
    retryable: true,
  };

  /** "was not called: the concurrency limit and its queue are full". */
  static override describe(): string {
    return 'was not called: the concurrency limit and its queue are full';
  }

  /** @inheritDoc */
  override get publicMessage(): string {
    return `The upstream service "${this.service}" is overloaded`;
  }
}

/**
 * The upstream answered with a body that does not match what it claimed
 * (JSON that does not parse). Code `UPSTREAM_INVALID_RESPONSE`, 502.
 */
export class UpstreamInvalidResponseError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = {
    code: 'UPSTREAM_INVALID_RESPONSE',
    statusCode: 502,
    retryable: false,
  };

  /** "answered 200 with a body that is not valid JSON". */
  static override describe(init: UpstreamErrorInit): string {
    return `answered ${init.upstreamStatus ?? ''} with a body that is not valid JSON`.replace('  ', ' ');
  }
}

/**
 * The caller cancelled the call (its `signal` aborted). Never retried.
 * Code `UPSTREAM_ABORTED`, 499.
 */
export class UpstreamAbortedError extends UpstreamError {
  /** @inheritDoc */
  static override readonly defaults: UpstreamErrorDefaults = { code: 'UPSTREAM_ABORTED', statusCode: 499, retryable: false };

  /** "call was cancelled by the caller". */
  static override describe(): string {
    return 'call was cancelled by the caller';
  }
}
