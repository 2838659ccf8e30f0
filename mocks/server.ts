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
 * Starts msw for the calling test file: unhandled requests fail loudly
 * (`onUnhandledFrame: 'error'`: msw 3 renamed `onUnhandledRequest` and
 * ignores the old key), except to 127.0.0.1; handlers reset after each test.
 */
export function useMsw(): void {
  beforeAll(() => {
    server.listen({ onUnhandledFrame: 'error' });
  });
  afterEach(() => {
    server.resetHandlers();
  });
  afterAll(() => {
    server.close();
  });
}
