import { DeploymentSpec, type AllocationView } from '@plato/contracts';
import { desiredOf, formatLasted, renderAllocationDescription, stateOf } from './allocation.commands.js';
import { allocationTable, describeCheck, describeRestart } from './cluster.commands.js';
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

describe('allocations in the CLI', () => {
  const since = '2026-01-01T00:00:01.000Z';
  it('shows the state of an allocation in one cell: the exit code of an exit, the reason of what went wrong', () => {
    expect(stateOf(alloc({}))).toBe('running');
    expect(stateOf(alloc({ state: { phase: 'healthy', since, reason: 'health check passed' } }))).toBe('healthy');
    expect(stateOf(alloc({ state: { phase: 'unhealthy', since, reason: 'exec test -f /ready exited 1' } }))).toBe('unhealthy: exec test -f /ready exited 1');
    expect(stateOf(alloc({ status: 'pending', state: { phase: 'exited', since, exitCode: 143, reason: 'exit code 143, restarting' } }))).toBe('exited(143)');
    expect(stateOf(alloc({ status: 'failed', state: { phase: 'failed', since, reason: 'no such image' } }))).toBe('failed: no such image');
    expect(desiredOf(alloc({ desired: 'stop', stopReason: 'deleted' }))).toBe('stop (deleted)');
  });

  it('describes an allocation with its timeline, how long each phase lasted and the current one so far', () => {
    const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString();
    const text = renderAllocationDescription(
      {
        allocation: alloc({
          containerId: '3f2a9b1c0d4e5f60',
          ports: [{ container: 8080, host: 32768, hostIp: '127.0.0.1', protocol: 'tcp' }],
          state: { phase: 'running', since: at(2_500), reason: 'container 3f2a9b1c0d4e' },
        }),
        timeline: [
          { phase: 'placed', at: at(0), position: 4, event: 'AllocationPlaced', reason: 'version 1, slot 0, on node n1' },
          { phase: 'starting', at: at(30), position: 5, event: 'AllocationStartBegan', reason: 'container 3f2a9b1c0d4e' },
          { phase: 'running', at: at(900), position: 6, event: 'AllocationStarted', reason: 'container 3f2a9b1c0d4e' },
          { phase: 'exited', at: at(2_000), position: 7, event: 'AllocationExited', reason: 'exit code 137, restarting', exitCode: 137 },
          { phase: 'running', at: at(2_500), position: 9, event: 'AllocationStarted', reason: 'container 3f2a9b1c0d4e' },
        ],
      },
      Date.parse(at(75_500)),
    );
    expect(text).toContain('Deployment:  default/web version 1, slot 0\n');
    expect(text).toContain('Ports:       127.0.0.1:32768->8080/tcp\n');
    const rows = text.split('\n').filter((line) => line.startsWith('2026-'));
    expect(rows.map((row) => row.split(/\s{3,}/).slice(1, 3))).toEqual([
      ['placed', '0.03s'],
      ['starting', '0.87s'],
      ['running', '1.10s'],
      ['exited(137)', '0.50s'],
      ['running', '1m13s so far'],
    ]);
    expect(formatLasted(7_250_000)).toBe('2h00m');
  });

  it('shows the wait before a restart, the restart count, and the restart announced in a history', () => {
    const exited = { phase: 'exited', since: '2026-01-01T00:00:01.000Z', exitCode: 1, reason: 'exit code 1, restarting after 4s (attempt 3)' } as const;
    expect(stateOf(alloc({ status: 'pending', exitCode: 1, restarts: 3, restartDelayMs: 4_000, state: exited }))).toBe('exited(1), restarting after 4s');
    expect(allocationTable([alloc({ restarts: 3 }), alloc({ allocId: 'a2' })]).split('\n').map((line) => line.split(/\s+/)[8])).toEqual(['RESTARTS', '3', '0', undefined]);
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
