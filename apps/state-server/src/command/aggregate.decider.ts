import {
  absentAllocation,
  absentDeployment,
  absentNode,
  decide,
  decideAllocation,
  decideNode,
  evolve,
  evolveAllocation,
  evolveNode,
  isAllocationEvent,
  isDeploymentEvent,
  isDeploymentSpecEvent,
  isNodeEvent,
  type AllocationCommand,
  type AllocationEvent,
  type AllocationState,
  type DeploymentCommand,
  type DeploymentEvent,
  type DeploymentState,
  type NodeCommand,
  type NodeEvent,
  type NodeState,
} from '@plato/domain';

/** An event as an aggregate decides and evolves it: its type and data. */
export interface DecidedEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * An aggregate as the {@link AggregateCommandRunner} drives it: where its state starts, which of a
 * stream's events are its own, and its pure `evolve` and `decide`.
 */
export interface AggregateDecider<S, C, E extends DecidedEvent> {
  readonly initialState: S;
  isEvent(event: DecidedEvent): event is E;
  /**
   * The events whose position is the aggregate's revision (default: all of {@link isEvent}): what
   * `ifRevision` is checked against and what a conditional command conflicts with.
   */
  countsForRevision?(event: DecidedEvent): boolean;
  evolve(state: S, event: E): S;
  decide(state: S, command: C): readonly E[];
}

/** The Deployment aggregate of @plato/domain. */
export const deploymentDecider: AggregateDecider<DeploymentState, DeploymentCommand, DeploymentEvent> = {
  initialState: absentDeployment,
  isEvent: isDeploymentEvent,
  countsForRevision: isDeploymentSpecEvent,
  evolve,
  decide,
};

/** The Node aggregate of @plato/domain. */
export const nodeDecider: AggregateDecider<NodeState, NodeCommand, NodeEvent> = {
  initialState: absentNode,
  isEvent: isNodeEvent,
  evolve: evolveNode,
  decide: decideNode,
};

/** The Allocation aggregate of @plato/domain. */
export const allocationDecider: AggregateDecider<AllocationState, AllocationCommand, AllocationEvent> = {
  initialState: absentAllocation,
  isEvent: isAllocationEvent,
  evolve: evolveAllocation,
  decide: decideAllocation,
};
