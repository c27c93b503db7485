export { absentDeployment, versionsKept, type DeploymentRecord, type DeploymentState, type RolloutState, type VersionRecord } from './deployment/deployment.state.js';
export { sameWorkload } from './deployment/workload.rules.js';
export type {
  ApplyDeploymentCommand,
  DeleteDeploymentCommand,
  DeploymentCommand,
  RolloutCommand,
  RolloutOutcomeCommand,
  ScaleDeploymentCommand,
} from './deployment/deployment.commands.js';
export { deploymentEventTypes, isDeploymentEvent, isDeploymentSpecEvent, type DeploymentEvent } from './deployment/deployment.events.js';
export { DeploymentNotFound, RolloutConflict } from './deployment/deployment.errors.js';
export { decide, evolve, replay } from './deployment/deployment.decider.js';
export { previewApply, type ApplyChange, type ApplyPreview } from './deployment/deployment-apply.preview.js';
export { DeploymentsProjection, deploymentIdOf, type ProjectedEvent } from './deployment/deployments.projection.js';
export { structuralEqual } from './structural-equal.js';
export {
  absentNode,
  decideNode,
  evolveNode,
  isNodeEvent,
  replayNode,
  NodeNotFound,
  type NodeCommand,
  type NodeEvent,
  type NodeFacts,
  type NodeState,
} from './node/node.aggregate.js';
export {
  absentAllocation,
  allocationIdOf,
  allocationPhaseBegunBy,
  decideAllocation,
  evolveAllocation,
  isAllocationEvent,
  nodeIdOf,
  replayAllocation,
  terminalAllocationStatuses,
  AllocationNotFound,
  AllocationNotOnNode,
  type AllocationCommand,
  type AllocationEvent,
  type AllocationPhaseStep,
  type AllocationPlacement,
  type AllocationState,
  type PlacedAllocation,
  type StopReason,
} from './allocation/allocation.aggregate.js';
export { allocationTimeline } from './allocation/allocation.timeline.js';
export {
  ClusterProjection,
  failuresKept,
  rolloutInfo,
  type AllocationFailure,
  type ClusterSnapshotData,
  type DegradedEntry,
  type ResourceAmount,
  type RolloutTimes,
} from './cluster/cluster.projection.js';
