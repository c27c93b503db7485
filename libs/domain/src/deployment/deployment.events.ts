import type { DeploymentDeleted, DeploymentScaled, DeploymentSpecApplied, EventDataOf } from '@plato/contracts';

/**
 * An event of the Deployment aggregate as `decide` returns it and `evolve` takes it: the event
 * type and its data, the shape the event store appends.
 */
export type DeploymentEvent =
  | { readonly type: 'DeploymentSpecApplied'; readonly data: EventDataOf<typeof DeploymentSpecApplied> }
  | { readonly type: 'DeploymentScaled'; readonly data: EventDataOf<typeof DeploymentScaled> }
  | { readonly type: 'DeploymentDeleted'; readonly data: EventDataOf<typeof DeploymentDeleted> };

/** The event types of the Deployment aggregate. */
export const deploymentEventTypes: ReadonlySet<string> = new Set<DeploymentEvent['type']>([
  'DeploymentSpecApplied',
  'DeploymentScaled',
  'DeploymentDeleted',
]);

/** True when `event` is one of the Deployment aggregate's events (by type; data is trusted as validated by the log). */
export function isDeploymentEvent(event: { type: string; data: unknown }): event is DeploymentEvent {
  return deploymentEventTypes.has(event.type);
}
