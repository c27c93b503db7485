import { DeploymentSpec, type AllocationView, type DeploymentDescription } from '@plato/contracts';
import { progressOf } from './wait.watcher.js';

const spec = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', replicas: 2 });
const alloc = (allocId: string, over: Partial<AllocationView>): AllocationView => ({
  allocId,
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 2,
  index: 0,
  runtime: 'docker',
  image: spec.image,
  resources: spec.resources,
  desired: 'run',
  status: 'running',
  state: { phase: 'running', since: '' },
  ports: [],
  placedAt: '',
  updatedAt: '',
  revision: 1,
  ...over,
});
const describe_ = (allocations: AllocationView[], over: Partial<DeploymentDescription['deployment']> = {}, blocked?: string): DeploymentDescription => ({
  deployment: { namespace: 'default', name: 'web', version: 2, replicas: 2, deleted: false, revision: 9, spec, ...over },
  allocations,
  placement: blocked ? { blocked: true, missing: 1, summary: blocked, reasons: [] } : { blocked: false, missing: 0, summary: '', reasons: [] },
});

describe('progressOf', () => {
  it('is converged only when every replica of the current version runs and no old one is left', () => {
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1 })]), 'converged')).toMatchObject({ running: 2, desired: 2, done: true });
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1, status: 'pending' })]), 'converged')).toMatchObject({ pending: 1, done: false });
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1 }), alloc('old', { version: 1 })]), 'converged')).toMatchObject({
      stopping: 1,
      done: false,
    });
  });

  it('carries why replicas cannot be placed', () => {
    expect(progressOf(describe_([alloc('a', {})], {}, '1 node: insufficient memory'), 'converged')).toMatchObject({
      blocked: '1 node: insufficient memory',
      done: false,
    });
  });

  it('is gone when nothing runs or waits to run', () => {
    expect(progressOf(describe_([alloc('a', { desired: 'stop', status: 'complete' })], { deleted: true }), 'gone').done).toBe(true);
    expect(progressOf(describe_([alloc('a', { desired: 'stop' })], { deleted: true }), 'gone').done).toBe(false);
  });
});
