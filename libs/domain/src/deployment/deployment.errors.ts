import { ErrorCode, PlatoError } from '@plato/contracts';

/**
 * The command names a deployment that does not exist (never applied, or deleted). Code
 * `NOT_FOUND`; `details` carry `kind: 'deployment'`, `namespace` and `name`.
 */
export class DeploymentNotFound extends PlatoError {
  constructor(namespace: string, name: string) {
    super(ErrorCode.NotFound, `deployment ${namespace}/${name} not found`, { kind: 'deployment', namespace, name });
  }
}

/**
 * A rollout command that the deployment's rollout does not allow now: no rollout in progress, no
 * canaries to promote, canaries that do not serve yet, or no version to undo to. Code `CONFLICT`
 * (HTTP 409); the message says what the rollout is doing instead.
 */
export class RolloutConflict extends PlatoError {
  constructor(namespace: string, name: string, message: string) {
    super(ErrorCode.Conflict, `deployment ${namespace}/${name}: ${message}`, { kind: 'rollout', namespace, name });
  }
}
