import { randomUUID } from 'node:crypto';
import { CommandId, ContractViolation, issuesOf } from '@plato/contracts';

/** The request header that carries a client's command id, making a retried request idempotent. */
export const idempotencyKeyHeader = 'Idempotency-Key';

/**
 * The id of the command a request sends: the `Idempotency-Key` header when given (checked against
 * CommandId; a bad one is a ContractViolation naming the header), else a fresh one, so a request
 * the gateway retries itself is still written once.
 */
export function commandIdOf(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `gw-${randomUUID()}`;
  const result = CommandId.safeParse(idempotencyKey);
  if (!result.success) {
    throw new ContractViolation(
      'request headers',
      issuesOf(result.error).map((issue) => ({ path: idempotencyKeyHeader, message: issue.message })),
    );
  }
  return result.data;
}

/** The OpenAPI description of the {@link idempotencyKeyHeader} header, for routes that send a command. */
export const idempotencyKeyParameter = {
  [idempotencyKeyHeader]: {
    schema: CommandId,
    description: 'The command id; a request retried with the same key is applied once. Generated when absent.',
  },
};
