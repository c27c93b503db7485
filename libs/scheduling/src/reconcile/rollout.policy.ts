import { formatDurationMs } from '@plato/contracts';
import type { AllocationInfo, DeploymentInfo, RolloutInfo } from '../cluster-snapshot.types.js';
import { provenAt, serves, stillServes } from './serving.rules.js';

/** What a rollout does to the replicas of older versions in one plan. */
export interface RolloutStep {
  /** Old replicas to stop now (`outdated`). */
  readonly stops: readonly AllocationInfo[];
  /** Old replicas that keep their slot (and serve) until a later plan. */
  readonly held: readonly AllocationInfo[];
  /** Slots of held old replicas in which to place a new replica beside the old one (canaries, start-first). */
  readonly surge: readonly number[];
}

/**
 * Where a rollout stands at one moment (`plato rollout status`), and what the scheduler must
 * record of it: `outcome` when it completed or failed just now.
 */
export interface RolloutProgress {
  readonly version: number;
  readonly status: 'running' | 'paused' | 'awaiting-promotion' | 'completed' | 'failed';
  readonly outcome?: { readonly outcome: 'completed' | 'failed'; readonly reason?: string };
  /** Live replicas of the current version (or one that runs the same workload). */
  readonly placed: number;
  /** Of those, the ones proven healthy (served for `min_healthy_time`). */
  readonly healthy: number;
  /** Live replicas of older versions. */
  readonly old: number;
  /** What it waits for now, for people. */
  readonly waiting: string;
  /** When the next deadline passes (ms since the epoch), if one runs. */
  readonly deadline?: number;
  /** When the scheduler should look again even if nothing happens (a replica's min_healthy_time or a deadline). */
  readonly wakeAt?: number;
}

/** The deployment's rollout of its current version, if it has one. */
export function currentRollout(deployment: DeploymentInfo): RolloutInfo | undefined {
  return deployment.rollout?.version === deployment.version ? deployment.rollout : undefined;
}

/**
 * Whether the rollout runs its canaries beside the old replicas and waits for a promotion: it has
 * `canary` > 0, is not promoted, old replicas are left, and it does not bring back an earlier
 * version (a revert or an undo returns to a version that ran: it rolls without canaries).
 */
function inCanaryPhase(deployment: DeploymentInfo, rollout: RolloutInfo | undefined, oldCount: number): boolean {
  const canary = deployment.spec.update?.canary ?? 0;
  return (
    rollout !== undefined &&
    rollout.revertOf === undefined &&
    (rollout.status === 'running' || rollout.status === 'paused') &&
    canary > 0 &&
    !rollout.promoted &&
    oldCount > 0
  );
}

/**
 * A rollout's next step over the replicas of older versions (`old`, by slot), given the current
 * version's live replicas it keeps (`kept`). Nomad's update block, stop-first or start-first:
 *
 * - an old replica beyond the replica count is stopped; one whose slot a current replica holds is
 *   stopped once that replica is proven healthy (`min_healthy_time`), and held beside it before —
 *   and while canaries await promotion;
 * - while the rollout is paused, failed, or awaits promotion, every other old replica is held; in
 *   the canary phase, new replicas are placed beside the old ones in the lowest slots until
 *   `canary` current replicas run;
 * - otherwise old replicas that do not serve anyway are stopped at once, and serving ones only
 *   while the deployment keeps at most `max_parallel` replicas in flight — vacant slots, current
 *   replicas not yet proven and old replicas not serving count: `stop-first` stops them (their
 *   slot is placed again), `start-first` places a new replica beside each and stops the old one once
 *   the new one is proven. The rest are held.
 *
 * Without a rollout of the current version (a log from before rollouts), it advances as a running
 * one. Pure.
 */
export function rolloutStep(deployment: DeploymentInfo, kept: readonly AllocationInfo[], old: readonly AllocationInfo[], now: number): RolloutStep {
  if (old.length === 0) return { stops: [], held: [], surge: [] };
  const update = deployment.spec.update;
  const replicas = deployment.spec.replicas;
  const minHealthy = update?.min_healthy_time ?? 0;
  const rollout = currentRollout(deployment);
  const canaryPhase = inCanaryPhase(deployment, rollout, old.length);
  const advancing = !canaryPhase && (rollout === undefined || rollout.status === 'running' || rollout.status === 'completed');
  const currentBySlot = new Map(kept.map((allocation) => [allocation.index, allocation]));
  const proven = (allocation: AllocationInfo): boolean => provenAt(allocation, minHealthy, now) !== undefined;

  const stops: AllocationInfo[] = [];
  const held: AllocationInfo[] = [];
  const candidates: AllocationInfo[] = [];
  const claimed = new Set<number>();
  for (const allocation of old) {
    const current = currentBySlot.get(allocation.index);
    if (allocation.index >= replicas || claimed.has(allocation.index)) stops.push(allocation);
    else if (current) {
      if (!canaryPhase && (proven(current) || !stillServes(allocation))) stops.push(allocation);
      else held.push(allocation);
    } else {
      claimed.add(allocation.index);
      candidates.push(allocation);
    }
  }

  const surge: number[] = [];
  if (!advancing) {
    if (canaryPhase) {
      const canaries = Math.min(update?.canary ?? 0, replicas);
      for (const allocation of candidates.slice(0, Math.max(0, canaries - kept.length))) surge.push(allocation.index);
    }
    return { stops, held: [...held, ...candidates], surge };
  }
  const vacant = replicas - kept.length - candidates.length;
  const inFlight = kept.filter((allocation) => !proven(allocation)).length + candidates.filter((allocation) => !stillServes(allocation)).length;
  let budget = (update?.max_parallel ?? replicas) - vacant - inFlight;
  const startFirst = update?.order === 'start-first';
  for (const allocation of candidates) {
    if (!stillServes(allocation)) stops.push(allocation);
    else if (budget > 0) {
      budget--;
      if (startFirst) {
        surge.push(allocation.index);
        held.push(allocation);
      } else stops.push(allocation);
    } else held.push(allocation);
  }
  return { stops, held, surge };
}

/**
 * Where the current version's rollout stands at `now`, and whether it ends now: `kept` are the
 * current version's live replicas (compatible versions included), `old` the live replicas of
 * older versions; the deployment's recorded `failures` tell which of its replicas failed for good.
 *
 * - A running rollout **fails** when a replica of its version failed for good since it started
 *   (the restart policy gave up, or the agent could not run it), when one has not
 *   proven healthy within `healthy_deadline` of its placement, or when no replica proved healthy
 *   for `progress_deadline` (0: never) since the rollout started, resumed or was promoted (not
 *   while canaries await promotion: a person decides then).
 * - It **completes** when `replicas` current replicas are proven and no old one is left (and no
 *   canary awaits promotion).
 * - A paused, completed or failed rollout ends nothing; deadlines wait while it is paused.
 *
 * `wakeAt` is the earliest future moment at which the answer can change without a new event.
 * Undefined without a rollout of the current version. Pure.
 */
export function rolloutProgress(
  deployment: DeploymentInfo,
  kept: readonly AllocationInfo[],
  old: readonly AllocationInfo[],
  now: number,
): RolloutProgress | undefined {
  const rollout = currentRollout(deployment);
  const update = deployment.spec.update;
  if (!rollout || !update) return undefined;
  const replicas = deployment.spec.replicas;
  const minHealthy = update.min_healthy_time;
  const proofs = kept.map((allocation) => provenAt(allocation, minHealthy, now));
  const healthy = proofs.filter((at) => at !== undefined).length;
  const counts = { version: rollout.version, placed: kept.length, healthy, old: old.length };
  const canaryPhase = inCanaryPhase(deployment, rollout, old.length);
  if (rollout.status === 'completed') return { ...counts, status: 'completed', waiting: 'nothing: every replica runs this version' };
  if (rollout.status === 'failed') return { ...counts, status: 'failed', waiting: 'nothing: the rollout failed' };
  if (rollout.status === 'paused') return { ...counts, status: 'paused', waiting: "a user to resume it ('plato rollout resume')" };

  const wakes: number[] = [];
  const deadlines: number[] = [];
  const fail = (reason: string): RolloutProgress => ({ ...counts, status: 'failed', outcome: { outcome: 'failed', reason }, waiting: 'nothing: the rollout failed' });
  const failed = (deployment.failures ?? []).find((failure) => failure.version === rollout.version && failure.at >= rollout.startedAt && failure.at <= now);
  if (failed) return fail(`allocation ${failed.allocId} (slot ${failed.index} on node ${failed.nodeId}) failed: ${failed.cause}`);
  let lastProof = rollout.progressSince;
  for (const [i, allocation] of kept.entries()) {
    const proof = proofs[i];
    if (proof !== undefined) {
      lastProof = Math.max(lastProof, proof);
      continue;
    }
    if (allocation.servingSince !== undefined) wakes.push(allocation.servingSince + minHealthy);
    if (allocation.version !== rollout.version) continue;
    const due = (allocation.placedAt ?? 0) + update.healthy_deadline;
    if (now >= due) return fail(`${describe(allocation)} not healthy within the healthy deadline of ${formatDurationMs(update.healthy_deadline)} (it is ${stateOf(allocation, deployment)})`);
    deadlines.push(due);
  }
  if (update.progress_deadline > 0 && !canaryPhase) {
    const due = lastProof + update.progress_deadline;
    if (now >= due) return fail(`no replica of version ${rollout.version} proved healthy within the progress deadline of ${formatDurationMs(update.progress_deadline)}`);
    deadlines.push(due);
  }
  if (!canaryPhase && old.length === 0 && kept.length >= replicas && healthy === kept.length) {
    return { ...counts, status: 'completed', outcome: { outcome: 'completed' }, waiting: 'nothing: every replica runs this version' };
  }
  const deadline = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
  const wakeAt = Math.min(...wakes, ...deadlines);
  const waiting = canaryPhase
    ? `${healthy} of ${Math.min(update.canary, replicas)} canaries healthy; promote with 'plato rollout promote' once they serve`
    : `${healthy} of ${replicas} replicas of version ${rollout.version} healthy (for ${formatDurationMs(minHealthy)}), ${old.length} of older versions left`;
  return {
    ...counts,
    status: canaryPhase ? 'awaiting-promotion' : 'running',
    waiting,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(Number.isFinite(wakeAt) ? { wakeAt } : {}),
  };
}

function describe(allocation: AllocationInfo): string {
  return `allocation ${allocation.id} (slot ${allocation.index} on node ${allocation.nodeId})`;
}

function stateOf(allocation: AllocationInfo, deployment: DeploymentInfo): string {
  if (allocation.status !== 'running') return allocation.status;
  if (allocation.health === 'unhealthy') return 'running, unhealthy';
  if (deployment.spec.health && allocation.health === undefined) return 'running, not yet checked healthy';
  return serves(allocation, deployment.spec) ? 'serving, not yet for min_healthy_time' : 'running';
}
