import { STATUS_CODES } from 'node:http';

import { redactText } from '../logging/redact.js';

/**
 * What an error of the `http-errors` convention (Express, body-parser, Koa,
 * Fastify's `statusCode`) says about the answer: its status, the code derived
 * from it, and the message this service's caller may read.
 */
export interface HttpErrorAnswer {
  /** The error's own status, 400–599. */
  readonly status: number;
  /** `BAD_REQUEST`, `PAYLOAD_TOO_LARGE`, … `CLIENT_ERROR`; `INTERNAL_ERROR`, `SERVICE_UNAVAILABLE`, … `SERVER_ERROR`. */
  readonly code: string;
  /** The error's redacted message for an exposed 4xx; otherwise a generic one. */
  readonly message: string;
  /** True when the message is the error's own (a 4xx whose `expose` is not `false`). */
  readonly exposed: boolean;
}

const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 402: 'PAYMENT_REQUIRED', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 408: 'REQUEST_TIMEOUT', 409: 'CONFLICT', 410: 'GONE',
  411: 'LENGTH_REQUIRED', 412: 'PRECONDITION_FAILED', 413: 'PAYLOAD_TOO_LARGE', 414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE', 416: 'RANGE_NOT_SATISFIABLE', 417: 'EXPECTATION_FAILED', 421: 'MISDIRECTED_REQUEST',
  422: 'UNPROCESSABLE_ENTITY', 423: 'LOCKED', 424: 'FAILED_DEPENDENCY', 425: 'TOO_EARLY', 426: 'UPGRADE_REQUIRED',
  428: 'PRECONDITION_REQUIRED', 429: 'TOO_MANY_REQUESTS', 431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  451: 'UNAVAILABLE_FOR_LEGAL_REASONS',
  500: 'INTERNAL_ERROR', 501: 'NOT_IMPLEMENTED', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT', 505: 'HTTP_VERSION_NOT_SUPPORTED', 507: 'INSUFFICIENT_STORAGE',
};

/** The generic message of a 500, and of any thrown value the handler knows nothing about. */
export const GENERIC_MESSAGE = 'An unexpected error occurred';

/** Longest message of an exposed 4xx that is sent or logged, in characters. */
const MAX_MESSAGE_LENGTH = 500;

/** The stable code for `status`: `NOT_FOUND` for 404, `CLIENT_ERROR` / `SERVER_ERROR` for statuses without a name here. */
export function codeForStatus(status: number): string {
  return CODES[status] ?? (status < 500 ? 'CLIENT_ERROR' : 'SERVER_ERROR');
}

/**
 * The status an error of the `http-errors` convention carries: an integer
 * `status` or `statusCode` from 400 to 599 (`status` first); `undefined`
 * for anything else.
 */
function conventionalStatus(error: object): number | undefined {
  for (const key of ['status', 'statusCode'] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599) return value;
  }
  return undefined;
}

/**
 * Reads a thrown value by the `http-errors` convention: `undefined` unless
 * it carries a 4xx/5xx `status` or `statusCode`. A 4xx whose `expose` is not
 * `false` keeps its message — redacted, cut to 500 characters, and without
 * the request body that a JSON parser quotes (body-parser's 400s do) — and
 * gets a code derived from its status; a 5xx, or `expose: false`, gets a
 * generic message (`An unexpected error occurred` for 500, the reason phrase
 * otherwise: `Service Unavailable`).
 */
export function readHttpError(error: unknown): HttpErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = conventionalStatus(error);
  if (status === undefined) return undefined;
  const code = codeForStatus(status);
  const { expose, message } = error as { expose?: unknown; message?: unknown };
  if (status < 500 && expose !== false && typeof message === 'string' && message.trim() !== '') {
    return { status, code, message: publicText(message, (error as { body?: unknown }).body), exposed: true };
  }
  return { status, code, message: status === 500 ? GENERIC_MESSAGE : (STATUS_CODES[status] ?? GENERIC_MESSAGE), exposed: false };
}

/**
 * A message without the request body: V8's JSON parser quotes the text it
 * could not parse (`Unexpected token 'h', "{"password": hunter2}" is not valid
 * JSON`), and body-parser keeps that message (and the whole body as `body`).
 */
export function publicText(message: string, body?: unknown): string {
  let text = message.replace(/(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON/, 'the request body is not valid JSON');
  if (typeof body === 'string' && body.length >= 4) text = text.replaceAll(body, '[request body]');
  text = redactText(text);
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
