import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * The msw server this repo's msw-based tests share. Requests to 127.0.0.1
 * (the real servers of socket tests) go through; `resetHandlers()` keeps
 * that handler, since it is an initial one.
 */
export const server = setupServer(http.all('http://127.0.0.1:*/*', () => passthrough()));

/**
 * Unhandled requests fail, on both majors the kit supports: msw 3 reads
 * `onUnhandledFrame` and ignores `onUnhandledRequest`, msw 2 the reverse (the
 * kit's tests also run on msw 2: vitest.config.ts).
 */
const STRICT = { onUnhandledFrame: 'error', onUnhandledRequest: 'error' } as const;

/**
 * Starts msw for the calling test file: unhandled requests fail loudly,
 * except to 127.0.0.1; handlers reset after each test.
 */
export function useMsw(): void {
  beforeAll(() => {
    server.listen(STRICT);
  });
  afterEach(() => {
    server.resetHandlers();
  });
  afterAll(() => {
    server.close();
  });
}
