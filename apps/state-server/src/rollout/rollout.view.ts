import type { RolloutView } from '@plato/contracts';
import type { ClusterProjection } from '@plato/domain';
import { reconcile } from '@plato/scheduling';

/**
 * The deployment's latest rollout as `plato rollout status` shows it at `now` (ms since the epoch):
 * what the log recorded of it (status, reason, revert) and, counted by the scheduler's own
 * `reconcile` over the projection, how many replicas run the new version, how many are proven
 * healthy, how many of older versions are left, and what it waits for. Undefined when the
 * deployment is not live, never had a rollout, or its current version has none.
 */
export function rolloutViewOf(projection: ClusterProjection, namespace: string, name: string, now: number): RolloutView | undefined {
  const { state } = projection.deployments.stateOf(namespace, name);
  const snapshot = projection.deploymentSnapshot(namespace, name);
  const times = projection.rolloutTimesOf(namespace, name);
  if (state.status !== 'live' || !state.rollout || !snapshot || !times) return undefined;
  const rollout = state.rollout;
  const nodeLost = (nodeId: string): boolean => (projection.nodeState(nodeId)?.liveness ?? 'lost') === 'lost';
  const progress = reconcile(snapshot.deployment, snapshot.allocations, nodeLost, now).rollout;
  if (!progress) return undefined;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const status = rollout.status === 'running' && progress.status === 'awaiting-promotion' ? 'awaiting-promotion' : rollout.status;
  return {
    version: rollout.version,
    ...(rollout.from !== undefined ? { from: rollout.from } : {}),
    ...(rollout.revertOf !== undefined ? { revertOf: rollout.revertOf } : {}),
    ...(rollout.afterFailureOf ? { afterFailureOf: { ...rollout.afterFailureOf } } : {}),
    status,
    startedAt: iso(times.startedAt),
    since: iso(times.since),
    ...(rollout.reason !== undefined ? { reason: rollout.reason } : {}),
    ...(rollout.revertTo !== undefined ? { revertTo: rollout.revertTo } : {}),
    desired: state.spec.replicas,
    canary: state.spec.update?.canary ?? 0,
    promoted: rollout.promoted,
    placed: progress.placed,
    healthy: progress.healthy,
    old: progress.old,
    waiting: rollout.status === 'failed' && rollout.reason !== undefined ? `nothing: it failed (${rollout.reason})` : progress.waiting,
    ...(progress.deadline !== undefined && rollout.status === 'running' ? { deadline: iso(progress.deadline) } : {}),
  };
}
