/**
 * Every error leaves the API as `{error: {code, message, details}}`. Client mistakes are 4xx with the
 * offending field named; anything unexpected is a logged 500 that shows no stack trace.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isConnectionError } from '../db/connection-errors.ts';
import { AppError, isAppError } from '../errors/app-error.ts';
import { errors } from '../errors/catalogue.ts';
import type { ErrorCode } from '../errors/codes.ts';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function validationError(context: string | undefined, issues: ValidationIssue[]): AppError {
  const where = context ?? 'request';
  const fields = issues.map((issue) => ({
    field: [where, ...(issue.instancePath ?? '').split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'invalid',
  }));
  return fields.length > 0
    ? errors.invalidFields(fields)
    : errors.validation(`invalid ${where}`, { issues: [] });
}

/** Fastify's own 4xx errors (lib/errors.js), as codes of the catalogue. */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_NOT_FOUND: 'WH_ROUTE_NOT_FOUND',
  FST_ERR_VALIDATION: 'WH_VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'WH_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'WH_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'WH_BAD_JSON',
  FST_ERR_BAD_URL: 'WH_BAD_URL',
  FST_ERR_INVALID_URL: 'WH_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'WH_MAX_PARAM_LENGTH',
};

function toAppError(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return validationError(error.validationContext, error.validation as ValidationIssue[]);
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return errors.badJson(error.message);
  }
  if (isConnectionError(error)) return errors.databaseUnavailable();
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new AppError(FRAMEWORK_CODES[error.code] ?? 'WH_BAD_REQUEST', error.message);
  }
  return new AppError('WH_INTERNAL', 'internal error; the server log has the details');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const shaped = toAppError(error);
    // An outage is logged where the connection is watched (once), not once per request.
    if (shaped.status >= 500 && shaped.status !== 503) request.log.error({ err: error }, 'request failed');
    return reply.code(shaped.status).send(shaped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const shaped = errors.routeNotFound(request.method, request.url.split('?')[0] ?? request.url);
    return reply.code(404).send(shaped.toJSON());
  });
}

/**
 * Errors Fastify's router raises before any handler (a bad percent-encoding, a path segment over the length
 * limit), in the documented shape.
 */
export function frameworkErrors(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const shaped = toAppError(error);
  void reply.code(shaped.status).send(shaped.toJSON());
}

const CLIENT_ERRORS: Readonly<Record<string, AppError>> = {
  HPE_HEADER_OVERFLOW: new AppError(
    'WH_HEADERS_TOO_LARGE',
    'the request line or headers are too large (the URL is too long?)',
  ),
  ERR_HTTP_REQUEST_TIMEOUT: new AppError('WH_REQUEST_TIMEOUT', 'the request took too long to arrive'),
};
const NOT_HTTP = new AppError('WH_BAD_REQUEST', 'the request is not valid HTTP');

/**
 * What Node's HTTP parser refuses (malformed requests, oversized headers), answered in the documented shape
 * on the raw socket, as no request exists yet.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? NOT_HTTP;
  const body = JSON.stringify(known.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
