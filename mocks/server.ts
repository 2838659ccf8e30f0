import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The msw server this repo's msw-based tests share. */
export const server = setupServer();

/**
 * Starts msw for the calling test file: unhandled requests fail loudly,
 * except to 127.0.0.1 (real servers of socket tests pass through); handlers
 * reset after each test.
 */
export function useMsw(): void {
  beforeAll(() => {
    server.listen({
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error();
      },
    });
  });
  afterEach(() => {
    server.resetHandlers();
  });
  afterAll(() => {
    server.close();
  });
}
