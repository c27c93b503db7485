import { DeploymentSpec } from '@plato/contracts';
import { DeploymentsProjection, deploymentIdOf } from './deployments.projection.js';

const spec = (name: string, namespace = 'default', replicas = 1) =>
  DeploymentSpec.parse({ name, namespace, image: 'plato/busybox:latest', replicas });

describe('DeploymentsProjection', () => {
  it('lists live deployments ordered by namespace and name, with their revision', () => {
    const projection = new DeploymentsProjection();
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentSpecApplied', data: { version: 1, spec: spec('web') }, position: 1 });
    projection.apply({ stream: 'deployment.default.api', type: 'DeploymentSpecApplied', data: { version: 1, spec: spec('api') }, position: 2 });
    projection.apply({ stream: 'deployment.batch.job', type: 'DeploymentSpecApplied', data: { version: 1, spec: spec('job', 'batch') }, position: 3 });
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentScaled', data: { from: 1, to: 3 }, position: 4 });

    expect(projection.list().map((v) => `${v.namespace}/${v.name}`)).toEqual(['batch/job', 'default/api', 'default/web']);
    expect(projection.list('default').map((v) => v.name)).toEqual(['api', 'web']);
    expect(projection.get('default', 'web')).toMatchObject({ version: 1, replicas: 3, revision: 4, deleted: false });
    expect(projection.position).toBe(4);
  });

  it('keeps a deleted deployment readable but out of the list', () => {
    const projection = new DeploymentsProjection();
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentSpecApplied', data: { version: 1, spec: spec('web') }, position: 1 });
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentDeleted', data: { version: 1 }, position: 2 });
    expect(projection.list()).toEqual([]);
    expect(projection.get('default', 'web')).toMatchObject({ deleted: true, revision: 2 });
    expect(projection.get('default', 'nope')).toBeUndefined();
  });

  it('gives the aggregate state and revision an apply would be decided on, absent at 0 when unknown', () => {
    const projection = new DeploymentsProjection();
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentSpecApplied', data: { version: 1, spec: spec('web') }, position: 1 });
    projection.apply({ stream: 'deployment.default.web', type: 'DeploymentPlacementBlocked', data: {}, position: 2 });
    expect(projection.stateOf('default', 'web')).toMatchObject({ state: { status: 'live', version: 1, spec: spec('web') }, revision: 1 });
    expect(projection.stateOf('default', 'nope')).toEqual({ state: { status: 'absent', version: 0 }, revision: 0 });
  });

  it('ignores events of other aggregates but advances its position', () => {
    const projection = new DeploymentsProjection();
    projection.apply({ stream: 'node.n1', type: 'NodeRegistered', data: {}, position: 7 });
    expect(projection.list()).toEqual([]);
    expect(projection.position).toBe(7);
  });
});

describe('deploymentIdOf', () => {
  it('splits deployment stream names only', () => {
    expect(deploymentIdOf('deployment.default.web')).toEqual({ namespace: 'default', name: 'web' });
    expect(deploymentIdOf('alloc.n1.a1')).toBeUndefined();
    expect(deploymentIdOf('deployment.default')).toBeUndefined();
  });
});
