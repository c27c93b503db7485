import type { DeploymentSpec } from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';

/**
 * The spec fields that say how a replica's container is made and run — image, command, args, env,
 * resources, ports, runtime, constraints, restart and health. The others (`replicas`, `update`,
 * `migrate`, `reschedule`, `strategy`) say how many and how they are placed and replaced.
 */
const placementOnly = new Set<keyof DeploymentSpec>(['replicas', 'update', 'migrate', 'reschedule', 'strategy']);

/**
 * Whether two specs run the same workload: equal in every field but the placement-only ones. An
 * allocation of a version whose workload is the current version's is kept as it runs (Nomad's
 * in-place update): a change of `update` alone, or a revert to the spec that still runs, replaces
 * nothing.
 */
export function sameWorkload(a: DeploymentSpec, b: DeploymentSpec): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof DeploymentSpec)[]);
  for (const key of keys) {
    if (placementOnly.has(key)) continue;
    if (!structuralEqual(a[key], b[key])) return false;
  }
  return true;
}
