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
