/** Brand shared by every error of this package, so guards work across module copies. */
const APP_ERROR_BRAND = Symbol.for('resilient-http.AppError');

/** Options accepted by {@link AppError}. */
export interface AppErrorOptions {
  /** Stable, machine-readable code, e.g. `NOT_FOUND`. */
  code: string;
  /**
   * HTTP status this service should answer its own caller with.
   * @default 500
   */
  statusCode?: number;
  /** Extra, safe-to-log data about the failure. */
  details?: Record<string, unknown>;
  /** The underlying error, kept for debugging (never serialised in full). */
  cause?: unknown;
}

/**
 * Base class of every error this package raises, and of a service's own
 * application errors: a message, a stable `code` and the HTTP `statusCode` to
 * answer with.
 *
 * @example
 * ```ts
 * class PaymentDeclinedError extends AppError {
 *   constructor() {
 *     super('Payment declined', { code: 'PAYMENT_DECLINED', statusCode: 402 });
 *   }
 * }
 * ```
 */
export class AppError extends Error {
  /** Stable, machine-readable code. */
  readonly code: string;
  /** HTTP status this service should answer its own caller with. */
  readonly statusCode: number;
  /** Extra, safe-to-log data about the failure. */
  readonly details: Record<string, unknown> | undefined;

  /**
   * @param message - Human-readable description of what went wrong.
   * @param options - Code, status, details and cause.
   */
  constructor(message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.statusCode = options.statusCode ?? 500;
    this.details = options.details;
    Object.defineProperty(this, APP_ERROR_BRAND, { value: true });
  }

  /**
   * The message that may be shown to this service's own caller. For most
   * errors it is the message; upstream errors override it to hide internal
   * URLs and bodies.
   */
  get publicMessage(): string {
    return this.message;
  }

  /** A safe, loggable object: name, code, status, message and details — never the stack. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      statusCode: this.statusCode,
      message: this.message,
    };
    if (this.details !== undefined) json.details = this.details;
    return json;
  }
}

/**
 * True when `value` is an {@link AppError}, including one created by another
 * copy of this package.
 */
export function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && APP_ERROR_BRAND in value;
}
