import type { DeploymentSpecInput } from '@plato/contracts';
import { createLogger } from '@plato/messaging';
import { eventually } from '@plato/testing';
import { DockerAgentHarness } from './docker-agent.harness.js';

const image = 'plato/busybox:latest';
const logger = createLogger('agent-health-test');

/**
 * A web server that is a child of the container's shell: busybox httpd without `-f` goes to the
 * background, so killing it inside leaves the container running without a server. The shell
 * exits 0 on SIGTERM, so a restart after a stop comes from the health check, not the exit code.
 */
const backgroundWeb: Partial<DeploymentSpecInput> = {
  command: ['sh', '-c', 'trap "exit 0" TERM; httpd -p 8080 -h /www; sleep 3600 & wait'],
  resources: { cpu: 100, memory: 32 },
  ports: [{ name: 'http', container: 8080 }],
};
const killServer = ['sh', '-c', 'kill $(pidof httpd)'];

/**
 * Health checks on a real nats-server, the built state-server and the Docker engine: the agent
 * probes the container's 127.0.0.1 publication (http, tcp) or execs in it, writes each change of
 * verdict once, and restarts an unhealthy container by its policy. Every container is labelled
 * plato.node=<this run's node id> and removed in afterAll.
 */
describe('agent health checks on Docker', () => {
  const h = new DockerAgentHarness('agent-health', 'agent-health-host', logger);
  const { runtime, plane, agents } = h;
  const running = (allocId: string) => h.running(allocId);
  const deploy = async (name: string, spec: Partial<DeploymentSpecInput>) => (await plane.deploy(name, { image, ...spec }, 1))[0]!;
  const types = async (allocId: string) => (await plane.history(allocId)).map((event) => event.type);
  const withHealth = (allocId: string, status: 'healthy' | 'unhealthy', timeoutMs = 15_000) =>
    eventually(
      async () => {
        const view = await plane.allocation(allocId);
        if (view.status !== 'running' || view.health?.status !== status) throw new Error(`${allocId} is ${view.status} ${view.health?.status ?? 'unchecked'}`);
        return view;
      },
      { timeoutMs, intervalMs: 100, description: `${allocId} ${status}` },
    );

  beforeAll(() => h.setUp(), 150_000);
  afterAll(() => h.tearDown(), 60_000);

  it('http: healthy, unhealthy once its server is killed inside, restarted by policy (on-failure, though it exits 0), healthy again', async () => {
    const allocId = await deploy('web', {
      ...backgroundWeb,
      restart: { policy: 'on-failure' },
      health: { type: 'http', port: 'http', path: '/index.html', interval: '300ms', timeout: '250ms', failures: 2, grace: '1s' },
    });
    await withHealth(allocId, 'healthy');
    const before = await running(allocId);
    expect((await runtime.exec(before.id, killServer)).exitCode).toBe(0);

    const after = await h.runningAgain(allocId, before, { description: 'the unhealthy container restarted' });
    expect(after.id).toBe(before.id);
    const view = await withHealth(allocId, 'healthy');
    expect(view.containerId).toBe(after.id);

    const history = await plane.history(allocId);
    expect(history.map((event) => event.type)).toEqual([
      'AllocationPlaced',
      'AllocationStartBegan',
      'AllocationStarted',
      'AllocationHealthy',
      'AllocationUnhealthy',
      'AllocationExited',
      'AllocationStartBegan',
      'AllocationStarted',
      'AllocationHealthy',
    ]);
    const unhealthy = history.find((event) => event.type === 'AllocationUnhealthy')!;
    expect((unhealthy.data as { reason: string }).reason).toMatch(/^2 checks failed in a row; last: GET \/index.html on 127\.0\.0\.1:\d+ /);
    expect(history.find((event) => event.type === 'AllocationExited')!.data).toEqual({ exitCode: 0, willRestart: true, attempt: 1, delayMs: 1_000 });
  });

  it('tcp: tells a published port with nothing behind it from a listening server; under policy never it stays unhealthy and running', async () => {
    const allocId = await deploy('tcp', {
      ...backgroundWeb,
      restart: { policy: 'never' },
      health: { type: 'tcp', port: 8080, interval: '300ms', timeout: '250ms', failures: 2, grace: 0 },
    });
    await withHealth(allocId, 'healthy');
    const before = await running(allocId);
    await runtime.exec(before.id, killServer);
    const view = await withHealth(allocId, 'unhealthy');
    expect(view.health?.reason).toContain('the connection was closed at once');
    await agents.agent.resync();
    expect((await running(allocId)).startedAt).toEqual(before.startedAt);
    expect((await types(allocId)).slice(-2)).toEqual(['AllocationHealthy', 'AllocationUnhealthy']);
  });

  it('exec: no verdict of unhealthy before the grace period ends, then unhealthy, then healthy once the command succeeds', async () => {
    const graceMs = 3_000;
    const allocId = await deploy('ready', {
      command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
      resources: { cpu: 100, memory: 16 },
      restart: { policy: 'never' },
      health: { type: 'exec', command: ['test', '-f', '/tmp/ready'], interval: '200ms', timeout: '1s', failures: 1, grace: graceMs },
    });
    const unhealthy = await withHealth(allocId, 'unhealthy');
    const container = await running(allocId);
    const unhealthyAt = Date.parse(unhealthy.health!.since);
    expect(unhealthyAt - container.startedAt!.getTime()).toBeGreaterThanOrEqual(graceMs);
    expect(unhealthy.health?.reason).toBe('exec test -f /tmp/ready exited 1');

    await runtime.exec(container.id, ['touch', '/tmp/ready']);
    await withHealth(allocId, 'healthy');
    expect((await types(allocId)).slice(1)).toEqual(['AllocationStartBegan', 'AllocationStarted', 'AllocationUnhealthy', 'AllocationHealthy']);
  });
});
