/** A request held by the upstream until the test opens its gate. */
export interface HeldRequest {
  readonly path: string;
  /** Lets the upstream answer this request. */
  open(): void;
}

/** Holds every upstream request until the test opens it, in arrival order. */
export interface Gates {
  /** Requests that arrived, oldest first. */
  readonly held: readonly HeldRequest[];
  /** What happened, in order: `arrive <path>` and `open <path>`. */
  readonly log: readonly string[];
  /** Waits for the upstream's answer to be allowed; call it from a resolver. */
  hold(path: string): Promise<void>;
  /** Opens every held request, and every later one at once. */
  openAll(): void;
}

/** Creates the gates. */
export function gates(): Gates {
  const held: HeldRequest[] = [];
  const log: string[] = [];
  let allOpen = false;
  return {
    held,
    log,
    hold(path) {
      log.push(`arrive ${path}`);
      if (allOpen) return Promise.resolve();
      return new Promise<void>((resolve) => {
        held.push({
          path,
          open: () => {
            log.push(`open ${path}`);
            resolve();
          },
        });
      });
    },
    openAll() {
      allOpen = true;
      for (const request of held) request.open();
    },
  };
}
