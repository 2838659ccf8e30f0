import { EventSink } from '../events/events.js';
import { createLogSubscriber } from '../logging/log-adapter.js';
import { Pipeline } from '../policies/pipeline.js';
import { Transport } from '../transport/attempt.js';
import { normalizeOptions } from './options/normalize-options.js';
import { prepareRequest } from './prepare.js';
import type { CircuitStateName } from '../policies/circuit-breaker.js';
import type { Client, ClientOptions, ClientResponse, RequestOptions } from './types.js';

/** The body of a response: what `get`, `post`, `put`, `patch` and `delete` resolve to. */
function dataOf<T>(response: ClientResponse<T>): T {
  return response.data;
}

class ResilientClient implements Client {
  readonly name: string;
  readonly #options: ReturnType<typeof normalizeOptions>;
  readonly #pipeline: Pipeline;

  constructor(options: ReturnType<typeof normalizeOptions>) {
    this.name = options.name;
    this.#options = options;
    const sink = new EventSink(options.logger === undefined ? undefined : createLogSubscriber(options.logger));
    this.#pipeline = new Pipeline(options, new Transport(options.fetch, options.timeoutHeader, options.dispatcher), sink);
  }

  get circuitState(): CircuitStateName {
    return this.#pipeline.circuitState;
  }

  circuitSnapshot(): unknown {
    return this.#pipeline.circuitSnapshot();
  }

  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ClientResponse<T>> {
    // Not an async function: one promise per call (the pipeline's), not one per layer. Bad input still
    // rejects rather than throws.
    try {
      return this.#pipeline.run(prepareRequest(this.#options, method, path, options)) as Promise<ClientResponse<T>>;
    } catch (error) {
      // prepareRequest throws only TypeErrors naming the option.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options).then(dataOf);
  }

  post<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, options).then(dataOf);
  }

  put<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, options).then(dataOf);
  }

  patch<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, options).then(dataOf);
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options).then(dataOf);
  }

  head(path: string, options?: RequestOptions): Promise<ClientResponse<undefined>> {
    return this.request<undefined>('HEAD', path, options);
  }
}

/**
 * Creates a resilient client for one upstream: retries with exponential
 * backoff and full jitter (within a retry budget), a circuit breaker,
 * per-attempt and total timeouts, typed errors, and the caller's request ID on
 * every attempt and log line — with no further code.
 *
 * @param baseUrl - The upstream's base URL (absolute http or https); paths resolve under it.
 * @param options - Everything is optional; see the README's options table for defaults.
 * @throws TypeError naming the option, when an option is invalid.
 * @example
 * ```ts
 * const billing = createClient('https://billing.internal/', { name: 'billing' });
 * try {
 *   const invoice = await billing.get<Invoice>('invoices/{id}', { params: { id } });
 * } catch (error) {
 *   if (error instanceof UpstreamNotFoundError) return null;
 *   throw error; // UpstreamTimeoutError, UpstreamCircuitOpenError, … → errorHandler()
 * }
 * ```
 */
export function createClient(baseUrl: string | URL, options?: ClientOptions): Client {
  return new ResilientClient(normalizeOptions(baseUrl, options));
}
