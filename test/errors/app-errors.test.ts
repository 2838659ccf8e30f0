import { AppError, ConflictError, NotFoundError, ValidationError, isAppError, toErrorResponse } from 'resilient-http';
import { describe, expect, it } from 'vitest';

class PaymentDeclinedError extends AppError {
  constructor(reason: string) {
    super(`Payment declined: ${reason}`, { code: 'PAYMENT_DECLINED', statusCode: 402, details: { reason } });
  }
}

describe('AppError', () => {
  it('carries its message, code, statusCode and details', () => {
    const error = new AppError('Quota exceeded', { code: 'QUOTA_EXCEEDED', statusCode: 429, details: { limit: 10 } });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('Quota exceeded');
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.statusCode).toBe(429);
    expect(error.details).toEqual({ limit: 10 });
    expect(error.name).toBe('AppError');
  });

  it('defaults statusCode to 500 and details to undefined', () => {
    const error = new AppError('Something broke', { code: 'BROKEN' });
    expect(error.statusCode).toBe(500);
    expect(error.details).toBeUndefined();
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('socket hang up');
    const error = new AppError('Could not save', { code: 'SAVE_FAILED', cause });
    expect(error.cause).toBe(cause);
    expect(new AppError('no cause', { code: 'X' })).not.toHaveProperty('cause');
  });

  it('serialises to a safe object without the stack or the cause', () => {
    const error = new AppError('Could not save', {
      code: 'SAVE_FAILED',
      statusCode: 503,
      details: { table: 'users' },
      cause: new Error('internal detail'),
    });
    expect(error.toJSON()).toEqual({
      name: 'AppError',
      code: 'SAVE_FAILED',
      statusCode: 503,
      message: 'Could not save',
      details: { table: 'users' },
    });
    const json = JSON.stringify(error);
    expect(json).not.toContain('stack');
    expect(json).not.toContain('internal detail');
    expect(json).not.toContain('at ');
  });

  it('leaves details out of toJSON when there are none', () => {
    expect(new AppError('x', { code: 'X' }).toJSON()).not.toHaveProperty('details');
  });

  it('exposes its message as the public message', () => {
    expect(new AppError('Quota exceeded', { code: 'Q' }).publicMessage).toBe('Quota exceeded');
  });
});

describe('domain errors', () => {
  it('NotFoundError says which resource and id were not found (NOT_FOUND, 404)', () => {
    const error = new NotFoundError('User', 42);
    expect(error.message).toBe("User with id '42' not found");
    expect(error.code).toBe('NOT_FOUND');
    expect(error.statusCode).toBe(404);
    expect(error.name).toBe('NotFoundError');
    expect(error.details).toEqual({ resource: 'User', id: '42' });
    expect(error).toBeInstanceOf(AppError);
  });

  it('ValidationError names the field and the reason (VALIDATION_ERROR, 422)', () => {
    const error = new ValidationError('email', 'must contain @');
    expect(error.message).toBe("Validation failed for 'email': must contain @");
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.statusCode).toBe(422);
    expect(error.name).toBe('ValidationError');
    expect(error.details).toEqual({ field: 'email', reason: 'must contain @' });
    expect(error).toBeInstanceOf(AppError);
  });

  it('ConflictError names the resource, field and value (CONFLICT, 409)', () => {
    const error = new ConflictError('User', 'email', 'a@b.c');
    expect(error.message).toBe("User with email 'a@b.c' already exists");
    expect(error.code).toBe('CONFLICT');
    expect(error.statusCode).toBe(409);
    expect(error.name).toBe('ConflictError');
    expect(error.details).toEqual({ resource: 'User', field: 'email', value: 'a@b.c' });
    expect(error).toBeInstanceOf(AppError);
  });

  it('keeps a stack that starts with the class name', () => {
    expect(new NotFoundError('User', '42').stack).toMatch(/^NotFoundError: User with id '42' not found/);
  });
});

describe('a service subclassing AppError', () => {
  it('gets its own name, code, status and details', () => {
    const error = new PaymentDeclinedError('card expired');
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PaymentDeclinedError');
    expect(error.code).toBe('PAYMENT_DECLINED');
    expect(error.statusCode).toBe(402);
    expect(error.toJSON()).toEqual({
      name: 'PaymentDeclinedError',
      code: 'PAYMENT_DECLINED',
      statusCode: 402,
      message: 'Payment declined: card expired',
      details: { reason: 'card expired' },
    });
  });

  it('is recognised by isAppError and answered with its own status by the handler', () => {
    const error = new PaymentDeclinedError('card expired');
    expect(isAppError(error)).toBe(true);
    const response = toErrorResponse(error, { requestId: 'req-1' });
    expect(response.status).toBe(402);
    expect(response.body).toEqual({
      error: { code: 'PAYMENT_DECLINED', message: 'Payment declined: card expired', requestId: 'req-1' },
    });
  });
});

describe('isAppError', () => {
  it('is true for AppError and every subclass', () => {
    expect(isAppError(new AppError('x', { code: 'X' }))).toBe(true);
    expect(isAppError(new NotFoundError('User', 1))).toBe(true);
    expect(isAppError(new ValidationError('a', 'b'))).toBe(true);
    expect(isAppError(new ConflictError('a', 'b', 'c'))).toBe(true);
  });

  it('is false for plain errors, look-alike objects and non-objects', () => {
    expect(isAppError(new Error('x'))).toBe(false);
    expect(isAppError({ name: 'AppError', code: 'NOT_FOUND', statusCode: 404, message: 'x' })).toBe(false);
    expect(isAppError(null)).toBe(false);
    expect(isAppError(undefined)).toBe(false);
    expect(isAppError('AppError')).toBe(false);
    expect(isAppError(404)).toBe(false);
  });

  it('recognises an error from another copy of the package by its global brand', () => {
    // Another copy has its own AppError class, so instanceof fails; the Symbol.for brand does not.
    const foreign = Object.defineProperty(new Error('from another copy'), Symbol.for('resilient-http.AppError'), {
      value: true,
    });
    expect(foreign).not.toBeInstanceOf(AppError);
    expect(isAppError(foreign)).toBe(true);
  });

  it('does not expose the brand as an enumerable property', () => {
    const error = new NotFoundError('User', '42');
    const brand = Symbol.for('resilient-http.AppError');
    expect(Object.getOwnPropertyDescriptor(error, brand)).toMatchObject({ value: true, enumerable: false });
    expect(Object.getOwnPropertySymbols(Object.assign({}, error))).not.toContain(brand);
  });
});
