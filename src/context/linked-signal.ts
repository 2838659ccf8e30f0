/**
 * A signal that aborts when either of two signals does, with that signal's
 * reason, until {@link LinkedSignal.dispose} unlinks it. Not `AbortSignal.any`:
 * on Node 22.23 a composite signal that has a listener and gets aborted leaks
 * (see PITFALLS.md), and the outer signal of a nested request context lives as
 * long as the inbound request or the job.
 */
export class LinkedSignal {
  readonly #controller = new AbortController();

  /**
   * @param first - One signal.
   * @param second - The other.
   */
  constructor(
    readonly first: AbortSignal,
    readonly second: AbortSignal,
  ) {
    if (first.aborted) this.#controller.abort(first.reason);
    else if (second.aborted) this.#controller.abort(second.reason);
    else {
      first.addEventListener('abort', this, { once: true });
      second.addEventListener('abort', this, { once: true });
    }
  }

  /** The linked signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** One of the two aborted: abort with its reason and stop listening to the other. */
  handleEvent(event: Event): void {
    this.#controller.abort((event.target as AbortSignal).reason);
    this.dispose();
  }

  /** Removes both listeners; the linked signal no longer follows either signal. */
  dispose(): void {
    this.first.removeEventListener('abort', this);
    this.second.removeEventListener('abort', this);
  }
}
