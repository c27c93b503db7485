import type { DeploymentSpec } from '@plato/contracts';

/**
 * What the Deployment aggregate knows about one deployment, folded from its stream:
 * - `absent`: no event yet (version 0);
 * - `live`: its last accepted spec, with `spec.replicas` following later scale events;
 * - `deleted`: deleted; the last spec is kept so that a later apply continues its version.
 */
export type DeploymentState =
  | { readonly status: 'absent'; readonly version: 0 }
  | { readonly status: 'live'; readonly version: number; readonly spec: DeploymentSpec }
  | { readonly status: 'deleted'; readonly version: number; readonly spec: DeploymentSpec };

/** The state of a deployment whose stream has no event. */
export const absentDeployment: DeploymentState = Object.freeze({ status: 'absent', version: 0 });
