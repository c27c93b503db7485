import type { DeploymentSpec } from '@plato/contracts';

/** CPU in millicores and memory in MiB, as in a deployment's `resources`. */
export interface Resources {
  readonly cpu: number;
  readonly memory: number;
}

/** A container runtime a node offers and a deployment asks for. */
export type Runtime = DeploymentSpec['runtime'];

/**
 * A node's liveness as the state-server sees it: `ready` heartbeats on time, `down` missed some
 * heartbeats and may come back (its allocations still count), `lost` is given up (its allocations
 * are replaced elsewhere).
 */
export type NodeState = 'ready' | 'down' | 'lost';

/** One node of the cluster, as registered by its agent. */
export interface NodeInfo {
  readonly id: string;
  readonly state: NodeState;
  /** An operator took the node out of scheduling; what runs there keeps running. */
  readonly cordoned: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly runtimes: readonly Runtime[];
  /** The runtimes of `runtimes` that do not answer its agent now (none when absent). */
  readonly unavailableRuntimes?: readonly Runtime[];
  /** What the node offers to allocations in total. */
  readonly capacity: Resources;
  /** Present while the node drains (it is cordoned too): the deadline, ms since the epoch, if any. */
  readonly draining?: { readonly deadline?: number };
}

/**
 * What an agent reports of an allocation (Nomad's client status). `unknown`: its runtime does not
 * answer, so nobody knows whether it runs; it keeps its slot and resources. `complete`, `failed`
 * and `lost` are terminal: the allocation will not run again and takes no resources.
 */
export type AllocationStatus = 'pending' | 'running' | 'unknown' | 'complete' | 'failed' | 'lost';

/** The statuses after which an allocation never runs again. */
export const terminalStatuses: ReadonlySet<AllocationStatus> = new Set<AllocationStatus>(['complete', 'failed', 'lost']);

/** One replica of one deployment version, bound to a node. */
export interface AllocationInfo {
  readonly id: string;
  readonly nodeId: string;
  readonly namespace: string;
  readonly deployment: string;
  /** The deployment version the allocation runs. */
  readonly version: number;
  /**
   * The replica slot, from 0: a replacement takes the slot of the allocation it replaces, a
   * scale-down stops the highest slots first.
   */
  readonly index: number;
  readonly resources: Resources;
  /** What the control plane wants: `run`, or `stop` once a plan stopped it. */
  readonly desired: 'run' | 'stop';
  readonly status: AllocationStatus;
  /** The health check's verdict on the running container; absent until the first, or without a check. */
  readonly health?: 'healthy' | 'unhealthy';
  /** When it was placed (ms since the epoch); 0 when unknown. */
  readonly placedAt?: number;
  /** While it serves (runs, and passes its health check if its spec has one): since when (ms). */
  readonly servingSince?: number;
  /** When an earlier serving span first lasted `update.min_healthy_time` (ms), if one did. */
  readonly provenAt?: number;
}

/**
 * An allocation of a deployment that failed for good while wanted running: its slot, node and
 * version, when (ms since the epoch) and why. What the reschedule policy counts.
 */
export interface FailureInfo {
  readonly allocId: string;
  readonly index: number;
  readonly nodeId: string;
  readonly version: number;
  readonly at: number;
  readonly cause: string;
}

/** A deployment as the projection knows it, deleted ones included. */
export interface DeploymentInfo {
  readonly namespace: string;
  readonly name: string;
  readonly version: number;
  readonly spec: DeploymentSpec;
  readonly deleted: boolean;
  /** Its latest failures, any order (none when absent); see `rescheduleVerdict`. */
  readonly failures?: readonly FailureInfo[];
  /**
   * Earlier versions that run the same workload as the current one: their allocations count as
   * current and are kept as they run (none when absent).
   */
  readonly compatible?: readonly number[];
  /** The deployment's latest rollout (see `rolloutStep`); absent when it never had one. */
  readonly rollout?: RolloutInfo;
}

/**
 * A rollout as the log records it (`RolloutStarted` … `RolloutCompleted`/`RolloutFailed`), with
 * its times in ms since the epoch: `progressSince` is its start, or its last resume or promotion.
 */
export interface RolloutInfo {
  readonly version: number;
  readonly from?: number;
  readonly revertOf?: number;
  readonly status: 'running' | 'paused' | 'completed' | 'failed';
  readonly promoted: boolean;
  readonly startedAt: number;
  readonly since: number;
  readonly progressSince: number;
}

/**
 * Everything the scheduler reads, as of one log position. `deployments` holds every deployment
 * the log knows, deleted ones included: an allocation whose deployment is missing is an orphan
 * and is stopped.
 */
export interface ClusterSnapshot {
  /** The log position the snapshot reflects; the plan is submitted against it. */
  readonly position: number;
  readonly nodes: readonly NodeInfo[];
  readonly allocations: readonly AllocationInfo[];
  readonly deployments: readonly DeploymentInfo[];
}

/** The key that names a deployment across namespaces: `namespace/name`. */
export function deploymentKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
