export { absentDeployment, type DeploymentState } from './deployment/deployment.state.js';
export type {
  ApplyDeploymentCommand,
  DeleteDeploymentCommand,
  DeploymentCommand,
  ScaleDeploymentCommand,
} from './deployment/deployment.commands.js';
export { deploymentEventTypes, isDeploymentEvent, type DeploymentEvent } from './deployment/deployment.events.js';
export { DeploymentNotFound } from './deployment/deployment.errors.js';
export { decide, evolve, replay } from './deployment/deployment.decider.js';
export { DeploymentsProjection, deploymentIdOf, type ProjectedEvent } from './deployment/deployments.projection.js';
export { structuralEqual } from './structural-equal.js';
