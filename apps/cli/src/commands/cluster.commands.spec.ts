import { DeploymentSpec, type AllocationView } from '@plato/contracts';
import { allocationTable, describeCheck, describeRestart, statusOf } from './cluster.commands.js';
import { summarize } from './query.commands.js';

const alloc = (over: Partial<AllocationView>): AllocationView => ({
  allocId: 'a1',
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 1,
  index: 0,
  runtime: 'docker',
  image: 'plato/busybox:latest',
  resources: { cpu: 100, memory: 64 },
  desired: 'run',
  status: 'running',
  ports: [],
  placedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  revision: 1,
  ...over,
});

describe('allocation health in the CLI', () => {
  it('shows the verdict of a running allocation beside its status, with the reason when unhealthy', () => {
    expect(statusOf(alloc({}))).toBe('running');
    expect(statusOf(alloc({ health: { status: 'healthy', since: '2026-01-01T00:00:01.000Z' } }))).toBe('running (healthy)');
    expect(statusOf(alloc({ health: { status: 'unhealthy', reason: 'exec test -f /ready exited 1', since: '2026-01-01T00:00:01.000Z' } }))).toBe(
      'running (unhealthy: exec test -f /ready exited 1)',
    );
    expect(statusOf(alloc({ status: 'pending', exitCode: 143 }))).toBe('pending (exit 143)');
  });

  it('shows the wait before a restart, the restart count, and the restart announced in a history', () => {
    expect(statusOf(alloc({ status: 'pending', exitCode: 1, restarts: 3, restartDelayMs: 4_000 }))).toBe('pending (exit 1, restarting after 4s)');
    expect(allocationTable([alloc({ restarts: 3 }), alloc({ allocId: 'a2' })]).split('\n').map((line) => line.split(/\s+/)[6])).toEqual(['RESTARTS', '3', '0', undefined]);
    expect(summarize({ type: 'AllocationExited', data: { exitCode: 1, willRestart: true, attempt: 3, delayMs: 4_000 } })).toBe('exit 1, restarting after 4s (attempt 3)');
    expect(summarize({ type: 'AllocationExited', data: { exitCode: 143, willRestart: true } })).toBe('exit 143, restarting');
    expect(summarize({ type: 'AllocationExited', data: { exitCode: 0, willRestart: false } })).toBe('exit 0');
  });

  it('summarizes the health events of a history and describes a check in one line', () => {
    expect(summarize({ type: 'AllocationHealthy', data: {} })).toBe('health check passed');
    expect(summarize({ type: 'AllocationUnhealthy', data: { reason: '3 checks failed in a row; last: timed out' } })).toBe('3 checks failed in a row; last: timed out');
    const spec = DeploymentSpec.parse({
      name: 'web',
      image: 'x',
      ports: [{ name: 'http', container: 8080 }],
      health: { type: 'http', port: 'http', path: '/healthz', interval: '1.5s' },
    });
    expect(describeCheck(spec.health!)).toBe('http GET /healthz on port http every 1.5s (timeout 2s, unhealthy after 3 failures, grace 5s)');
  });
});

describe('restart policy in the CLI', () => {
  it('describes a restart policy in one line', () => {
    const policy = (restart: object) => DeploymentSpec.parse({ name: 'web', image: 'x', restart }).restart;
    expect(describeRestart(policy({}))).toBe('always, after 1s doubling up to 30s, unlimited (counted within 30m)');
    expect(describeRestart(policy({ policy: 'on-failure', attempts: 3, interval: '10m', mode: 'fail', normal_exit_codes: [3] }))).toBe(
      'on failure (exit codes 0, 3 are normal), after 1s doubling up to 30s, 3 attempts within 10m, then failed',
    );
    expect(describeRestart(policy({ attempts: 2, mode: 'delay' }))).toBe('always, after 1s doubling up to 30s, 2 attempts within 30m, then wait for the interval');
    expect(describeRestart(policy({ policy: 'never' }))).toBe('never');
  });
});
