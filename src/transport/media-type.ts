// node:util's TextDecoder (the same class as the global one): the declarations then compile for Node-only
// consumers, whose lib has no DOM TextDecoder type.
import { TextDecoder } from 'node:util';

/** How a body is handed to the caller; see `RequestOptions.responseType`. */
export type ResponseType = 'auto' | 'json' | 'text' | 'bytes';

const JSON_ESSENCE = /^(?:(?:application|text)\/json|[\w.!#$&^-]+\/[\w.!#$&^-]+\+json)$/;
const XML_ESSENCE = /^(?:(?:application|text)\/xml|[\w.!#$&^-]+\/[\w.!#$&^-]+\+xml)$/;
const TEXTUAL_APPLICATION = new Set([
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/x-ndjson',
]);

/** A `content-type` taken apart: its lower-case essence (`type/subtype`) and its `charset`, if any. */
export interface MediaType {
  readonly essence: string;
  readonly charset: string | undefined;
}

const NONE: MediaType = { essence: '', charset: undefined };

/** Parses a `content-type` header value; an absent or empty one has an empty essence. */
export function parseMediaType(value: string | null): MediaType {
  if (value === null || value === '') return NONE;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  if (semicolon === -1) return { essence, charset: undefined };
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(value);
  const charset = match?.[1] ?? match?.[2];
  return { essence, charset: charset === undefined || charset === '' ? undefined : charset };
}

/** `application/json`, `text/json` and every `*\/*+json`. */
export function isJsonMediaType(type: MediaType): boolean {
  return JSON_ESSENCE.test(type.essence);
}

/**
 * Media types read as text by `responseType: 'auto'`: `text/*`, XML types,
 * JavaScript, form-encoded, and a body with no `content-type` at all.
 */
export function isTextualMediaType(type: MediaType): boolean {
  const essence = type.essence;
  return essence === '' || essence.startsWith('text/') || XML_ESSENCE.test(essence) || TEXTUAL_APPLICATION.has(essence);
}

/** What `'auto'` resolves to for this media type. */
export function autoResponseType(type: MediaType): 'json' | 'text' | 'bytes' {
  if (isJsonMediaType(type)) return 'json';
  return isTextualMediaType(type) ? 'text' : 'bytes';
}

/**
 * A decoder for the media type's charset (any WHATWG encoding label:
 * `iso-8859-1`, `windows-1252`, `utf-16le`, `shift_jis`, …); UTF-8 when it
 * names none or one `TextDecoder` does not know.
 */
export function decoderFor(type: MediaType): TextDecoder {
  if (type.charset === undefined) return new TextDecoder();
  try {
    return new TextDecoder(type.charset);
  } catch {
    return new TextDecoder();
  }
}

/** True when the charset is UTF-8 (or absent): `Response.text()` decodes it right. */
export function isUtf8(type: MediaType): boolean {
  const charset = type.charset;
  return charset === undefined || /^utf-?8$/i.test(charset);
}
