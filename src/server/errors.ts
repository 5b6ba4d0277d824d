/**
 * The error contract (service.md): every failure answers `{"error": {code, message, details: [{path, message}]}}`
 * with the status of its code. Internals (stacks, SQL, causes) are logged, never sent.
 */
import type { z } from 'zod';
import { GreenlightError, joinPath } from '../core/errors.js';
import { type ErrorDetail, ServiceError, type ServiceErrorCode } from '../workflow/types.js';

export const STATUS_OF: Record<ServiceErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
};

const CODE_OF_STATUS: Record<number, ServiceErrorCode> = Object.fromEntries(
  Object.entries(STATUS_OF).map(([code, status]) => [status, code as ServiceErrorCode]),
);

export interface ErrorBody {
  error: { code: ServiceErrorCode; message: string; details: ErrorDetail[] };
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** True when the cause must be logged as a server fault (500). */
  fault: boolean;
}

/** Most details sent back for one error; the rest are summarised in a last entry. */
const MAX_DETAILS = 200;

export function errorBody(code: ServiceErrorCode, message: string, details: ErrorDetail[] = []): ErrorBody {
  const clipped =
    details.length > MAX_DETAILS
      ? [
          ...details.slice(0, MAX_DETAILS),
          { path: '', message: `and ${details.length - MAX_DETAILS} more problems` },
        ]
      : details;
  return { error: { code, message, details: clipped.map((d) => ({ path: d.path, message: d.message })) } };
}

/** A Zod path as a JSON path: `evidence.evaluations[0].metric`. */
export function zodPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) out = joinPath(out, typeof key === 'number' ? key : String(key));
  return out;
}

export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: zodPath(issue.path, prefix), message: issue.message }));
}

const GENERIC_MESSAGES: Record<ServiceErrorCode, string> = {
  bad_request: 'malformed request',
  unauthorized: 'missing, invalid, expired or revoked token',
  forbidden: 'not allowed',
  not_found: 'not found',
  conflict: 'conflict',
  payload_too_large: 'request body too large',
  invalid: 'invalid request',
  rate_limited: 'too many requests; retry later',
  internal: 'internal error',
};

/** Maps anything thrown while serving a request to the error contract. */
export function mapError(e: unknown): MappedError {
  if (e instanceof ServiceError) {
    const status = STATUS_OF[e.code] ?? 500;
    if (status === 500) return internal();
    return {
      status,
      body: errorBody(e.code, e.message || GENERIC_MESSAGES[e.code], e.details),
      fault: false,
    };
  }
  if (e instanceof GreenlightError) {
    const details = e.problems.map((p) => ({ path: p.path, message: p.message }));
    switch (e.code) {
      case 'invalid_framework':
      case 'invalid_evidence':
      case 'invalid_request':
      case 'invalid_input':
      case 'not_comparable':
        return { status: 422, body: errorBody('invalid', e.message, details), fault: false };
      case 'too_large':
        return { status: 413, body: errorBody('payload_too_large', e.message, details), fault: false };
      case 'unsupported':
        return { status: 400, body: errorBody('bad_request', e.message, details), fault: false };
      default:
        return internal();
    }
  }
  // Fastify's own errors (body parsing, limits, media types) and plugins' (rate limit) carry a statusCode.
  const err = e as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  const statusCode = typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    const fst = typeof err?.code === 'string' ? err.code : '';
    if (statusCode === 413 || fst === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return {
        status: 413,
        body: errorBody('payload_too_large', GENERIC_MESSAGES.payload_too_large),
        fault: false,
      };
    }
    if (statusCode === 429) {
      return { status: 429, body: errorBody('rate_limited', GENERIC_MESSAGES.rate_limited), fault: false };
    }
    if (statusCode === 415 || fst === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return { status: 400, body: errorBody('bad_request', 'unsupported content type'), fault: false };
    }
    const code = CODE_OF_STATUS[statusCode] ?? 'bad_request';
    const status = STATUS_OF[code];
    // Fastify's messages for client errors are about the request itself (e.g. "Body is not valid JSON").
    const message =
      fst.startsWith('FST_') && typeof err?.message === 'string' ? err.message : GENERIC_MESSAGES[code];
    return { status, body: errorBody(code, message), fault: false };
  }
  return internal();
}

function internal(): MappedError {
  return { status: 500, body: errorBody('internal', GENERIC_MESSAGES.internal), fault: true };
}
