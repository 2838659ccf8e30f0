import { subscribe, unsubscribe } from 'node:diagnostics_channel';

import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * Collects what `channels` publish while the calling test file (or
 * `describe`) runs: subscribed before all its tests, unsubscribed after all,
 * and — unless `keep` — emptied after each test. `record` turns each message
 * into what is kept (the message itself by default).
 */
export function collectEvents<T = unknown>(
  channels: readonly string[],
  record: (message: unknown) => T = (message) => message as T,
  keep = false,
): T[] {
  const seen: T[] = [];
  const listener = (message: unknown): void => {
    seen.push(record(message));
  };
  beforeAll(() => {
    for (const name of channels) subscribe(name, listener);
  });
  afterAll(() => {
    for (const name of channels) unsubscribe(name, listener);
  });
  if (!keep) {
    afterEach(() => {
      seen.length = 0;
    });
  }
  return seen;
}
