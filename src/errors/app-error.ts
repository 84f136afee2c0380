/**
 * One shape for every error a client can cause: a stable code, an HTTP status, a message and details.
 * Services throw these (made by the catalogue); the API shapes them once. The status is the code's own.
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts';

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
