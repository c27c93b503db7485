import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DeploymentSpecInput } from '@plato/contracts';
import { connectNats, createLogger } from '@plato/messaging';
import { DockerRuntime, type ContainerInfo } from '@plato/runtime';
import { NatsServerProcess, eventually, newRunId, type ServiceProcess } from '@plato/testing';
import { ContainerLabels, containerNameOf } from '../src/index.js';
import { TestControlPlane } from './control-plane.client.js';
import { startStateServer } from './state-server.process.js';
import { TestAgent } from './test-agent.process.js';

const buildImages = fileURLToPath(new URL('../../../tools/images/build', import.meta.url));
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
  const run = newRunId('agent-health');
  const nodeId = run;
  const runtime = new DockerRuntime({ socketPath: '/var/run/docker.sock' });
  let nats: NatsServerProcess;
  let client: NatsConnection;
  let stateServer: ServiceProcess;
  const agents = new TestAgent({ natsUrl: () => nats.url, nodeId, run, hostname: 'agent-health-host', runtimes: [runtime], logger });

  const plane = new TestControlPlane(() => client, run, nodeId);
  const deploy = async (name: string, spec: Partial<DeploymentSpecInput>) => (await plane.deploy(name, { image, ...spec }, 1))[0]!;
  const types = async (allocId: string) => (await plane.history(allocId)).map((event) => event.type);
  const running = async (allocId: string): Promise<ContainerInfo> => {
    const info = await runtime.inspect(containerNameOf(allocId));
    if (info?.state !== 'running') throw new Error(`${allocId}: container is ${info?.state ?? 'missing'}`);
    return info;
  };
  const withHealth = (allocId: string, status: 'healthy' | 'unhealthy', timeoutMs = 15_000) =>
    eventually(
      async () => {
        const view = await plane.allocation(allocId);
        if (view.status !== 'running' || view.health?.status !== status) throw new Error(`${allocId} is ${view.status} ${view.health?.status ?? 'unchecked'}`);
        return view;
      },
      { timeoutMs, intervalMs: 100, description: `${allocId} ${status}` },
    );

  beforeAll(async () => {
    await promisify(execFile)(buildImages, [], { timeout: 110_000 });
    nats = await NatsServerProcess.start();
    client = await connectNats({ name: `${run}-client`, servers: nats.url, logger });
    stateServer = await startStateServer(nats.url, client, { PLATO_NODE_TIMEOUT_MS: '60000' });
    await (await agents.start()).registered();
  }, 150_000);

  afterAll(async () => {
    await agents.stop().catch(() => undefined);
    const mine = await runtime.list({ labels: { [ContainerLabels.node]: nodeId } });
    await Promise.all(mine.map((container) => runtime.remove(container.id)));
    await stateServer?.stop();
    await client?.close();
    await nats?.stop();
  }, 60_000);

  it('http: healthy, unhealthy once its server is killed inside, restarted by policy (on-failure, though it exits 0), healthy again', async () => {
    const allocId = await deploy('web', {
      ...backgroundWeb,
      restart: { policy: 'on-failure' },
      health: { type: 'http', port: 'http', path: '/index.html', interval: '300ms', timeout: '250ms', failures: 2, grace: '1s' },
    });
    await withHealth(allocId, 'healthy');
    const before = await running(allocId);
    expect((await runtime.exec(before.id, killServer)).exitCode).toBe(0);

    const after = await eventually(
      async () => {
        const info = await running(allocId);
        if (info.startedAt!.getTime() === before.startedAt!.getTime()) throw new Error('not restarted yet');
        return info;
      },
      { timeoutMs: 15_000, intervalMs: 100, description: 'the unhealthy container restarted' },
    );
    expect(after.id).toBe(before.id);
    const view = await withHealth(allocId, 'healthy');
    expect(view.containerId).toBe(after.id);

    const history = await plane.history(allocId);
    expect(history.map((event) => event.type)).toEqual([
      'AllocationPlaced',
      'AllocationStarted',
      'AllocationHealthy',
      'AllocationUnhealthy',
      'AllocationExited',
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
    expect((await types(allocId)).slice(1)).toEqual(['AllocationStarted', 'AllocationUnhealthy', 'AllocationHealthy']);
  });
});
