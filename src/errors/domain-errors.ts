import { AppError } from './app-error.js';

/**
 * A resource that does not exist: `User with id '42' not found`, `NOT_FOUND`, 404.
 *
 * @example
 * ```ts
 * throw new NotFoundError('User', '42');
 * ```
 */
export class NotFoundError extends AppError {
  /**
   * @param resource - What was looked for, e.g. `User`.
   * @param id - The identifier that was not found.
   */
  constructor(resource: string, id: string | number) {
    super(`${resource} with id '${String(id)}' not found`, {
      code: 'NOT_FOUND',
      statusCode: 404,
      details: { resource, id: String(id) },
    });
  }
}

/**
 * Input that breaks a rule: `Validation failed for 'email': <reason>`, `VALIDATION_ERROR`, 422.
 *
 * @example
 * ```ts
 * throw new ValidationError('email', 'must contain @');
 * ```
 */
export class ValidationError extends AppError {
  /**
   * @param field - The offending field.
   * @param reason - Why it is invalid.
   */
  constructor(field: string, reason: string) {
    super(`Validation failed for '${field}': ${reason}`, {
      code: 'VALIDATION_ERROR',
      statusCode: 422,
      details: { field, reason },
    });
  }
}

/**
 * A unique value already taken: `User with email 'a@b.c' already exists`, `CONFLICT`, 409.
 *
 * @example
 * ```ts
 * throw new ConflictError('User', 'email', 'a@b.c');
 * ```
 */
export class ConflictError extends AppError {
  /**
   * @param resource - The kind of resource, e.g. `User`.
   * @param field - The unique field, e.g. `email`.
   * @param value - The value that already exists.
   */
  constructor(resource: string, field: string, value: string) {
    super(`${resource} with ${field} '${value}' already exists`, {
      code: 'CONFLICT',
      statusCode: 409,
      details: { resource, field, value },
    });
  }
}
