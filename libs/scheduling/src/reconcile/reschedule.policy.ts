import { formatDurationMs } from '@plato/contracts';
import type { DeploymentInfo, FailureInfo } from '../cluster-snapshot.types.js';

/** Failures of one slot within the reschedule interval make the deployment degraded at this count. */
export const degradedAfterFailures = 3;

/** Failures of a deployment version on one node within the interval after which that node is avoided for it. */
export const avoidNodeAfterFailures = 2;

/** What the reschedule policy says of one replica slot that failed recently. */
export interface SlotVerdict {
  /** Failures of the slot within the interval (of the current version). */
  readonly failures: number;
  /** When a replacement may be placed (ms since the epoch); `Infinity` once the slot gave up. */
  readonly dueAt: number;
  /** The slot used up its `attempts`; it is not replaced again within the interval. */
  readonly givenUp: boolean;
  /** The last failure's node and cause. */
  readonly last: FailureInfo;
}

/** The reschedule policy applied to one deployment at one moment: the answer of {@link rescheduleVerdict}. */
export interface RescheduleVerdict {
  /** The slots with failures within the interval, by slot. */
  readonly slots: ReadonlyMap<number, SlotVerdict>;
  /** Nodes on which the version failed {@link avoidNodeAfterFailures} times or more within the interval. */
  readonly avoidedNodes: ReadonlySet<string>;
  /** Slots failing {@link degradedAfterFailures} times or more, lowest first. */
  readonly failing: readonly number[];
  /** Slots that used up their attempts, lowest first. */
  readonly givenUp: readonly number[];
}

/** The wait before replacing a slot after its `failures`-th failure within the interval: `delay` doubled per earlier failure, at most `max_delay`. */
export function rescheduleDelayMs(policy: DeploymentInfo['spec']['reschedule'], failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(policy.delay * 2 ** Math.min(failures - 1, 40), policy.max_delay);
}

const none: RescheduleVerdict = { slots: new Map(), avoidedNodes: new Set(), failing: [], givenUp: [] };

/**
 * Applies a deployment's reschedule policy (`spec.reschedule`) to its recorded failures at `now`
 * (Nomad's reschedule tracker, kept per replica slot). Only failures of the current version within
 * `interval` count, so a new version starts afresh and old failures age out.
 *
 * - A slot's replacement is due `rescheduleDelayMs(policy, n)` after its last failure, `n` being
 *   the slot's failures within the interval; with `attempts` > 0 a slot that failed more than
 *   `attempts` times is given up (its replacements all failed) and not replaced again.
 * - A node on which the version failed {@link avoidNodeAfterFailures} times is avoided for it
 *   (Verwalter's feedback: do not place where errors pile up), if any other node fits.
 * - Slots failing {@link degradedAfterFailures} times, and given-up ones, make the deployment degraded.
 *
 * Pure and deterministic.
 */
export function rescheduleVerdict(deployment: DeploymentInfo, now: number): RescheduleVerdict {
  const recorded = deployment.failures ?? [];
  if (recorded.length === 0) return none;
  const policy = deployment.spec.reschedule;
  const since = now - policy.interval;
  const bySlot = new Map<number, FailureInfo[]>();
  const byNode = new Map<string, number>();
  for (const failure of recorded) {
    if (failure.version !== deployment.version || failure.at <= since || failure.at > now) continue;
    const list = bySlot.get(failure.index);
    if (list) list.push(failure);
    else bySlot.set(failure.index, [failure]);
    byNode.set(failure.nodeId, (byNode.get(failure.nodeId) ?? 0) + 1);
  }
  if (bySlot.size === 0) return none;
  const slots = new Map<number, SlotVerdict>();
  for (const [index, failures] of bySlot) {
    const last = failures.reduce((a, b) => (b.at > a.at || (b.at === a.at && b.allocId > a.allocId) ? b : a));
    const givenUp = policy.attempts > 0 && failures.length > policy.attempts;
    slots.set(index, { failures: failures.length, givenUp, last, dueAt: givenUp ? Infinity : last.at + rescheduleDelayMs(policy, failures.length) });
  }
  const ordered = [...slots.entries()].sort(([a], [b]) => a - b);
  return {
    slots,
    avoidedNodes: new Set([...byNode].filter(([, count]) => count >= avoidNodeAfterFailures).map(([nodeId]) => nodeId)),
    failing: ordered.filter(([, verdict]) => !verdict.givenUp && verdict.failures >= degradedAfterFailures).map(([index]) => index),
    givenUp: ordered.filter(([, verdict]) => verdict.givenUp).map(([index]) => index),
  };
}

/**
 * Why a deployment is degraded, for people: which slots keep failing, which gave up, and the last
 * failure's cause and node. Undefined when the verdict has neither. Stable while the same slots
 * keep failing the same way, so the log records a change, not every failure.
 */
export function degradedReason(deployment: DeploymentInfo, verdict: RescheduleVerdict): string | undefined {
  if (verdict.failing.length === 0 && verdict.givenUp.length === 0) return undefined;
  const policy = deployment.spec.reschedule;
  const window = formatDurationMs(policy.interval);
  const parts: string[] = [];
  if (verdict.failing.length > 0) parts.push(`${slotList(verdict.failing)} failed ${degradedAfterFailures} times or more within ${window}`);
  if (verdict.givenUp.length > 0) parts.push(`${slotList(verdict.givenUp)} not replaced again (${policy.attempts} reschedule attempts used within ${window})`);
  const last = [...verdict.slots.values()].reduce((a, b) => (b.last.at > a.last.at || (b.last.at === a.last.at && b.last.allocId > a.last.allocId) ? b : a)).last;
  return `${parts.join('; ')}; last failure: ${last.cause} on node ${last.nodeId}`;
}

function slotList(slots: readonly number[]): string {
  return slots.length === 1 ? `slot ${slots[0]}` : `slots ${slots.join(', ')}`;
}
