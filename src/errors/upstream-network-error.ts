import type { UpstreamErrorInit } from './upstream-error.js';
import { UpstreamError, errorDefaults } from './upstream-error.js';

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
 * The upstream could not be reached or dropped the connection: refused,
 * reset, DNS failure. Code `UPSTREAM_NETWORK_ERROR`, 502; `systemCode` keeps
 * the system's code (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, …).
 */
export class UpstreamNetworkError extends UpstreamError {
  /** @inheritDoc */
  declare readonly code: typeof UpstreamNetworkError.defaults.code;
  /** @inheritDoc */
  static override readonly defaults = errorDefaults({
    code: 'UPSTREAM_NETWORK_ERROR',
    statusCode: 502,
    retryable: true,
  });

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

  /**
   * What happened to an answer whose body was cut off after its headers:
   * "answered 200, then closed the connection at billing.internal:443
   * before the body ended (UND_ERR_SOCKET)" and the like — never "could not
   * be reached" for an upstream that answered.
   *
   * @param init - The error's fields (its URL, system code and cause).
   * @param status - The answer's status.
   */
  static cutBody(init: UpstreamErrorInit, status: number): string {
    const at = hostPort(init.url);
    const code = init.systemCode;
    const how =
      code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
        ? `closed the connection at ${at} before the body ended (${code})`
        : `cut the body off at ${at}: ${init.cause instanceof Error ? innermostMessage(init.cause) : 'network error'}${code ? ` (${code})` : ''}`;
    return `answered ${String(status)}, then ${how}`;
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
