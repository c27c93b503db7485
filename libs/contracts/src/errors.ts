/**
 * Every error code Plato's services exchange. Libraries throw {@link PlatoError}s carrying one of
 * these; each transport (RPC reply, HTTP, CLI exit) maps codes to its own status in one place.
 */
export const ErrorCode = {
  /** A message or spec failed its schema; `details.issues` names each field. HTTP 400. */
  ContractViolation: 'CONTRACT_VIOLATION',
  /** An append or command expected a revision the stream no longer has. HTTP 409. */
  WrongExpectedRevision: 'WRONG_EXPECTED_REVISION',
  /** A command conflicts with the aggregate's state (e.g. apply to a deleted name). HTTP 409. */
  Conflict: 'CONFLICT',
  /** The object does not exist. HTTP 404. */
  NotFound: 'NOT_FOUND',
  /** A dependency (NATS, a runtime) did not answer in time. HTTP 503. */
  Unavailable: 'UNAVAILABLE',
  /** A fault nobody anticipated. HTTP 500. */
  Internal: 'INTERNAL',
} as const;

/** One of {@link ErrorCode}'s values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The base of Plato's tagged errors: a stable `code`, a human message, and structured `details`
 * that transports copy into their error bodies unchanged.
 */
export class PlatoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The wire form of this error, as RPC replies and HTTP bodies carry it. */
  toJSON(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** The wire form of an error. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** One failed check of a schema: the field's dotted path (`''` for the message itself) and why. */
export interface ContractIssue {
  path: string;
  message: string;
}

/** A message failed its schema. Its message lists every issue as `<path>: <reason>`. */
export class ContractViolation extends PlatoError {
  constructor(
    readonly subject: string,
    readonly issues: ContractIssue[],
  ) {
    super(
      ErrorCode.ContractViolation,
      `invalid ${subject}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { subject, issues },
    );
  }
}

/** Revives a {@link PlatoError} from its wire form, keeping its code and details. */
export function errorFromBody(body: ErrorBody): PlatoError {
  if (body.code === ErrorCode.ContractViolation && Array.isArray(body.details['issues'])) {
    return new ContractViolation(String(body.details['subject'] ?? 'message'), body.details['issues'] as ContractIssue[]);
  }
  return new PlatoError(body.code, body.message, body.details);
}
