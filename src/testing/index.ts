/**
 * `resilient-http/testing`: msw handlers that make an upstream fail on
 * purpose, so a service can test how it behaves when the services it calls
 * misbehave. Requires `msw` (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { mockUpstream } from 'resilient-http/testing';
 *
 * const server = setupServer();
 * const billing = mockUpstream('https://billing.test/');
 * server.use(billing.failFirst('get', 'invoices/:id', 2));
 * ```
 *
 * @module
 */
export { mockUpstream } from './mock-upstream.js';
export type {
  FlakyOptions,
  MockMethod,
  MockUpstream,
  ProblemInit,
  RecordedCall,
  RetryAfterOptions,
} from './types.js';
export { respond, waitFor } from './answers.js';
export { cutBody, oversizedBody, tricklingBody } from './body-answers.js';
export type { BodyAnswerInit } from './body-answers.js';
export { seededRandom } from './seeded-random.js';
export type { Answer, AnswerInit } from './answers.js';
