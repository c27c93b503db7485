import { DeploymentSpec, type AllocationView } from '@plato/contracts';
import { describeCheck, statusOf } from './cluster.commands.js';
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
  state: { phase: 'running', since: '2026-01-01T00:00:00.000Z' },
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
