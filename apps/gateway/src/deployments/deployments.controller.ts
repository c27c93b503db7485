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
}
