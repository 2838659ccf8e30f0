/**
 * `resilient-http/testing`: msw handlers that make an upstream fail on
 * purpose, so a service can test how it behaves when the services it calls
 * misbehave. Requires `msw` (an optional peer dependency).
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
} from './mock-upstream.js';
export { seededRandom } from './answers.js';
export type { Answer, AnswerInit } from './answers.js';
