import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import { GetNode, SubmitPlan, type DeploymentSpecInput } from '@plato/contracts';
import { connectNats, createLogger, request } from '@plato/messaging';
import { DockerRuntime, LxdClient, LxdRuntime, type ContainerInfo, type ContainerRuntime } from '@plato/runtime';
import { LxdDaemonControl, NatsServerProcess, eventually, lxdSocketPath, newRunId, type ServiceProcess } from '@plato/testing';
import { ContainerLabels, containerNameOf, lxdTarballName } from '../src/index.js';
import { TestControlPlane, commandId } from './control-plane.client.js';
import { startStateServer } from './state-server.process.js';
import { TestAgent, within } from './test-agent.process.js';

const imagesDir = fileURLToPath(new URL('../../../tools/images/', import.meta.url));
const builtTarball = join(process.env['PLATO_IMAGE_CACHE'] ?? join(imagesDir, '.cache'), 'plato-busybox.lxd.tar.gz');
const image = 'plato/busybox:latest';
const greeting = 'Hello from Plato busybox';
const logger = createLogger('agent-lxd-test');

/**
 * One agent with both runtimes against real parts: a nats-server of its own, the built
 * state-server, the Docker engine and LXD. Its image cache is a temporary directory holding the
 * built tarball under two names: `plato/busybox:latest` and `plato/busybox:<run id>`, an alias
 * only this run uses, so the agent's import from the cache is exercised without touching the
 * shared alias. Every container and instance is labelled plato.node=<this run's node id> and
 * removed in afterAll, and the run's alias deleted.
 */
describe('agent with Docker and LXD on one node', () => {
  const run = newRunId('agent-lxd');
  const nodeId = run;
  const runImage = `plato/busybox:${run}`;
  const docker = new DockerRuntime({ socketPath: '/var/run/docker.sock' });
  const lxd = new LxdRuntime();
  const lxdClient = new LxdClient();
  let imageCache: string;
  let nats: NatsServerProcess;
  let client: NatsConnection;
  let stateServer: ServiceProcess;
  const agents = new TestAgent({ natsUrl: () => nats.url, nodeId, run, hostname: 'agent-lxd-host', runtimes: [docker, lxd], imageCache: () => imageCache, logger });
  const startTestAgent = () => agents.start();
  const stopTestAgent = () => agents.stop();

  const plane = new TestControlPlane(() => client, run, nodeId);
  const deploy = (name: string, spec: Partial<DeploymentSpecInput>, replicas: number) => plane.deploy(name, { image, ...spec }, replicas);
  const allocation = (allocId: string) => plane.allocation(allocId);
  const history = (allocId: string) => plane.history(allocId);
  const withStatus = (allocId: string, status: string, timeoutMs = 15_000) =>
    eventually(
      async () => {
        const found = await allocation(allocId);
        if (found.status !== status) throw new Error(`${allocId} is ${found.status}, not ${status}`);
        return found;
      },
      { timeoutMs, description: `${allocId} ${status}` },
    );

  const runningOn = async (runtime: ContainerRuntime, allocId: string): Promise<ContainerInfo> => {
    const info = await runtime.inspect(containerNameOf(allocId));
    if (info?.state !== 'running') throw new Error(`${allocId}: ${runtime.name} container is ${info?.state ?? 'missing'}`);
    return info;
  };
  const reportedRunning = (runtime: ContainerRuntime, allocId: string, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const info = await runningOn(runtime, allocId);
        const view = await allocation(allocId);
        if (view.status !== 'running' || view.containerId !== info.id) throw new Error(`${allocId}: log says ${view.status} ${view.containerId ?? ''}, container ${info.id}`);
        return { info, view };
      },
      { timeoutMs, description: `${allocId} running on ${runtime.name} and reported` },
    );
  const page = (info: ContainerInfo) => {
    const port = info.ports.find((p) => p.container === 8080)!;
    return eventually(async () => (await fetch(`http://${port.hostIp}:${port.host}/`)).text(), { timeoutMs: 15_000, description: `${info.name} answering HTTP` });
  };

  const web = (runtime: 'docker' | 'lxd', extra: Partial<DeploymentSpecInput> = {}): Partial<DeploymentSpecInput> => ({
    runtime,
    command: ['httpd'],
    args: ['-f', '-p', '8080', '-h', '/www'],
    env: { PLATO_RUN: run },
    resources: { cpu: 100, memory: 32 },
    ports: [{ name: 'http', container: 8080 }],
    ...extra,
  });
  let lxdWeb = '';

  beforeAll(async () => {
    await promisify(execFile)(join(imagesDir, 'build'), [], { timeout: 110_000 });
    imageCache = await mkdtemp(join(tmpdir(), `${run}-images-`));
    await symlink(builtTarball, join(imageCache, lxdTarballName(image)));
    await symlink(builtTarball, join(imageCache, lxdTarballName(runImage)));
    nats = await NatsServerProcess.start();
    client = await connectNats({ name: `${run}-client`, servers: nats.url, logger });
    stateServer = await startStateServer(nats.url, client, { PLATO_NODE_TIMEOUT_MS: '60000' });
    await startTestAgent();
    await within(15_000, 'the node registered', agents.agent.registered());
  }, 150_000);

  afterAll(async () => {
    await stopTestAgent().catch(() => undefined);
    for (const runtime of [docker, lxd]) {
      const mine = await runtime.list({ labels: { [ContainerLabels.node]: nodeId } });
      await Promise.all(mine.map((container) => runtime.remove(container.id)));
    }
    await lxdClient.sync('DELETE', `/1.0/images/aliases/${encodeURIComponent(runImage)}`).catch(() => undefined);
    await lxdClient.close();
    await lxd.close();
    await stateServer?.stop();
    await client?.close();
    await nats?.stop();
    if (imageCache) await rm(imageCache, { recursive: true, force: true });
  }, 60_000);

  it('registers and heartbeats both runtimes', async () => {
    expect(agents.agent.runtimes).toEqual(['docker', 'lxd']);
    const node = await eventually(() => request(client, GetNode, { nodeId }), { description: 'the node registered' });
    expect(node).toMatchObject({ nodeId, state: 'ready', runtimes: ['docker', 'lxd'] });
    const sub = client.subscribe(`plato.heartbeat.${nodeId}`, { max: 1 });
    const next = async (): Promise<unknown> => {
      for await (const msg of sub) return msg.json();
      throw new Error('no heartbeat');
    };
    const heartbeat = await within(5_000, 'a heartbeat', next()).finally(() => sub.unsubscribe());
    expect(heartbeat).toMatchObject({ nodeId, runtimes: ['docker', 'lxd'] });
  });

  it('runs a runtime: lxd allocation as an LXD instance with its limits and a loopback port serving HTTP', async () => {
    const startedAt = Date.now();
    lxdWeb = (await deploy('web-lxd', web('lxd'), 1))[0]!;
    const { info, view } = await reportedRunning(lxd, lxdWeb);
    logger.warn({ ms: Date.now() - startedAt }, 'lxd allocation placed → running and reported');
    expect(await docker.inspect(containerNameOf(lxdWeb))).toBeNull();
    expect(info.image).toBe(image);
    expect(info.labels).toMatchObject({ [ContainerLabels.alloc]: lxdWeb, [ContainerLabels.node]: nodeId, [ContainerLabels.deployment]: 'default/web-lxd' });
    expect(info.limits).toEqual({ cpuMillis: 100, memoryMiB: 32 });
    const port = info.ports.find((p) => p.container === 8080);
    expect(port).toMatchObject({ hostIp: '127.0.0.1', protocol: 'tcp' });
    expect(view.ports).toEqual([{ container: 8080, host: port!.host, hostIp: '127.0.0.1', protocol: 'tcp' }]);
    expect((await lxd.exec(info.id, ['env'])).stdout).toContain(`PLATO_RUN=${run}`);
    expect(await page(info)).toContain(greeting);
  }, 40_000);

  it('imports an image missing from LXD from the image cache', async () => {
    await expect(lxd.ensureImage(runImage)).rejects.toThrow(runImage);
    const [allocId] = await deploy('cached', web('lxd', { image: runImage, ports: [] }), 1);
    const { info } = await reportedRunning(lxd, allocId!);
    expect(info.image).toBe(runImage);
    const tarballFingerprint = createHash('sha256').update(await readFile(builtTarball)).digest('hex');
    expect((await lxd.ensureImage(runImage)).id).toBe(tarballFingerprint);
    const events = await history(allocId!);
    expect(events.map((event) => event.type)).toEqual(['AllocationPlaced', 'AllocationPullBegan', 'AllocationStartBegan', 'AllocationStarted']);
    expect(events[1]!.data).toEqual({ image: runImage, reason: expect.stringMatching(new RegExp(`^importing ${runImage} into lxd from .*${lxdTarballName(runImage)}$`)) });
  }, 40_000);

  it('runs a Docker and an LXD allocation side by side', async () => {
    const [onDocker] = await deploy('side-docker', web('docker'), 1);
    const [onLxd] = await deploy('side-lxd', web('lxd'), 1);
    const docked = await reportedRunning(docker, onDocker!);
    const lxded = await reportedRunning(lxd, onLxd!);
    expect(await lxd.inspect(containerNameOf(onDocker!))).toBeNull();
    expect(await docker.inspect(containerNameOf(onLxd!))).toBeNull();
    expect(await page(docked.info)).toContain(greeting);
    expect(await page(lxded.info)).toContain(greeting);
    await agents.agent.resync();
    expect((await runningOn(docker, onDocker!)).id).toBe(docked.info.id);
    expect((await runningOn(lxd, onLxd!)).startedAt).toEqual(lxded.info.startedAt);
  }, 60_000);

  it('reports an LXD allocation whose image is in neither LXD nor the cache as failed, naming the image', async () => {
    const [allocId] = await deploy('ghost-lxd', { runtime: 'lxd', image: 'plato/missing-lxd-image:none' }, 1);
    const view = await withStatus(allocId!, 'failed');
    expect(view.failure).toContain('plato/missing-lxd-image:none');
    expect(view.failure).toContain(lxdTarballName('plato/missing-lxd-image:none'));
    expect(await lxd.inspect(containerNameOf(allocId!))).toBeNull();
  });

  it('restarts an LXD instance stopped by hand by the spec\'s restart policy and reports the exit', async () => {
    const before = await runningOn(lxd, lxdWeb);
    const stoppedAt = Date.now();
    await lxd.stop(before.id, { timeoutMs: 1_000 });
    await eventually(
      async () => {
        const info = await runningOn(lxd, lxdWeb);
        if (info.startedAt!.getTime() === before.startedAt!.getTime()) throw new Error('not restarted yet');
        return info;
      },
      { timeoutMs: 15_000, description: 'the stopped instance running again' },
    );
    logger.warn({ repairMs: Date.now() - stoppedAt, drift: 'lxd stopped' }, 'drift repaired');
    await reportedRunning(lxd, lxdWeb);
    const events = await history(lxdWeb);
    expect(events.map((event) => event.type).slice(-3)).toEqual(['AllocationExited', 'AllocationStartBegan', 'AllocationStarted']);
    expect(events.find((event) => event.type === 'AllocationExited')?.data).toEqual({ exitCode: 143, willRestart: true, attempt: 1, delayMs: 1_000 });
  }, 30_000);

  it('recreates an LXD instance removed by hand and reports the new one running', async () => {
    const before = (await reportedRunning(lxd, lxdWeb)).info;
    const removedAt = Date.now();
    await lxd.remove(before.id);
    const after = await eventually(
      async () => {
        const { info } = await reportedRunning(lxd, lxdWeb, 1_000);
        if (info.startedAt!.getTime() === before.startedAt!.getTime()) throw new Error('still the old instance');
        return info;
      },
      { timeoutMs: 20_000, description: 'a new instance running and reported' },
    );
    logger.warn({ repairMs: Date.now() - removedAt, drift: 'lxd removed' }, 'drift repaired');
    expect(after.labels).toMatchObject({ [ContainerLabels.alloc]: lxdWeb, [ContainerLabels.node]: nodeId });
    expect(await page(after)).toContain(greeting);
  }, 40_000);

  it('after an agent restart, adopts the running LXD instance without restarting it', async () => {
    const before = (await reportedRunning(lxd, lxdWeb)).info;
    const eventsBefore = (await history(lxdWeb)).length;
    await stopTestAgent();
    await startTestAgent();
    await agents.agent.resync();
    const after = await runningOn(lxd, lxdWeb);
    expect(after.startedAt).toEqual(before.startedAt);
    expect((await history(lxdWeb)).length).toBe(eventsBefore);
  }, 30_000);

  it('stops and removes an LXD allocation the control plane stops, and reports it stopped', async () => {
    await reportedRunning(lxd, lxdWeb);
    await request(client, SubmitPlan, {
      commandId: commandId(),
      plan: { basedOn: 0, createdAt: Date.now(), placements: [], stops: [{ allocId: lxdWeb, nodeId, reason: 'scaled-down' }], unplaced: [] },
    });
    await eventually(async () => (await lxd.inspect(containerNameOf(lxdWeb))) === null, { timeoutMs: 15_000, description: 'the instance removed' });
    const view = await withStatus(lxdWeb, 'complete');
    expect(view.desired).toBe('stop');
    expect((await history(lxdWeb)).map((event) => event.type).slice(-3)).toEqual(['AllocationStopRequested', 'AllocationStopBegan', 'AllocationStopped']);
  }, 30_000);

  it('removes an LXD instance labelled with this node that the log does not know', async () => {
    const stray = `${run}-stray`;
    const created = await lxd.create({ name: containerNameOf(stray), image, command: ['sleep', '300'], labels: { [ContainerLabels.node]: nodeId, [ContainerLabels.alloc]: stray } });
    // The agent may find the orphan between create and start and remove it under the start.
    await lxd.start(created.id).catch(() => undefined);
    await eventually(async () => (await lxd.inspect(created.id)) === null, { timeoutMs: 15_000, description: 'the LXD orphan stopped and removed' });
  }, 30_000);

  it('while the LXD daemon is stopped: LXD unavailable and its allocation unknown, Docker untouched; back: adopted, not restarted', async () => {
    const [onDocker] = await deploy('outage-docker', web('docker'), 1);
    const [onLxd] = await deploy('outage-lxd', web('lxd'), 1);
    const docked = await reportedRunning(docker, onDocker!);
    const lxded = await reportedRunning(lxd, onLxd!);
    const daemon = new LxdDaemonControl();
    const stoppedAt = Date.now();
    let during: string | undefined;
    try {
      await daemon.stop();
      const node = await eventually(
        async () => {
          const view = await request(client, GetNode, { nodeId });
          if (view.unavailableRuntimes.length === 0) throw new Error('lxd not reported unavailable yet');
          return view;
        },
        { timeoutMs: 10_000, description: 'the node reporting LXD unavailable' },
      );
      expect(node.runtimes).toEqual(['docker', 'lxd']);
      expect(node.unavailableRuntimes).toEqual([{ runtime: 'lxd', reason: expect.stringContaining(lxdSocketPath) }]);
      const unknown = await withStatus(onLxd!, 'unknown', 10_000);
      logger.warn({ ms: Date.now() - stoppedAt }, 'lxd stopped → allocation unknown');
      expect(unknown.failure).toContain(lxdSocketPath);
      [during] = await deploy('outage-docker-during', web('docker'), 1);
      await reportedRunning(docker, during!);
      const stillDocked = await runningOn(docker, onDocker!);
      expect(stillDocked.id).toBe(docked.info.id);
      expect(stillDocked.startedAt).toEqual(docked.info.startedAt);
      expect((await allocation(onDocker!)).status).toBe('running');
    } finally {
      await daemon.start();
    }
    const back = await reportedRunning(lxd, onLxd!, 30_000);
    expect(back.info.startedAt).toEqual(lxded.info.startedAt);
    expect(await page(back.info)).toContain(greeting);
    const node = await eventually(
      async () => {
        const view = await request(client, GetNode, { nodeId });
        if (view.unavailableRuntimes.length > 0) throw new Error('lxd still unavailable');
        return view;
      },
      { timeoutMs: 10_000, description: 'the node reporting LXD available again' },
    );
    expect(node.runtimes).toEqual(['docker', 'lxd']);
    expect((await history(onLxd!)).map((event) => event.type).slice(-2)).toEqual(['AllocationUnknown', 'AllocationStarted']);
    const nodeEvents = (await plane.nodeHistory()).map((event) => event.type);
    expect(nodeEvents.slice(nodeEvents.indexOf('NodeRuntimeUnavailable'))).toEqual(['NodeRuntimeUnavailable', 'NodeRuntimeAvailable']);
    expect((await runningOn(docker, onDocker!)).id).toBe(docked.info.id);
  }, 120_000);
});
