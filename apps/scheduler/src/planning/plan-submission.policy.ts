import type { Degraded, Plan, RolloutEnd, Unplaced } from '@plato/scheduling';

/** A deployment's blockage as the log last recorded it (DeploymentPlacementBlocked). */
export interface RecordedBlockage {
  readonly version: number;
  readonly missing: number;
  readonly summary: string;
}

/** A deployment's degraded state as the log last recorded it (DeploymentDegraded). */
export interface RecordedDegraded {
  readonly version: number;
  readonly reason: string;
}

/** What the policy reads of the projection: each live deployment, its recorded blockage and degraded state. */
export interface BlockageView {
  /** Live (not deleted) deployments as `[namespace, name]`. */
  readonly deployments: readonly (readonly [string, string])[];
  blockage(namespace: string, name: string): RecordedBlockage | undefined;
  degraded(namespace: string, name: string): RecordedDegraded | undefined;
}

/**
 * The unplaced, degraded and rollout-ending parts of a plan as one comparable string, in
 * deployment order: what the log would record of them (version, count and summary; version and
 * reason; version and outcome, per deployment).
 */
export function unplacedSignature(unplaced: readonly Unplaced[], degraded: readonly Degraded[] = [], rollouts: readonly RolloutEnd[] = []): string {
  const byDeployment = (a: readonly unknown[], b: readonly unknown[]) => (`${String(a[0])}/${String(a[1])}` < `${String(b[0])}/${String(b[1])}` ? -1 : 1);
  return JSON.stringify([
    [...unplaced].map((u) => [u.namespace, u.deployment, u.version, u.count, u.summary] as const).sort(byDeployment),
    [...degraded].map((d) => [d.namespace, d.deployment, d.version, d.reason] as const).sort(byDeployment),
    [...rollouts].map((r) => [r.namespace, r.deployment, r.version, r.outcome] as const).sort(byDeployment),
  ]);
}

/**
 * Whether a plan is worth sending to the state-server: it places, stops or recovers something, or
 * ends a rollout, or what it could not place or finds degraded differs from what the log already
 * records (a new or changed blockage or degraded state, or a recorded one that is gone).
 * `lastSent` is the {@link unplacedSignature} of the last plan this leader had accepted; a plan of
 * only such differences equal to it is not sent again, so a difference the state-server chose not
 * to record is not resubmitted on every tick.
 */
export function worthSubmitting(plan: Plan, view: BlockageView, lastSent: string | undefined): boolean {
  if (plan.placements.length > 0 || plan.stops.length > 0 || plan.recoveries.length > 0) return true;
  if (!blockagesDiffer(plan.unplaced, view) && !degradedDiffer(plan.degraded, view) && plan.rollouts.length === 0) return false;
  return unplacedSignature(plan.unplaced, plan.degraded, plan.rollouts) !== lastSent;
}

function degradedDiffer(degraded: readonly Degraded[], view: BlockageView): boolean {
  const planned = new Set(degraded.map((d) => `${d.namespace}/${d.deployment}`));
  for (const d of degraded) {
    const recorded = view.degraded(d.namespace, d.deployment);
    if (!recorded || recorded.version !== d.version || recorded.reason !== d.reason) return true;
  }
  return view.deployments.some(([namespace, name]) => view.degraded(namespace, name) !== undefined && !planned.has(`${namespace}/${name}`));
}

function blockagesDiffer(unplaced: readonly Unplaced[], view: BlockageView): boolean {
  const planned = new Map(unplaced.map((u) => [`${u.namespace}/${u.deployment}`, u]));
  for (const u of unplaced) {
    const recorded = view.blockage(u.namespace, u.deployment);
    if (!recorded || recorded.version !== u.version || recorded.missing !== u.count || recorded.summary !== u.summary) return true;
  }
  for (const [namespace, name] of view.deployments) {
    if (view.blockage(namespace, name) && !planned.has(`${namespace}/${name}`)) return true;
  }
  return false;
}

/**
 * A plan cut into the requests that carry it, in the order they are to be applied: every stop
 * first, then the placements, at most `maxChanges` changes a request, each with all of the plan's
 * unplaced entries (so no part ends a blockage another part records). A request must stay under
 * NATS's payload limit (1 MiB by default; ~200 bytes per placement). Stops go first because
 * placements may rely on the room they free; the state-server checks each part against the log
 * as it is when that part is applied, so a part never breaks its replica or capacity checks, and
 * a part refused as stale leaves the earlier ones valid. A plan within the limit is one part,
 * itself; an empty plan too.
 */
export function planParts(plan: Plan, maxChanges: number): Plan[] {
  if (!Number.isInteger(maxChanges) || maxChanges < 1) throw new RangeError(`maxChanges must be a whole number ≥ 1, not ${maxChanges}`);
  if (plan.stops.length + plan.placements.length <= maxChanges) return [plan];
  const parts: Plan[] = [];
  for (let start = 0; start < plan.stops.length + plan.placements.length; start += maxChanges) {
    const end = start + maxChanges;
    const stops = plan.stops.slice(start, end);
    const placements = plan.placements.slice(Math.max(0, start - plan.stops.length), Math.max(0, end - plan.stops.length));
    parts.push({ ...plan, stops, placements, recoveries: start === 0 ? plan.recoveries : [] });
  }
  return parts;
}
