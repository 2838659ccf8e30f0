import { EventSink } from '../events/events.js';
import { createLogSubscriber } from '../logging/log-adapter.js';
import { Pipeline } from '../policies/pipeline.js';
import { Transport } from '../transport/attempt.js';
import { normalizeOptions } from './options/normalize-options.js';
import { prepareRequest } from './prepare.js';
import type { CircuitStateName } from '../policies/circuit-breaker/breaker.js';
import type { OutgoingRequest } from '../policies/outgoing-request.js';
import type { AttemptResponse } from '../transport/attempt-result.js';
import type { Client, ClientOptions, ClientResponse, RequestOptions, StreamResponse } from './types.js';

/** The body of a streamed answer that has none (204, HEAD): a stream that ends at once. */
function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.close();
    },
  });
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

  async request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ClientResponse<T>> {
    return (await this.#run(method, path, options)) as ClientResponse<T>;
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#data('GET', path, options) as Promise<T>;
  }

  post<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#data('POST', path, options) as Promise<T>;
  }

  put<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#data('PUT', path, options) as Promise<T>;
  }

  patch<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#data('PATCH', path, options) as Promise<T>;
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.#data('DELETE', path, options) as Promise<T>;
  }

  /**
   * Prepares and runs one call. It may throw (bad input) rather than reject: its caller is an async
   * method, which turns that into a rejection.
   */
  #run(method: string, path: string, options: RequestOptions | undefined): Promise<AttemptResponse> {
    return this.#pipeline.run(prepareRequest(this.#options, method, path, options));
  }

  /**
   * Prepares and runs one call, resolving to its parsed body: no async frame of its own (bad input
   * rejects, as from an async method), the pipeline hands back the body alone.
   */
  #data(method: string, path: string, options: RequestOptions | undefined): Promise<unknown> {
    let request: OutgoingRequest;
    try {
      request = prepareRequest(this.#options, method, path, options);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what prepareRequest throws: a TypeError naming the option
      return Promise.reject(error);
    }
    return this.#pipeline.runForData(request);
  }

  async stream(method: string, path: string, options?: RequestOptions): Promise<StreamResponse> {
    const response = await this.#pipeline.run(prepareRequest(this.#options, method, path, options, true));
    return { status: response.status, headers: response.headers, body: response.body ?? emptyBody() };
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
