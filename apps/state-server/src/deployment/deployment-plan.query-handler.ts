import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, PlatoError, type DeploymentPlanPreview, type ParsedRequestOf, type PlanDeployment, type PlannedUpdate } from '@plato/contracts';
import { previewApply, rolloutInfo, type ApplyChange, type DeploymentState } from '@plato/domain';
import { previewDeployment, type DeploymentInfo } from '@plato/scheduling';
import { Clock } from '../clock/clock.port.js';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';

/** How an apply's change treats the allocations that run now. */
const updateOf: Record<ApplyChange, PlannedUpdate> = {
  create: 'none',
  recreate: 'none',
  unchanged: 'none',
  scale: 'in-place',
  'new-version': 'replacement',
};

/**
 * Answers PlanDeployment, the dry run of an apply: on the cluster read model caught up with the log,
 * the Deployment aggregate's own decision on the spec (`previewApply`), then the scheduler's pure
 * plan with the deployment as that decision leaves it (`previewDeployment`). Reads only; the
 * revision it answers is the one an apply with `ifRevision` is checked against.
 */
@Injectable()
export class DeploymentPlanQueryHandler {
  constructor(
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** PlanDeployment: what applying the spec would change, and where its replicas would go. */
  async plan({ spec }: ParsedRequestOf<typeof PlanDeployment>): Promise<DeploymentPlanPreview> {
    const projection = await this.readModel.caughtUp();
    const { state, revision } = projection.deployments.stateOf(spec.namespace, spec.name);
    const apply = previewApply(state, spec);
    const now = this.clock.now();
    const preview = previewDeployment(projection.snapshot(), deploymentInfoOf(spec.namespace, spec.name, apply.next, now), now);
    const inPlace = apply.change === 'new-version' && apply.next.status !== 'absent' && apply.next.compatible.includes(apply.fromVersion);
    return {
      namespace: spec.namespace,
      name: spec.name,
      revision,
      position: preview.basedOn,
      change: apply.change,
      update: inPlace ? 'in-place' : updateOf[apply.change],
      fromVersion: apply.fromVersion,
      version: apply.version,
      replicas: { from: state.status === 'live' ? state.spec.replicas : 0, to: spec.replicas },
      changedFields: [...apply.changedFields],
      events: apply.events.map((event) => event.type),
      placements: preview.placements.map(({ nodeId, index, version }) => ({ nodeId, index, version })),
      stops: preview.stops.map(({ allocId, nodeId, version, index, reason }) => ({ allocId, nodeId, version, index, reason })),
      kept: preview.kept,
      ...(preview.unplaced && { unplaced: { ...preview.unplaced, reasons: [...preview.unplaced.reasons] } }),
      elsewhere: preview.elsewhere,
    };
  }
}

/** The deployment as the apply would leave it, as the scheduler would read it; a rollout it starts starts `now`. */
function deploymentInfoOf(namespace: string, name: string, state: DeploymentState, now: number): DeploymentInfo {
  if (state.status === 'absent') throw new PlatoError(ErrorCode.Internal, `an apply left deployment ${namespace}/${name} absent`);
  const { rollout } = state;
  return {
    namespace,
    name,
    version: state.version,
    spec: state.spec,
    deleted: state.status === 'deleted',
    compatible: state.compatible,
    ...(rollout ? { rollout: rolloutInfo(rollout, { startedAt: now, since: now, progressSince: now }) } : {}),
  };
}
