import type { Resources } from './cluster-snapshot.types.js';

/** A new allocation: one replica of a deployment version bound to a node. */
export interface Placement {
  readonly allocId: string;
  readonly nodeId: string;
  readonly namespace: string;
  readonly deployment: string;
  readonly version: number;
  /** The replica slot the allocation fills. */
  readonly index: number;
  readonly resources: Resources;
}

/**
 * Why an allocation is stopped: its deployment was deleted (`deleted`) or is unknown
 * (`orphaned`), the deployment was scaled down (`scaled-down`), a newer version replaces it
 * (`outdated`), its node is lost (`node-lost`), it already ended (`terminal`), or another live
 * allocation holds its replica slot (`duplicate`), or its node drains (`drained`).
 */
export type StopReason = 'deleted' | 'orphaned' | 'scaled-down' | 'outdated' | 'node-lost' | 'terminal' | 'duplicate' | 'drained';

/** An existing allocation the plan sets to desired `stop`. */
export interface Stop {
  readonly allocId: string;
  readonly nodeId: string;
  readonly reason: StopReason;
}

/** How many nodes failed one check, each node counted once under its first failed check. */
export interface FailedCheck {
  /** The check's reason text, e.g. `insufficient memory` or `constraint rack=b not met`. */
  readonly check: string;
  readonly nodes: number;
}

/** Replicas of a deployment the plan could not place, and why no node took them. */
export interface Unplaced {
  readonly namespace: string;
  readonly deployment: string;
  readonly version: number;
  readonly count: number;
  /** Counts per failed check, most nodes first, then by check text. Sums to the node count. */
  readonly reasons: readonly FailedCheck[];
  /** `reasons` for people: `3 nodes: insufficient memory; 1 node: cordoned`. */
  readonly summary: string;
}

/** A lost allocation on a node that came back, kept: its slot found no other allocation. */
export interface Recovery {
  readonly allocId: string;
  readonly nodeId: string;
}

/** A deployment version whose replicas keep failing, by its reschedule policy (`DeploymentDegraded`). */
export interface Degraded {
  readonly namespace: string;
  readonly deployment: string;
  readonly version: number;
  /** For people: which slots, and the last failure. */
  readonly reason: string;
  /** Slots failing `degradedAfterFailures` times or more within the interval. */
  readonly failing: readonly number[];
  /** Slots that used up their reschedule attempts. */
  readonly givenUp: readonly number[];
}

/** A replica slot whose replacement waits for its reschedule delay. */
export interface Delayed {
  readonly namespace: string;
  readonly deployment: string;
  readonly version: number;
  readonly index: number;
  /** When it may be placed, ms since the epoch: the scheduler plans again then. */
  readonly until: number;
}

/** A rollout that ends now, by the plan: `completed`, or `failed` and why (`RolloutCompleted`, `RolloutFailed`). */
export interface RolloutEnd {
  readonly namespace: string;
  readonly deployment: string;
  readonly version: number;
  readonly outcome: 'completed' | 'failed';
  readonly reason?: string;
}

/**
 * What the scheduler decided, as data. The state-server applies it only if the nodes it places
 * on still have room at its log position (optimistic, as Nomad's plan applier).
 */
export interface Plan {
  /** The snapshot position the plan was computed from. */
  readonly basedOn: number;
  /** The `now` the plan was computed at (ms since the epoch), as given by the caller. */
  readonly createdAt: number;
  readonly placements: readonly Placement[];
  readonly stops: readonly Stop[];
  readonly unplaced: readonly Unplaced[];
  /** Lost allocations kept because their node came back before anything replaced them. */
  readonly recoveries: readonly Recovery[];
  /** Every deployment whose current version is degraded now. */
  readonly degraded: readonly Degraded[];
  /** Slots held back by their reschedule delay (not sent to the state-server). */
  readonly delayed: readonly Delayed[];
  /** Rollouts that complete or fail now. */
  readonly rollouts: readonly RolloutEnd[];
  /**
   * The earliest future moment (ms since the epoch) at which a rollout's verdict changes without a
   * new event — a replica reaching `min_healthy_time`, a deadline (not sent to the state-server).
   */
  readonly wakeAt?: number;
}

/** The hidden inputs of a plan, passed in so that the same arguments give the same plan. */
export interface PlanOptions {
  /** The time of planning, ms since the epoch. */
  readonly now: number;
  /**
   * Names a new allocation of `deploymentKey` (`namespace/name`) filling replica slot `index`.
   * Must return an id no allocation in the snapshot has, e.g. by including the snapshot
   * position; it is called at most once per (deploymentKey, index) in one plan.
   */
  readonly newId: (deploymentKey: string, index: number) => string;
}
