// Internals: the memory of secrets seen at run time has no public entry point.
import { describe, expect, it } from 'vitest';

import { forgetSecret, rememberSecret, scrubKnownSecrets } from '../../src/logging/known-secrets.js';
import { redactText } from '../../src/logging/redact.js';

describe('known secret values', () => {
  it('are scrubbed from any text while remembered, and kept until every holder forgets them', () => {
    rememberSecret('tok.en+(1)');
    rememberSecret('tok.en+(1)');
    expect(scrubKnownSecrets('a tok.en+(1) b tok.en+(1)', '[X]')).toBe('a [X] b [X]');
    // Regular-expression characters are literal: only the exact value matches.
    expect(scrubKnownSecrets('tokXen+(1)', '[X]')).toBe('tokXen+(1)');
    forgetSecret('tok.en+(1)');
    expect(redactText('echo tok.en+(1)')).toBe('echo [REDACTED]');
    forgetSecret('tok.en+(1)');
    expect(redactText('echo tok.en+(1)')).toBe('echo tok.en+(1)');
  });

  it('replace the longest value whole when one contains another', () => {
    rememberSecret('abcdef');
    rememberSecret('abcdef-longer');
    expect(scrubKnownSecrets('x abcdef-longer y abcdef', '*')).toBe('x * y *');
    forgetSecret('abcdef');
    forgetSecret('abcdef-longer');
  });

  it('ignore values shorter than 6 characters, which would mangle every message', () => {
    rememberSecret('12345');
    expect(scrubKnownSecrets('error 12345', '*')).toBe('error 12345');
    forgetSecret('12345');
  });
});
