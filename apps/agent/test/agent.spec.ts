import { GetNode, type DeploymentSpecInput } from '@plato/contracts';
import { createLogger, request } from '@plato/messaging';
import { eventually } from '@plato/testing';
import { ContainerLabels, containerNameOf } from '../src/index.js';
import { DockerAgentHarness } from './docker-agent.harness.js';

const image = 'plato/busybox:latest';
const greeting = 'Hello from Plato busybox';
const logger = createLogger('agent-test');

/**
 * The agent against real parts: a nats-server of its own, the built state-server as a process,
 * the Docker engine. Allocations are placed as the scheduler places them (SubmitPlan). Every
 * container is labelled plato.node=<this run's node id> and removed in afterAll.
 */
describe('agent on a real nats-server, state-server and Docker engine', () => {
  const h = new DockerAgentHarness('agent', 'agent-test-host', logger);
  const { run, nodeId, runtime, plane, agents } = h;
  const startTestAgent = () => agents.start();
  const stopTestAgent = () => agents.stop();

  const deploy = (name: string, spec: Partial<DeploymentSpecInput>, replicas: number) => plane.deploy(name, { image, ...spec }, replicas);
  const allocation = (allocId: string) => plane.allocation(allocId);
  const history = (allocId: string) => plane.history(allocId);

  const runningContainer = (allocId: string) => h.running(allocId);
  const reportedRunning = (allocId: string, timeoutMs = 15_000) =>
    eventually(
      async () => {
        const info = await runningContainer(allocId);
        const view = await allocation(allocId);
        if (view.status !== 'running' || view.containerId !== info.id) throw new Error(`${allocId}: log says ${view.status} ${view.containerId ?? ''}, container ${info.id}`);
        return { info, view };
      },
      { timeoutMs, description: `${allocId} running and reported` },
    );

  const web: Partial<DeploymentSpecInput> = {
    command: ['httpd'],
    args: ['-f', '-p', '8080', '-h', '/www'],
    env: { GREETING: 'hello', PLATO_RUN: run },
    resources: { cpu: 100, memory: 32 },
    ports: [{ name: 'http', container: 8080 }],
  };
  let webAllocs: string[] = [];

  beforeAll(() => h.setUp(), 150_000);
  afterAll(() => h.tearDown(), 60_000);

  it('registers its node with its capacity, labels and the Docker runtime', async () => {
    const node = await eventually(() => request(h.client, GetNode, { nodeId }), { description: 'the node registered' });
    expect(node).toMatchObject({ nodeId, hostname: 'agent-test-host', state: 'ready', capacity: { cpu: 8000, memory: 8192 }, labels: { run }, runtimes: ['docker'] });
  });

  it('runs placed allocations with their env, memory limit and ports on 127.0.0.1, and reports them started', async () => {
    webAllocs = await deploy('web', web, 2);
    for (const allocId of webAllocs) {
      const { info, view } = await reportedRunning(allocId);
      expect(info.labels).toMatchObject({
        [ContainerLabels.alloc]: allocId,
        [ContainerLabels.deployment]: 'default/web',
        [ContainerLabels.node]: nodeId,
        [ContainerLabels.version]: '1',
      });
      expect(info.limits).toEqual({ cpuMillis: 100, memoryMiB: 32 });
      const port = info.ports.find((p) => p.container === 8080);
      expect(port).toMatchObject({ hostIp: '127.0.0.1', protocol: 'tcp' });
      expect(view.ports).toEqual([{ container: 8080, host: port!.host, hostIp: '127.0.0.1', protocol: 'tcp' }]);

      const env = await runtime.exec(info.id, ['env']);
      expect(env.stdout.split('\n')).toEqual(expect.arrayContaining(['GREETING=hello', `PLATO_RUN=${run}`]));
      const body = await eventually(async () => (await fetch(`http://127.0.0.1:${port!.host}/`)).text(), { description: `${allocId} answering HTTP` });
      expect(body).toContain(greeting);
    }
  });

  it('reports an allocation whose image is missing as failed, naming the image', async () => {
    const [allocId] = await deploy('ghost', { image: 'plato/missing-image:none' }, 1);
    const view = await eventually(
      async () => {
        const found = await allocation(allocId!);
        if (found.status !== 'failed') throw new Error(`status is ${found.status}`);
        return found;
      },
      { description: 'the missing image reported failed' },
    );
    expect(view.failure).toContain('plato/missing-image:none');
    expect(await runtime.inspect(containerNameOf(allocId!))).toBeNull();
  });

  it('recreates a container removed by hand within 5 s', async () => {
    const allocId = webAllocs[0]!;
    const before = await runningContainer(allocId);
    const removedAt = Date.now();
    await runtime.remove(before.id);
    const after = await eventually(
      async () => {
        const info = await runningContainer(allocId);
        if (info.id === before.id) throw new Error('still the removed container');
        return info;
      },
      { timeoutMs: 5_000, description: 'the removed container recreated' },
    );
    logger.warn({ repairMs: Date.now() - removedAt, drift: 'removed' }, 'drift repaired');
    await reportedRunning(allocId);
    expect(after.id).not.toBe(before.id);
  });

  it('restarts a container stopped by hand within 5 s and reports the exit', async () => {
    const allocId = webAllocs[1]!;
    const before = await runningContainer(allocId);
    const stoppedAt = Date.now();
    await runtime.stop(before.id, { timeoutMs: 100 });
    const after = await h.runningAgain(allocId, before, { timeoutMs: 5_000, description: 'the stopped container running again' });
    logger.warn({ repairMs: Date.now() - stoppedAt, drift: 'stopped' }, 'drift repaired');
    expect(after.id).toBe(before.id);
    await reportedRunning(allocId);
    const types = (await history(allocId)).map((event) => event.type);
    expect(types.slice(-3)).toEqual(['AllocationExited', 'AllocationStartBegan', 'AllocationStarted']);
    const exited = (await history(allocId)).find((event) => event.type === 'AllocationExited');
    // The engine's init forwards the stop's SIGTERM to httpd, which dies of it: 128 + 15.
    expect(exited?.data).toEqual({ exitCode: 143, willRestart: true, attempt: 1, delayMs: 1_000 });
  });

  it('removes a container labelled with this node that the log does not know', async () => {
    const stray = `${run}-stray`;
    const created = await runtime.create({
      name: containerNameOf(stray),
      image,
      command: ['sleep', '300'],
      labels: { [ContainerLabels.node]: nodeId, [ContainerLabels.alloc]: stray },
    });
    await runtime.start(created.id);
    await eventually(async () => (await runtime.inspect(created.id)) === null, { timeoutMs: 12_000, description: 'the orphan stopped (5 s grace) and removed' });
  });

  it('after an agent restart, recreates what is missing and restarts nothing that runs', async () => {
    const [kept, removed] = webAllocs as [string, string];
    await reportedRunning(kept);
    await reportedRunning(removed);
    const keptBefore = await runningContainer(kept);
    const eventsBefore = (await history(kept)).length;

    await stopTestAgent();
    expect((await runningContainer(kept)).id).toBe(keptBefore.id);
    await runtime.remove(containerNameOf(removed));
    await startTestAgent();

    await reportedRunning(removed);
    const keptAfter = await runningContainer(kept);
    expect(keptAfter.id).toBe(keptBefore.id);
    expect(keptAfter.startedAt).toEqual(keptBefore.startedAt);
    await agents.agent.resync();
    expect((await history(kept)).length).toBe(eventsBefore);
  });

  it('keeps converging while the state-server is down, and reports what it did once it is back', async () => {
    const allocId = webAllocs[0]!;
    const before = (await reportedRunning(allocId)).info;
    await h.stateServer.stop();
    await runtime.remove(before.id);
    const recreated = await eventually(
      async () => {
        const info = await runningContainer(allocId);
        if (info.id === before.id) throw new Error('still the removed container');
        return info;
      },
      { timeoutMs: 5_000, description: 'the container recreated without a control plane' },
    );
    await h.startStateServer();
    const { view } = await reportedRunning(allocId);
    expect(view.containerId).toBe(recreated.id);
  }, 40_000);

  it('does not restart a container that exited under restart policy never, and reports it failed with its code', async () => {
    const [allocId] = await deploy('once', { command: ['sh', '-c', 'exit 3'], restart: { policy: 'never' } }, 1);
    const view = await eventually(
      async () => {
        const found = await allocation(allocId!);
        if (found.status !== 'failed') throw new Error(`status is ${found.status}`);
        return found;
      },
      { description: 'the exit reported' },
    );
    expect(view.exitCode).toBe(3);
    const types = (await history(allocId!)).map((event) => event.type);
    expect(types.filter((type) => type === 'AllocationStarted')).toHaveLength(1);
    expect(types.at(-1)).toBe('AllocationExited');
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId!))) === null, { description: 'the ended container removed' });
  });

  it('stops and removes an allocation the control plane stops, and reports it stopped', async () => {
    const allocId = webAllocs[1]!;
    await reportedRunning(allocId);
    await plane.stop(allocId);
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId))) === null, { timeoutMs: 15_000, description: 'the container removed' });
    const view = await eventually(
      async () => {
        const found = await allocation(allocId);
        if (found.status !== 'complete') throw new Error(`status is ${found.status}`);
        return found;
      },
      { description: 'the stop reported' },
    );
    expect(view.desired).toBe('stop');
    expect((await history(allocId)).map((event) => event.type).slice(-3)).toEqual(['AllocationStopRequested', 'AllocationStopBegan', 'AllocationStopped']);
    expect((await runningContainer(webAllocs[0]!)).state).toBe('running');
  }, 30_000);
});
