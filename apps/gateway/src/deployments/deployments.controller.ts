import { Body, Controller, Headers, Inject, Param, Query } from '@nestjs/common';
import { ObjectName } from '@plato/contracts';
import { idempotencyKeyHeader, idempotencyKeyParameter } from '../http/command-id.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { ConditionalQuery, DeploymentListQuery } from '../openapi/http.schemas.js';
import { DeploymentsService } from './deployments.service.js';

const deploymentParams = { ns: ObjectName, name: ObjectName };
const deploymentPath = 'v1/namespaces/:ns/deployments/:name';

/** Deployment routes; each delegates to {@link DeploymentsService}. */
@Controller()
export class DeploymentsController {
  constructor(@Inject(DeploymentsService) private readonly deployments: DeploymentsService) {}

  @ApiRoute('PUT', deploymentPath, {
    operationId: 'applyDeployment',
    summary: 'Apply a deployment spec',
    description:
      'Writes a new spec version (`DeploymentSpecApplied`); a spec that changes only `replicas` writes `DeploymentScaled` (same version, running replicas kept); ' +
      'the identical spec writes nothing and `events` is empty. ' +
      'The body may omit `name` and `namespace` (taken from the path) but must not contradict them. ' +
      '`?ifRevision=N` applies only if the deployment is still at revision N (the `revision` a plan answered), else 409 naming both revisions.',
    tag: 'deployments',
    params: deploymentParams,
    query: ConditionalQuery,
    headers: idempotencyKeyParameter,
    body: { component: 'DeploymentSpecInput', yaml: true },
    response: { component: 'CommandAccepted', description: 'The stream, its revision, and the events written (none if the spec was already current).' },
    errors: [400, 409, 503],
  })
  apply(
    @Param('ns') namespace: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Query() query: unknown,
    @Headers(idempotencyKeyHeader) key: string | undefined,
  ) {
    return this.deployments.apply(namespace, name, body, query, key);
  }

  @ApiRoute('POST', `${deploymentPath}/plan`, {
    operationId: 'planDeployment',
    summary: 'Dry run of an apply: what would change and where',
    description:
      'Computes, against the current cluster state and without writing anything, what applying the spec would do: the change (create, new version, scale, unchanged), ' +
      'the changed fields, the node of each new replica, the allocations stopped and why, whether running replicas are kept (in place) or replaced, ' +
      'and replicas no node would take with counts per failed check. `revision` is the deployment revision it was computed against: ' +
      '`PUT …?ifRevision=<revision>` applies only if nothing changed since. The body is a spec as for `PUT`.',
    tag: 'deployments',
    params: deploymentParams,
    body: { component: 'DeploymentSpecInput', yaml: true },
    response: { component: 'DeploymentPlanPreview', description: 'The preview and the revision and log position it was computed against.' },
    errors: [400, 503],
  })
  plan(@Param('ns') namespace: string, @Param('name') name: string, @Body() body: unknown) {
    return this.deployments.plan(namespace, name, body);
  }

  @ApiRoute('GET', 'v1/deployments', {
    operationId: 'listDeployments',
    summary: 'List live deployments',
    tag: 'deployments',
    query: DeploymentListQuery,
    response: { component: 'DeploymentList', description: 'The live deployments, of one namespace when `namespace` is given.' },
    errors: [400, 503],
  })
  list(@Query() query: unknown) {
    return this.deployments.list(query);
  }

  @ApiRoute('GET', deploymentPath, {
    operationId: 'describeDeployment',
    summary: 'Describe a deployment: spec, allocations and why replicas are not placed',
    tag: 'deployments',
    params: deploymentParams,
    response: { component: 'DeploymentDescription', description: 'The deployment, its allocations, and its placement.' },
    errors: [400, 404, 503],
  })
  describe(@Param('ns') namespace: string, @Param('name') name: string) {
    return this.deployments.describe(namespace, name);
  }

  @ApiRoute('POST', `${deploymentPath}/scale`, {
    operationId: 'scaleDeployment',
    summary: 'Change the replica count',
    tag: 'deployments',
    params: deploymentParams,
    headers: idempotencyKeyParameter,
    body: { component: 'ScaleRequest' },
    response: { component: 'CommandAccepted', description: 'The `DeploymentScaled` event, or none if the count was already that.' },
    errors: [400, 404, 409, 503],
  })
  scale(
    @Param('ns') namespace: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers(idempotencyKeyHeader) key: string | undefined,
  ) {
    return this.deployments.scale(namespace, name, body, key);
  }

  @ApiRoute('DELETE', deploymentPath, {
    operationId: 'deleteDeployment',
    summary: 'Delete a deployment',
    tag: 'deployments',
    params: deploymentParams,
    query: ConditionalQuery,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `DeploymentDeleted` event.' },
    errors: [400, 404, 409, 503],
  })
  delete(
    @Param('ns') namespace: string,
    @Param('name') name: string,
    @Query() query: unknown,
    @Headers(idempotencyKeyHeader) key: string | undefined,
  ) {
    return this.deployments.delete(namespace, name, query, key);
  }

  @ApiRoute('GET', `${deploymentPath}/rollout`, {
    operationId: 'rolloutStatus',
    summary: "Where the deployment's rollout stands",
    description:
      'The rollout of the current version (a spec with an `update` block): `running`, `paused`, `awaiting-promotion` (canaries beside the old replicas), `completed` or `failed`, ' +
      'with replicas placed, proven healthy and of older versions left, what it waits for, the next deadline, and a failure and revert. 404 when the deployment has none.',
    tag: 'deployments',
    params: deploymentParams,
    response: { component: 'RolloutView', description: 'The rollout, counted at the time of the request.' },
    errors: [400, 404, 503],
  })
  rollout(@Param('ns') namespace: string, @Param('name') name: string) {
    return this.deployments.rollout(namespace, name);
  }

  @ApiRoute('POST', `${deploymentPath}/rollout/pause`, {
    operationId: 'pauseRollout',
    summary: 'Pause the rollout: replace no further replica',
    description: '`RolloutPaused`; nothing if it is paused already. 409 when no rollout is in progress.',
    tag: 'deployments',
    params: deploymentParams,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `RolloutPaused` event, or none.' },
    errors: [400, 404, 409, 503],
  })
  pause(@Param('ns') namespace: string, @Param('name') name: string, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.deployments.changeRollout('pause', namespace, name, key);
  }

  @ApiRoute('POST', `${deploymentPath}/rollout/resume`, {
    operationId: 'resumeRollout',
    summary: 'Resume a paused rollout',
    description: '`RolloutResumed`; nothing if it runs. Its progress deadline counts from now. 409 when no rollout is in progress.',
    tag: 'deployments',
    params: deploymentParams,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `RolloutResumed` event, or none.' },
    errors: [400, 404, 409, 503],
  })
  resume(@Param('ns') namespace: string, @Param('name') name: string, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.deployments.changeRollout('resume', namespace, name, key);
  }

  @ApiRoute('POST', `${deploymentPath}/rollout/promote`, {
    operationId: 'promoteRollout',
    summary: 'Promote the canaries: the rest of the replicas roll',
    description: '`RolloutPromoted`; nothing if promoted already. 409 when the rollout has no canaries, is not in progress, or a canary has not proven healthy yet.',
    tag: 'deployments',
    params: deploymentParams,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `RolloutPromoted` event, or none.' },
    errors: [400, 404, 409, 503],
  })
  promote(@Param('ns') namespace: string, @Param('name') name: string, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.deployments.changeRollout('promote', namespace, name, key);
  }

  @ApiRoute('POST', `${deploymentPath}/rollout/undo`, {
    operationId: 'undoRollout',
    summary: 'Bring back an earlier version as a new version',
    description:
      '`DeploymentSpecApplied` of a new version with the spec of `toVersion` (default: the newest stable version before the current one) and the current replica count, ' +
      'with `revertOf`, and its own `RolloutStarted` when that spec has an `update` block. 409 when the version is not kept, is the current one, or none is stable; ' +
      'with `ifRevision`, 409 if the deployment changed since.',
    tag: 'deployments',
    params: deploymentParams,
    headers: idempotencyKeyParameter,
    body: { component: 'UndoRequest' },
    response: { component: 'CommandAccepted', description: 'The events written.' },
    errors: [400, 404, 409, 503],
  })
  undo(@Param('ns') namespace: string, @Param('name') name: string, @Body() body: unknown, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.deployments.undo(namespace, name, body, key);
  }
}
