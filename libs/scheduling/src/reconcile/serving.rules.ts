import type { AllocationInfo, DeploymentInfo } from '../cluster-snapshot.types.js';

/**
 * Whether an allocation serves: running and, when its spec has a health check, healthy. What a
 * drain and a rollout count as available.
 */
export function serves(allocation: AllocationInfo, spec: DeploymentInfo['spec']): boolean {
  return allocation.status === 'running' && (!spec.health || allocation.health === 'healthy');
}

/**
 * Whether a replica of an older version still serves as far as a rollout may assume: running and
 * not found unhealthy (one whose first verdict is pending is given the benefit of the doubt).
 * Replicas that do not are replaced at once, outside the rollout's `max_parallel`.
 */
export function stillServes(allocation: AllocationInfo): boolean {
  return allocation.status === 'running' && allocation.health !== 'unhealthy';
}

/**
 * When an allocation proved healthy for a rollout (Nomad's deployment health): the moment a
 * serving span of it had lasted `minHealthyMs` — an earlier span (`provenAt`), or the current one
 * once `now` is that far past its start. Undefined while it has not. Once proven, an allocation
 * stays proven: a later failure is the reschedule policy's business, not the rollout's.
 */
export function provenAt(allocation: AllocationInfo, minHealthyMs: number, now: number): number | undefined {
  if (allocation.provenAt !== undefined) return allocation.provenAt;
  if (allocation.servingSince === undefined) return undefined;
  const at = allocation.servingSince + minHealthyMs;
  return at <= now ? at : undefined;
}
