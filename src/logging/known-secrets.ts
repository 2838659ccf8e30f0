/**
 * Secret values the SDK itself holds — the tokens its `auth` providers gave —
 * so that {@link scrubKnownSecrets} can remove them from any text that leaves
 * it, wherever they appear: an upstream that echoes the token in its error
 * body, a provider whose error message quotes it. Header and member names
 * cannot catch those; only the values can.
 *
 * Process-wide and counted: two clients holding the same token keep it known
 * until both have let it go. Each client keeps at most its last two tokens
 * here (see the credentials policy), so the set stays small.
 */

/** Values shorter than this are not scrubbed from text: replacing every `abc` would mangle messages. */
export const MIN_KNOWN_SECRET_LENGTH = 6;

const known = new Map<string, number>();
let pattern: RegExp | undefined;

/** Starts scrubbing `value` from text. Pair every call with {@link forgetSecret}. */
export function rememberSecret(value: string): void {
  if (value.length < MIN_KNOWN_SECRET_LENGTH) return;
  known.set(value, (known.get(value) ?? 0) + 1);
  pattern = undefined;
}

/** Stops scrubbing `value` once every holder has forgotten it. */
export function forgetSecret(value: string): void {
  const count = known.get(value);
  if (count === undefined) return;
  if (count > 1) known.set(value, count - 1);
  else {
    known.delete(value);
    pattern = undefined;
  }
}

/** `text` with every known secret value replaced by `replacement`. Costs one size check when none is known. */
export function scrubKnownSecrets(text: string, replacement: string): string {
  if (known.size === 0) return text;
  // Longest first, so a token that contains another is replaced whole.
  pattern ??= new RegExp(
    [...known.keys()]
      .sort((a, b) => b.length - a.length)
      .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return text.replace(pattern, replacement);
}
