import type { DeploymentSpec } from '@plato/contracts';

/** How many of a deployment's latest versions the aggregate keeps the spec of (for undo and auto-revert). */
export const versionsKept = 10;

/** One accepted version of a deployment's spec. */
export interface VersionRecord {
  readonly version: number;
  /** The spec as applied (its `replicas` as of the apply). */
  readonly spec: DeploymentSpec;
  /**
   * A version that ran in full: its rollout completed, or it had no rollout (no `update` block).
   * What auto-revert and undo go back to.
   */
  readonly stable: boolean;
  /** The earlier version whose spec this one brought back (auto-revert or undo). */
  readonly revertOf?: number;
}

/**
 * A rollout of one version (see `RolloutStarted`): `running`, `paused` by a user, or ended
 * `completed` or `failed` (with the version it reverted to, if any). `promoted` once a user
 * promoted its canaries.
 */
export interface RolloutState {
  readonly version: number;
  readonly from?: number;
  /** The rollout brings back this earlier version (it does not revert again when it fails). */
  readonly revertOf?: number;
  /** The rollout of `from` had failed when this one started (an auto-revert, or an undo after a failure). */
  readonly afterFailureOf?: { readonly version: number; readonly reason: string };
  readonly status: 'running' | 'paused' | 'completed' | 'failed';
  readonly promoted: boolean;
  readonly reason?: string;
  readonly revertTo?: number;
}

/** What a live or deleted deployment carries besides its status. */
export interface DeploymentRecord {
  readonly version: number;
  /** The current version's spec, with `replicas` as last scaled. */
  readonly spec: DeploymentSpec;
  /** The latest versions, oldest first, the current one last; at most {@link versionsKept}. */
  readonly history: readonly VersionRecord[];
  /**
   * Earlier versions in `history` whose workload is the current one's (`sameWorkload`): their
   * allocations run what the current version would, so they are kept as they are, not replaced.
   */
  readonly compatible: readonly number[];
  /** The latest rollout, if the deployment has had one since its last spec without `update`. */
  readonly rollout?: RolloutState;
}

/**
 * What the Deployment aggregate knows about one deployment, folded from its stream:
 * - `absent`: no event yet (version 0);
 * - `live`: its last accepted spec, with `spec.replicas` following later scale events, its recent
 *   versions and its latest rollout;
 * - `deleted`: deleted; the last spec and history are kept so that a later apply continues its version.
 */
export type DeploymentState =
  | { readonly status: 'absent'; readonly version: 0 }
  | ({ readonly status: 'live' } & DeploymentRecord)
  | ({ readonly status: 'deleted' } & DeploymentRecord);

/** The state of a deployment whose stream has no event. */
export const absentDeployment: DeploymentState = Object.freeze({ status: 'absent', version: 0 });
