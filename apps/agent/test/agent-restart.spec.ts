import type { AllocationView, DeploymentSpecInput } from '@plato/contracts';
import { createLogger } from '@plato/messaging';
import type { ContainerInfo } from '@plato/runtime';
import { eventually } from '@plato/testing';
import { containerNameOf } from '../src/index.js';
import { DockerAgentHarness } from './docker-agent.harness.js';

const image = 'plato/busybox:latest';
const logger = createLogger('agent-restart-test');
/** The node timeout of the outage tests, the state-server's default: shorter than the outage, which must lose no node. */
const nodeTimeoutMs = 3_000;

/** Exits 3 at once, every time it starts. */
const crash: Partial<DeploymentSpecInput> = { command: ['sh', '-c', 'exit 3'], resources: { cpu: 100, memory: 16 } };
/** Runs until /tmp/crash exists in the container, then exits 3 at once on every start (the file stays). */
const crashOnSignal: Partial<DeploymentSpecInput> = {
  command: ['sh', '-c', 'trap "exit 0" TERM; while [ ! -f /tmp/crash ]; do sleep 0.1; done; exit 3'],
  resources: { cpu: 100, memory: 16 },
};
/** Runs until /tmp/crash exists, then removes it and exits 3: one crash per `touch /tmp/crash`. */
const crashOncePerSignal: Partial<DeploymentSpecInput> = {
  command: ['sh', '-c', 'trap "exit 0" TERM; while [ ! -f /tmp/crash ]; do sleep 0.1; done; rm /tmp/crash; exit 3'],
  resources: { cpu: 100, memory: 16 },
};

interface ExitedData {
  exitCode: number;
  willRestart: boolean;
  attempt?: number;
  delayMs?: number;
}

/** What the restart tests do and wait for on a harness's node. */
function stepsOf(h: DockerAgentHarness) {
  const { runtime, plane } = h;
  const deploy = async (name: string, spec: Partial<DeploymentSpecInput>) => (await plane.deploy(name, { image, ...spec }, 1))[0]!;
  const history = (allocId: string) => plane.history(allocId);
  const exits = async (allocId: string) => (await history(allocId)).filter((event) => event.type === 'AllocationExited').map((event) => event.data as ExitedData);
  const withStatus = (allocId: string, status: AllocationView['status'], timeoutMs = 20_000) =>
    eventually(
      async () => {
        const view = await plane.allocation(allocId);
        if (view.status !== status) throw new Error(`${allocId} is ${view.status}`);
        return view;
      },
      { timeoutMs, intervalMs: 100, description: `${allocId} ${status}` },
    );
  const reportedRunning = (allocId: string): Promise<ContainerInfo> =>
    eventually(
      async () => {
        const info = await h.running(allocId);
        const view = await plane.allocation(allocId);
        if (view.status !== 'running' || view.containerId !== info.id) throw new Error(`${allocId}: log says ${view.status}`);
        return info;
      },
      { timeoutMs: 15_000, intervalMs: 100, description: `${allocId} running and reported` },
    );
  const runningAfterRestarts = (allocId: string, restarts: number) =>
    eventually(
      async () => {
        const view = await plane.allocation(allocId);
        if (view.status !== 'running' || (view.restarts ?? 0) !== restarts) throw new Error(`${allocId} is ${view.status} after ${view.restarts ?? 0} restarts`);
        await h.running(allocId);
      },
      { timeoutMs: 15_000, intervalMs: 100, description: `${allocId} running after ${restarts} restarts, reported` },
    );
  const crashNow = async (allocId: string) => {
    const info = await h.running(allocId);
    expect((await runtime.exec(info.id, ['touch', '/tmp/crash'])).exitCode).toBe(0);
  };
  return { deploy, history, exits, withStatus, reportedRunning, runningAfterRestarts, crashNow };
}

/**
 * The restart policy on a real nats-server, the built state-server and the Docker engine: delays
 * that double per restart within the interval, attempts that end the allocation as failed (mode
 * fail) or wait for the interval (mode delay), normal exit codes, and an agent restarted mid crash
 * loop that keeps counting. Every container is labelled plato.node=<this run's node id> and
 * removed in afterAll.
 */
describe('agent restart policy on Docker', () => {
  const h = new DockerAgentHarness('agent-restart', 'agent-restart-host', logger);
  const { runtime, plane, agents } = h;
  const { deploy, history, exits, withStatus, reportedRunning, runningAfterRestarts, crashNow } = stepsOf(h);

  beforeAll(() => h.setUp(), 150_000);
  afterAll(() => h.tearDown(), 60_000);

  it('mode fail: restarts a crashing container with doubling delays, then after its attempts reports it failed and removes it', async () => {
    const allocId = await deploy('fail', { ...crash, restart: { policy: 'on-failure', attempts: 3, interval: '10m', delay: '500ms', max_delay: '2s', mode: 'fail' } });
    const runs = new Map<number, number>();
    const view = await eventually(
      async () => {
        const info = await runtime.inspect(containerNameOf(allocId));
        if (info?.state === 'exited' && info.startedAt && info.finishedAt) runs.set(info.startedAt.getTime(), info.finishedAt.getTime());
        const found = await plane.allocation(allocId);
        if (found.status !== 'failed') throw new Error(`${allocId} is ${found.status}`);
        return found;
      },
      { timeoutMs: 20_000, intervalMs: 20, description: `${allocId} failed, each exit of its container seen` },
    );
    expect(view.failure).toBe('exit code 3; restart attempts used up (3 within 10m)');
    expect(view.restarts).toBe(3);

    const events = await history(allocId);
    const run = ['AllocationStartBegan', 'AllocationStarted'];
    expect(events.map((event) => event.type)).toEqual([
      'AllocationPlaced',
      ...[1, 2, 3].flatMap(() => [...run, 'AllocationExited']),
      ...run,
      'AllocationFailed',
    ]);
    expect(await exits(allocId)).toEqual([
      { exitCode: 3, willRestart: true, attempt: 1, delayMs: 500 },
      { exitCode: 3, willRestart: true, attempt: 2, delayMs: 1_000 },
      { exitCode: 3, willRestart: true, attempt: 3, delayMs: 2_000 },
    ]);
    // By the engine's own times: each run starts no earlier than its delay after the run before it exited.
    const seen = [...runs].sort(([a], [b]) => a - b);
    expect(seen).toHaveLength(4);
    expect(seen.slice(1).map(([startedAt], i) => startedAt - seen[i]![1] >= [500, 1_000, 2_000][i]!)).toEqual([true, true, true]);
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId))) === null, { timeoutMs: 15_000, description: 'the failed container removed' });
  }, 60_000);

  it('mode delay: never fails; once its attempts are used up it waits for the interval to restart again', async () => {
    const allocId = await deploy('delay', { ...crash, restart: { policy: 'always', attempts: 1, interval: '5s', delay: '100ms', max_delay: '200ms', mode: 'delay' } });
    const exited = await eventually(
      async () => {
        const found = await exits(allocId);
        if (found.length < 3) throw new Error(`${found.length} exits so far`);
        return found;
      },
      { timeoutMs: 40_000, intervalMs: 200, description: 'three exits, each restarted' },
    );
    // After the first restart, each waits until the previous one is 5 s old (less the container's start time).
    expect(exited.map((exit) => [exit.willRestart, exit.attempt, exit.delayMs! > 2_000])).toEqual([
      [true, 1, false],
      [true, 1, true],
      [true, 1, true],
    ]);
    expect((await history(allocId)).map((event) => event.type)).not.toContain('AllocationFailed');
    await plane.stop(allocId);
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId))) === null, { timeoutMs: 15_000, description: 'the crash loop stopped and removed' });
  }, 60_000);

  it('normal_exit_codes: a job ending with one of them is complete, not restarted under on-failure', async () => {
    const allocId = await deploy('job', { ...crash, restart: { policy: 'on-failure', normal_exit_codes: [3] } });
    const view = await withStatus(allocId, 'complete');
    expect(view.exitCode).toBe(3);
    expect(view.restarts).toBeUndefined();
    expect((await history(allocId)).map((event) => event.type)).toEqual(['AllocationPlaced', 'AllocationStartBegan', 'AllocationStarted', 'AllocationExited']);
    expect(await exits(allocId)).toEqual([{ exitCode: 3, willRestart: false }]);
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId))) === null, { timeoutMs: 15_000, description: 'the completed container removed' });
  }, 40_000);

  it('an agent restarted in the middle of a crash loop keeps counting its restarts from the log', async () => {
    const allocId = await deploy('resume', { ...crashOncePerSignal, restart: { policy: 'on-failure', attempts: 2, interval: '10m', delay: '200ms', max_delay: '1s', mode: 'fail' } });
    await reportedRunning(allocId);
    await crashNow(allocId);
    await runningAfterRestarts(allocId, 1);
    await agents.stop();
    await agents.start();
    await crashNow(allocId);
    await runningAfterRestarts(allocId, 2);
    await crashNow(allocId);
    const view = await withStatus(allocId, 'failed');
    expect(view.failure).toBe('exit code 3; restart attempts used up (2 within 10m)');
    expect((await exits(allocId)).map((exit) => exit.attempt)).toEqual([1, 2]);
  }, 60_000);
});

/**
 * The restart policy through an outage of the nats-server (killed by its PID) longer than the
 * state-server's node timeout (its default, 3 s), on a node of its own.
 */
describe('agent restart policy through a NATS outage', () => {
  const h = new DockerAgentHarness('agent-outage', 'agent-outage-host', logger, { nodeTimeoutMs });
  const { runtime, plane } = h;
  const { deploy, history, withStatus, reportedRunning, crashNow } = stepsOf(h);

  beforeAll(() => h.setUp(), 150_000);
  afterAll(() => h.tearDown(), 60_000);

  it('with the nats-server down longer than the node timeout, keeps restarting by the policy and fails by mode fail; once it is back, reports all of it in order and follows the log again', async () => {
    const allocId = await deploy('offline', { ...crashOnSignal, restart: { policy: 'on-failure', attempts: 2, interval: '10m', delay: '1s', max_delay: '2s', mode: 'fail' } });
    const first = await reportedRunning(allocId);
    const eventsBefore = (await history(allocId)).length;

    await h.nats.kill();
    const outageFrom = Date.now();
    await crashNow(allocId);
    const starts = new Set<number>([first.startedAt!.getTime()]);
    await eventually(
      async () => {
        const info = await runtime.inspect(containerNameOf(allocId));
        if (info?.startedAt) starts.add(info.startedAt.getTime());
        if (starts.size < 3 || info?.state !== 'exited') throw new Error(`${starts.size} starts so far, container ${info?.state ?? 'missing'}`);
      },
      { timeoutMs: 20_000, intervalMs: 50, description: 'two restarts while NATS is down, then exited' },
    );
    expect(Date.now() - outageFrom).toBeGreaterThan(nodeTimeoutMs);
    await h.nats.resume();

    const view = await withStatus(allocId, 'failed', 30_000);
    expect(view.failure).toBe('exit code 3; restart attempts used up (2 within 10m)');
    const events = (await history(allocId)).slice(eventsBefore);
    expect(events.map((event) => event.type)).toEqual([
      'AllocationExited',
      'AllocationStartBegan',
      'AllocationStarted',
      'AllocationExited',
      'AllocationStartBegan',
      'AllocationStarted',
      'AllocationFailed',
    ]);
    expect(events.filter((event) => event.type === 'AllocationExited').map((event) => (event.data as ExitedData).attempt)).toEqual([1, 2]);
    await eventually(async () => (await runtime.inspect(containerNameOf(allocId))) === null, {
      timeoutMs: 15_000,
      description: 'the failed container removed once the agent reads the failure from the log',
    });
    expect((await plane.nodeHistory()).map((event) => event.type)).not.toContain('NodeLost');

    const after = await deploy('after-outage', crashOnSignal);
    await reportedRunning(after);
  }, 90_000);
});
