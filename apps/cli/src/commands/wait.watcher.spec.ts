import { DeploymentSpec, ErrorCode, PlatoError, type AllocationView, type DeploymentDescription } from '@plato/contracts';
import { parseCliArgs } from '../cli.args.js';
import { createContext } from '../cli.context.js';
import { pollUntilDone, progressOf } from './wait.watcher.js';

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
  compatible: [],
});

describe('progressOf', () => {
  it('counts replicas of a compatible version as current: a version that only brings back the running spec converges at once', () => {
    const kept = [alloc('a0', { version: 1 }), alloc('a1', { version: 1, index: 1 })];
    expect(progressOf({ ...describe_(kept), compatible: [1] }, 'converged')).toMatchObject({ running: 2, old: 0, done: true });
    expect(progressOf(describe_(kept), 'converged')).toMatchObject({ running: 0, old: 2, done: false });
  });

  it('is converged only when every replica of the current version runs and no old one is left', () => {
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1 })]), 'converged')).toMatchObject({ running: 2, desired: 2, done: true });
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1, status: 'pending' })]), 'converged')).toMatchObject({ pending: 1, done: false });
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1 }), alloc('old', { version: 1 })]), 'converged')).toMatchObject({
      old: 1,
      done: false,
    });
    expect(progressOf(describe_([alloc('a', {}), alloc('b', { index: 1 }), alloc('old', { version: 1, desired: 'stop' })]), 'converged')).toMatchObject({
      stopping: 1,
      done: false,
    });
  });

  it('waits for the rollout of the current version to complete, not only for its replicas to run', () => {
    const running = describe_([alloc('a', {}), alloc('b', { index: 1 })]);
    const rollout = { version: 2, status: 'running', startedAt: '', since: '', desired: 2, canary: 0, promoted: false, placed: 2, healthy: 1, old: 0, waiting: '1 of 2 healthy' } as const;
    expect(progressOf({ ...running, rollout }, 'converged')).toMatchObject({ done: false, rollout: 'rollout running: 1/2 healthy' });
    expect(progressOf({ ...running, rollout: { ...rollout, status: 'completed', healthy: 2 } }, 'converged')).toMatchObject({ done: true });
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

describe('pollUntilDone', () => {
  const printed: string[] = [];
  const context = createContext(parseCliArgs(['rollout', 'status', 'web', '--wait']).options, (text) => printed.push(text));
  const timedOut = (text: string) => new Error(`timed out: ${text}`);

  it('waits through a control plane that does not answer for a while, saying so once', async () => {
    const looks = [
      () => Promise.reject(new PlatoError(ErrorCode.Unavailable, 'no service answers')),
      () => Promise.reject(new PlatoError(ErrorCode.Unavailable, 'no service answers')),
      () => Promise.resolve({ text: 'web: done', done: true, details: 1 }),
    ];
    await pollUntilDone(context, () => looks.shift()!(), 10_000, timedOut);
    expect(printed).toEqual(['waiting for the control plane: no service answers\n', 'web: done\n']);
  });

  it('gives up at the deadline with the last thing it saw, and passes other errors through at once', async () => {
    await expect(pollUntilDone(context, () => Promise.reject(new PlatoError(ErrorCode.Unavailable, 'gone')), 0, timedOut)).rejects.toThrow('gone');
    await expect(pollUntilDone(context, () => Promise.reject(new PlatoError(ErrorCode.Conflict, 'failed')), 10_000, timedOut)).rejects.toThrow('failed');
    await expect(pollUntilDone(context, () => Promise.resolve({ text: 'web: 1/2', done: false, details: 1 }), 0, timedOut)).rejects.toThrow('timed out: web: 1/2');
  });
});
