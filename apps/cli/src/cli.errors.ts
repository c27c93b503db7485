import { ContractViolation, ErrorCode, PlatoError, type ContractIssue } from '@plato/contracts';

/** The exit status of `plato` for each error code: the CLI transport's one error mapper. */
export const exitCodes: Record<ErrorCode, number> = {
  [ErrorCode.ContractViolation]: 2,
  [ErrorCode.NotFound]: 3,
  [ErrorCode.WrongExpectedRevision]: 4,
  [ErrorCode.Conflict]: 4,
  [ErrorCode.Unavailable]: 5,
  [ErrorCode.Internal]: 1,
};

/**
 * Renders an error for the terminal: `error CODE: message`, then one line per field issue.
 * Returns the text and the exit status.
 */
export function formatError(error: unknown): { text: string; exitCode: number } {
  if (!(error instanceof PlatoError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { text: `error ${ErrorCode.Internal}: ${message}\n`, exitCode: exitCodes[ErrorCode.Internal] };
  }
  const issues = issuesOf(error);
  const headline = issues.length > 0 ? `invalid ${String(error.details['subject'] ?? 'input')}` : error.message;
  const lines = [`error ${error.code}: ${headline}`, ...issues.map((issue) => `  - ${issue.path || '(message)'}: ${issue.message}`), ...hintsOf(error)];
  return { text: `${lines.join('\n')}\n`, exitCode: exitCodes[error.code] ?? 1 };
}

function hintsOf(error: PlatoError): string[] {
  if (error.code !== ErrorCode.WrongExpectedRevision || typeof error.details['expected'] !== 'number') return [];
  const { expected, actual } = error.details;
  return [`  it changed since revision ${String(expected)} (now ${String(actual)}); nothing was written: look again (plato plan, plato history) and retry`];
}

function issuesOf(error: PlatoError): ContractIssue[] {
  if (error instanceof ContractViolation) return error.issues;
  const issues = error.details['issues'];
  return Array.isArray(issues) ? (issues as ContractIssue[]) : [];
}
