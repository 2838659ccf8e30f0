// Internals: structural body redaction (redactBody) is internal; properties are checked on it directly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { redactBody } from '../../src/logging/redact.js';

/**
 * Every secret leaf is written in an alphabet nothing else uses — strings start with `Q`, numbers are
 * all nines — so a single `Q` or `9` in the output is a secret (or the start of one) that got through.
 */
const SECRET_NAMES = ['password', 'token', 'apiKey', 'client_secret', 'credentials', 'accessToken', 'privateKey', 'sessionId', 'authorization'];
const PLAIN_NAMES = ['id', 'name', 'note', 'items', 'data', 'user', 'meta', 'list', 'value'];

const secretLeaf = fc.oneof(
  fc.stringMatching(/^[a-z ]{0,10}$/).map((tail) => `Q${tail}`),
  fc.integer({ min: 1, max: 9 }).map((digits) => Number('9'.repeat(digits))),
);
const plainLeaf = fc.oneof(fc.stringMatching(/^[a-z ]{0,12}$/), fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.constant(null));

/** Any JSON value whose leaves are all secret: what may sit under a secret-named member. */
const secretValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    secretLeaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...PLAIN_NAMES, ...SECRET_NAMES), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** JSON with secret-named members at random depths; everything not under one is plain. */
const document = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, plainLeaf, tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc
    .tuple(
      fc.dictionary(fc.constantFrom(...PLAIN_NAMES), tie('value'), { maxKeys: 4 }),
      fc.dictionary(fc.constantFrom(...SECRET_NAMES), secretValue, { maxKeys: 2 }),
    )
    .map(([plain, secret]) => ({ ...plain, ...secret })),
})).object;

describe('property: no generated secret value ever appears in redacted output', () => {
  it('holds for whole JSON bodies, cut to any excerpt size', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 1, max: 4_096 }), (body, limit) => {
        expect(redactBody(JSON.stringify(body), limit)).not.toMatch(/[Q9]/);
      }),
      { seed: 12, numRuns: 400 },
    );
  });

  it('holds for JSON cut at any length before redaction (a body read up to its limit)', () => {
    fc.assert(
      fc.property(document, fc.double({ min: 0, max: 1, noNaN: true }), (body, at) => {
        const text = JSON.stringify(body);
        const cut = text.slice(0, Math.floor(text.length * at));
        expect(redactBody(cut, 4_096)).not.toMatch(/[Q9]/);
      }),
      { seed: 34, numRuns: 600 },
    );
  });

  it('holds for JSON inside other text', () => {
    fc.assert(
      fc.property(document, fc.stringMatching(/^[a-z :]{0,10}$/), (body, prefix) => {
        expect(redactBody(`${prefix}${JSON.stringify(body)} trailing`, 4_096)).not.toMatch(/[Q9]/);
      }),
      { seed: 56, numRuns: 300 },
    );
  });
});
