/** A full response, for when status or headers matter. */
export interface ClientResponse<T> {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The body as `responseType` asks (by default JSON, text or bytes by its media type), `undefined` when empty. */
  data: T;
}

/** A streamed answer: its status and headers once they arrive, and the body as the caller reads it. */
export interface StreamResponse {
  /** HTTP status (2xx: any other status rejects `stream()` with its typed error). */
  status: number;
  /** Response headers. */
  headers: Headers;
  /**
   * The body, read as the caller reads it (backpressure). Every error it raises is an `UpstreamError`;
   * `cancel()` closes the connection. A GET whose answer allows ranges is resumed after a network error
   * or a stall, so the caller reads every byte once, in order.
   */
  body: ReadableStream<Uint8Array>;
}
