/**
 * Redaction of JSON members in text that may not parse: a body cut to size,
 * JSON inside an error message. The value of a secret-named member is replaced
 * whole — a string, a number, or an object or array through its matching
 * bracket — and a value the text cuts off is redacted to the end of the text,
 * so no tail of a secret survives.
 */

/** `"name":` with any JSON string as the name. */
const MEMBER_NAME = /"((?:[^"\\]|\\.)*)"\s*:\s*/g;
const BARE_VALUE = /[^,}\]\s]*/y;

/** Replaces the value of every member whose (unescaped) name `isSecret` accepts with `replacement`. */
export function redactJsonMembers(text: string, isSecret: (name: string) => boolean, replacement: string): string {
  let out = '';
  let copied = 0;
  MEMBER_NAME.lastIndex = 0;
  for (let match = MEMBER_NAME.exec(text); match !== null; match = MEMBER_NAME.exec(text)) {
    if (!isSecret(unescapeName(match[1] ?? ''))) continue;
    const valueStart = match.index + match[0].length;
    const valueEnd = endOfValue(text, valueStart);
    out += `${text.slice(copied, valueStart)}${replacement}`;
    copied = valueEnd;
    MEMBER_NAME.lastIndex = valueEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function unescapeName(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** Where the JSON value starting at `start` ends; the end of the text when it is cut off. */
function endOfValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return endOfString(text, start);
  if (first === '{' || first === '[') return endOfContainer(text, start);
  BARE_VALUE.lastIndex = start;
  BARE_VALUE.exec(text);
  return BARE_VALUE.lastIndex;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '"') return i + 1;
  }
  return text.length;
}

function endOfContainer(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      i = endOfString(text, i) - 1;
    } else if (char === '{' || char === '[') {
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
