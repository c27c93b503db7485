import { HttpException } from '@nestjs/common';
import { ContractViolation, ErrorCode, PlatoError, type ErrorBody } from '@plato/contracts';

/** An error as the gateway answers it: an HTTP status and Plato's error body. */
export interface HttpError {
  status: number;
  body: ErrorBody;
}

/** The HTTP status of each {@link ErrorCode}; the one table the gateway maps codes with. */
export const httpStatusOfCode: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.ContractViolation]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.WrongExpectedRevision]: 409,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/**
 * Maps anything a request can throw to a status and body:
 * - a {@link PlatoError} by its code ({@link httpStatusOfCode}), its details copied unchanged
 *   (`issues` of a contract violation; `stream`, `expected`, `actual` of a wrong revision);
 * - an HttpException that Nest or Express raised (malformed JSON, unknown route, body too large)
 *   keeps its status, with the code nearest to it and the problem as an issue;
 * - anything else is a 500 `INTERNAL` that does not leak the fault's message.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof PlatoError) return { status: httpStatusOfCode[error.code] ?? 500, body: error.toJSON() };
  if (error instanceof HttpException) return fromHttpException(error);
  return { status: 500, body: { code: ErrorCode.Internal, message: 'internal error', details: {} } };
}

function fromHttpException(error: HttpException): HttpError {
  const status = error.getStatus();
  const reason = reasonOf(error);
  if (status === 404) return { status, body: { code: ErrorCode.NotFound, message: reason, details: {} } };
  if (status >= 400 && status < 500) {
    const violation = new ContractViolation('request', [{ path: '', message: reason }]);
    return { status, body: violation.toJSON() };
  }
  if (status === 503) return { status, body: { code: ErrorCode.Unavailable, message: reason, details: {} } };
  return { status: 500, body: { code: ErrorCode.Internal, message: 'internal error', details: {} } };
}

function reasonOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : error.message;
}
