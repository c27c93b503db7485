import { terminalStatuses, type AllocationInfo, type DeploymentInfo } from '../cluster-snapshot.types.js';
import type { StopReason } from '../plan.types.js';
import { rescheduleVerdict, type RescheduleVerdict } from './reschedule.policy.js';
import { rolloutProgress, rolloutStep, type RolloutProgress } from './rollout.policy.js';
import { serves } from './serving.rules.js';

/** An allocation to stop and why. */
export interface StopDecision {
  readonly allocation: AllocationInfo;
  readonly reason: StopReason;
}

/** A missing replica slot the reschedule policy holds back until `until` (ms since the epoch). */
export interface DelayedSlot {
  readonly index: number;
  readonly until: number;
}

/** What one deployment needs: allocations to stop, those that stay, slots to fill. */
export interface Reconciliation {
  readonly stops: readonly StopDecision[];
  /** Live allocations of the current version that keep running, by slot (recovered ones included). */
  readonly kept: readonly AllocationInfo[];
  /** Replica slots to place now, lowest first. */
  readonly missing: readonly number[];
  /** Lost allocations on a node that came back, whose slot nothing else holds: kept, not replaced. */
  readonly recovered: readonly AllocationInfo[];
  /** Missing slots whose replacement waits for the reschedule delay. */
  readonly delayed: readonly DelayedSlot[];
  /** The reschedule policy's verdict on the deployment's recent failures. */
  readonly verdict: RescheduleVerdict;
  /** Where the current version's rollout stands, when it has one. */
  readonly rollout?: RolloutProgress;
}

function bySlot(a: AllocationInfo, b: AllocationInfo): number {
  return a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function staleReason(allocation: AllocationInfo, isCurrent: (version: number) => boolean): StopReason | undefined {
  if (terminalStatuses.has(allocation.status)) return 'terminal';
  if (!isCurrent(allocation.version)) return 'outdated';
  return undefined;
}

/** Whether an allocation of `version` runs the deployment's current workload: its version, or a compatible one. */
function currentVersions(deployment: DeploymentInfo): (version: number) => boolean {
  const compatible = deployment.compatible ?? [];
  if (compatible.length === 0) return (version) => version === deployment.version;
  const versions = new Set([deployment.version, ...compatible]);
  return (version) => versions.has(version);
}

const noVerdict: RescheduleVerdict = { slots: new Map(), avoidedNodes: new Set(), failing: [], givenUp: [] };

/**
 * Compares what a deployment wants with the allocations it has (Nomad's reconciler).
 * `allocations` are the deployment's; those desired `stop` are ignored. Allocations of a version
 * whose workload is the current one's (`deployment.compatible`) count as current: kept as they run.
 *
 * - a deleted or unknown (`undefined`) deployment stops all of them;
 * - an allocation on a lost node (its agent stopped heartbeating) is neither live nor stopped: its
 *   slot is placed again at once, and it waits for its node. When the node is back, a `lost` one
 *   is stopped (`node-lost`) if another live allocation holds its slot (it was replaced) or it is
 *   of an old version (`outdated`), and otherwise `recovered`: kept, adopted by its agent, never
 *   restarted;
 * - a terminal allocation, or one of another version, is stopped and its slot refilled; of two
 *   live ones in the same slot, the one with the higher id is stopped;
 * - of the live allocations of the current version, those beyond `replicas` are stopped, highest
 *   slot first (ties: highest id first);
 * - with an `update` block, allocations of an older version are replaced by the rollout a batch
 *   at a time ({@link rolloutStep}): the rest keep their slots until the new replicas are proven
 *   healthy; canaries and `start-first` place new replicas beside old ones (`missing` then names
 *   a slot an old replica still holds), and {@link rolloutProgress} says whether the rollout ends;
 * - of the kept allocations on draining nodes, as many are stopped (`drained`) as keep the
 *   deployment's unavailable replicas within `migrate.max_parallel` (see {@link drainStops});
 * - the lowest free slots are filled until `replicas` run; a slot that failed recently waits for
 *   its reschedule delay (`delayed`), and one that used up its attempts is not filled
 *   ({@link rescheduleVerdict} at `now`).
 *
 * Pure and total; the planner decides where the missing slots go.
 */
export function reconcile(
  deployment: DeploymentInfo | undefined,
  allocations: readonly AllocationInfo[],
  nodeLost: (nodeId: string) => boolean,
  now = 0,
  draining: (nodeId: string) => { readonly deadline?: number } | undefined = () => undefined,
): Reconciliation {
  const running = allocations.filter((allocation) => allocation.desired === 'run');
  if (!deployment || deployment.deleted) {
    const reason: StopReason = deployment ? 'deleted' : 'orphaned';
    return { stops: [...running].sort(bySlot).map((allocation) => ({ allocation, reason })), kept: [], missing: [], recovered: [], delayed: [], verdict: noVerdict };
  }
  const verdict = rescheduleVerdict(deployment, now);
  const replicas = deployment.spec.replicas;
  if (running.length === 0 && verdict.slots.size === 0) {
    const rollout = deployment.spec.update ? rolloutProgress(deployment, [], [], now) : undefined;
    return { stops: [], kept: [], missing: Array.from({ length: replicas }, (_, slot) => slot), recovered: [], delayed: [], verdict, ...(rollout ? { rollout } : {}) };
  }
  const stops: StopDecision[] = [];
  const live: AllocationInfo[] = [];
  const returning: AllocationInfo[] = [];
  const old: AllocationInfo[] = [];
  const rolling = deployment.spec.update !== undefined;
  const isCurrent = currentVersions(deployment);
  for (const allocation of [...running].sort(bySlot)) {
    if (nodeLost(allocation.nodeId)) continue;
    if (allocation.status === 'lost') {
      if (!isCurrent(allocation.version)) stops.push({ allocation, reason: 'outdated' });
      else returning.push(allocation);
      continue;
    }
    const reason = staleReason(allocation, isCurrent) ?? (live.at(-1)?.index === allocation.index ? 'duplicate' : undefined);
    if (reason === 'outdated' && rolling) old.push(allocation);
    else if (reason) stops.push({ allocation, reason });
    else live.push(allocation);
  }
  const held = new Set(live.map((allocation) => allocation.index));
  const recovered: AllocationInfo[] = [];
  for (const allocation of returning) {
    if (held.has(allocation.index)) {
      stops.push({ allocation, reason: 'node-lost' });
      continue;
    }
    held.add(allocation.index);
    recovered.push(allocation);
    live.push(allocation);
  }
  live.sort(bySlot);
  const wanted = live.slice(0, replicas);
  for (const allocation of live.slice(replicas).reverse()) stops.push({ allocation, reason: 'scaled-down' });
  const drained = new Set(drainStops(deployment, wanted, replicas - wanted.length, draining, now));
  for (const allocation of drained) stops.push({ allocation, reason: 'drained' });
  const kept = drained.size > 0 ? wanted.filter((allocation) => !drained.has(allocation)) : wanted;
  const rolled = rolloutStep(deployment, kept, old, now);
  for (const allocation of rolled.stops) stops.push({ allocation, reason: 'outdated' });
  const taken = new Set([...kept, ...rolled.held].map((allocation) => allocation.index));
  const missing: number[] = [];
  const delayed: DelayedSlot[] = [];
  const fill = (slot: number): void => {
    const failed = verdict.slots.get(slot);
    if (failed?.givenUp) return;
    if (failed && failed.dueAt > now) delayed.push({ index: slot, until: failed.dueAt });
    else missing.push(slot);
  };
  let free = replicas - kept.length - rolled.held.length;
  for (let slot = 0; free > 0; slot++) {
    if (taken.has(slot)) continue;
    free--;
    fill(slot);
  }
  for (const slot of rolled.surge) fill(slot);
  missing.sort((a, b) => a - b);
  const keptSet = recovered.length > 0 ? new Set(kept) : undefined;
  const rollout = rolling ? rolloutProgress(deployment, kept, old, now) : undefined;
  return {
    stops,
    kept,
    missing,
    recovered: keptSet ? recovered.filter((allocation) => keptSet.has(allocation)) : recovered,
    delayed,
    verdict,
    ...(rollout ? { rollout } : {}),
  };
}

/**
 * Which kept allocations on draining nodes to stop now (Nomad's drainer): the deployment may have
 * at most `migrate.max_parallel` replicas that do not serve — missing ones (`vacant`) and kept
 * ones not yet running or healthy — so serving allocations are stopped, lowest slot first, only
 * within that budget, and the next only once a replacement serves. Ones that do not serve anyway
 * are stopped at once; past its node's deadline every one is.
 */
function drainStops(
  deployment: DeploymentInfo,
  kept: readonly AllocationInfo[],
  vacant: number,
  draining: (nodeId: string) => { readonly deadline?: number } | undefined,
  now: number,
): AllocationInfo[] {
  const onDraining = kept.filter((allocation) => draining(allocation.nodeId) !== undefined);
  if (onDraining.length === 0) return [];
  let budget = deployment.spec.migrate.max_parallel - vacant - kept.filter((allocation) => !serves(allocation, deployment.spec)).length;
  const stops: AllocationInfo[] = [];
  for (const allocation of onDraining) {
    const deadline = draining(allocation.nodeId)?.deadline;
    const overdue = deadline !== undefined && now >= deadline;
    const serving = serves(allocation, deployment.spec);
    if (overdue || !serving) stops.push(allocation);
    else if (budget > 0) {
      stops.push(allocation);
      budget--;
    }
  }
  return stops;
}
