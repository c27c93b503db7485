import type { DeploymentDegraded, DeploymentPlacementBlocked, DeploymentPlacementUnblocked, DeploymentRestored, EventDataOf } from '@plato/contracts';
import { absentDeployment, evolve, isDeploymentEvent, type DeploymentEvent, type DeploymentState } from '@plato/domain';
import type { AggregateDecider, DecidedEvent } from '../command/aggregate.decider.js';

/** A placement event of a deployment stream. */
export type PlacementEvent =
  | { readonly type: 'DeploymentPlacementBlocked'; readonly data: EventDataOf<typeof DeploymentPlacementBlocked> }
  | { readonly type: 'DeploymentPlacementUnblocked'; readonly data: EventDataOf<typeof DeploymentPlacementUnblocked> }
  | { readonly type: 'DeploymentDegraded'; readonly data: EventDataOf<typeof DeploymentDegraded> }
  | { readonly type: 'DeploymentRestored'; readonly data: EventDataOf<typeof DeploymentRestored> };

/** What a plan says of a deployment's placement. */
export type PlacementCommand =
  | ({ readonly type: 'BlockPlacement' } & EventDataOf<typeof DeploymentPlacementBlocked>)
  | { readonly type: 'UnblockPlacement' }
  | ({ readonly type: 'DegradeDeployment' } & EventDataOf<typeof DeploymentDegraded>)
  | { readonly type: 'RestoreDeployment' };

/** A deployment stream folded for placement: the deployment and its current blockage, if any. */
export interface PlacementState {
  readonly deployment: DeploymentState;
  readonly blocked?: EventDataOf<typeof DeploymentPlacementBlocked>;
  readonly degraded?: EventDataOf<typeof DeploymentDegraded>;
}

const placementEventTypes: ReadonlySet<string> = new Set<PlacementEvent['type']>([
  'DeploymentPlacementBlocked',
  'DeploymentPlacementUnblocked',
  'DeploymentDegraded',
  'DeploymentRestored',
]);

/**
 * The placement facts of a deployment stream, decided against the stream itself (so an apply or a
 * delete that raced the plan is seen): a blockage is written only for the live deployment's current
 * version and only when its version, missing count or summary changed; an unblock only when blocked.
 * A delete ends any blockage.
 */
export const placementDecider: AggregateDecider<PlacementState, PlacementCommand, DeploymentEvent | PlacementEvent> = {
  initialState: { deployment: absentDeployment },
  isEvent: (event: DecidedEvent): event is DeploymentEvent | PlacementEvent => isDeploymentEvent(event) || placementEventTypes.has(event.type),
  evolve(state, event) {
    switch (event.type) {
      case 'DeploymentPlacementBlocked':
        return { ...state, blocked: event.data };
      case 'DeploymentPlacementUnblocked':
        return { deployment: state.deployment, ...(state.degraded ? { degraded: state.degraded } : {}) };
      case 'DeploymentDegraded':
        return { ...state, degraded: event.data };
      case 'DeploymentRestored':
        return { deployment: state.deployment, ...(state.blocked ? { blocked: state.blocked } : {}) };
      case 'DeploymentDeleted':
        return { deployment: evolve(state.deployment, event) };
      default:
        return { ...state, deployment: evolve(state.deployment, event) };
    }
  },
  decide(state, command) {
    const { deployment, blocked, degraded } = state;
    if (command.type === 'RestoreDeployment') {
      return degraded && deployment.status !== 'absent' ? [{ type: 'DeploymentRestored', data: { version: deployment.version } }] : [];
    }
    if (command.type === 'DegradeDeployment') {
      if (deployment.status !== 'live' || deployment.version !== command.version) return [];
      if (degraded && degraded.version === command.version && degraded.reason === command.reason) return [];
      const { version, reason, failing, givenUp } = command;
      return [{ type: 'DeploymentDegraded', data: { version, reason, failing, givenUp } }];
    }
    if (command.type === 'UnblockPlacement') {
      return blocked && deployment.status !== 'absent' ? [{ type: 'DeploymentPlacementUnblocked', data: { version: deployment.version } }] : [];
    }
    if (deployment.status !== 'live' || deployment.version !== command.version) return [];
    if (blocked && blocked.version === command.version && blocked.missing === command.missing && blocked.summary === command.summary) return [];
    const { version, missing, reasons, summary } = command;
    return [{ type: 'DeploymentPlacementBlocked', data: { version, missing, reasons, summary } }];
  },
};
