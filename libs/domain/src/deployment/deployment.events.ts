import type {
  DeploymentDeleted,
  DeploymentScaled,
  DeploymentSpecApplied,
  EventDataOf,
  RolloutCompleted,
  RolloutFailed,
  RolloutPaused,
  RolloutPromoted,
  RolloutResumed,
  RolloutStarted,
} from '@plato/contracts';

/**
 * An event of the Deployment aggregate as `decide` returns it and `evolve` takes it: the event
 * type and its data, the shape the event store appends.
 */
export type DeploymentEvent =
  | { readonly type: 'DeploymentSpecApplied'; readonly data: EventDataOf<typeof DeploymentSpecApplied> }
  | { readonly type: 'DeploymentScaled'; readonly data: EventDataOf<typeof DeploymentScaled> }
  | { readonly type: 'DeploymentDeleted'; readonly data: EventDataOf<typeof DeploymentDeleted> }
  | { readonly type: 'RolloutStarted'; readonly data: EventDataOf<typeof RolloutStarted> }
  | { readonly type: 'RolloutPaused'; readonly data: EventDataOf<typeof RolloutPaused> }
  | { readonly type: 'RolloutResumed'; readonly data: EventDataOf<typeof RolloutResumed> }
  | { readonly type: 'RolloutPromoted'; readonly data: EventDataOf<typeof RolloutPromoted> }
  | { readonly type: 'RolloutCompleted'; readonly data: EventDataOf<typeof RolloutCompleted> }
  | { readonly type: 'RolloutFailed'; readonly data: EventDataOf<typeof RolloutFailed> };

/** The event types of the Deployment aggregate. */
export const deploymentEventTypes: ReadonlySet<string> = new Set<DeploymentEvent['type']>([
  'DeploymentSpecApplied',
  'DeploymentScaled',
  'DeploymentDeleted',
  'RolloutStarted',
  'RolloutPaused',
  'RolloutResumed',
  'RolloutPromoted',
  'RolloutCompleted',
  'RolloutFailed',
]);

/** True when `event` is one of the Deployment aggregate's events (by type; data is trusted as validated by the log). */
export function isDeploymentEvent(event: { type: string; data: unknown }): event is DeploymentEvent {
  return deploymentEventTypes.has(event.type);
}

/**
 * The events that change what a deployment is — its spec, replica count, existence — as opposed to
 * how its rollout goes. A deployment's revision (what `ifRevision` checks, what views show) is the
 * position of its last such event, and a user's change conflicts only with another such change: a
 * rollout the scheduler completes meanwhile, or a user pausing it, does not make an apply stale.
 * (`RolloutStarted` always shares its append with a `DeploymentSpecApplied`.)
 */
export function isDeploymentSpecEvent(event: { type: string; data: unknown }): event is DeploymentEvent {
  return event.type === 'DeploymentSpecApplied' || event.type === 'DeploymentScaled' || event.type === 'DeploymentDeleted' || event.type === 'RolloutStarted';
}
