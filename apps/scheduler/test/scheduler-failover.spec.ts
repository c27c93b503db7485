import { execFileSync } from 'node:child_process';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment, RegisterNode, ScaleDeployment, platoEvents } from '@plato/contracts';
import { ClusterProjection } from '@plato/domain';
import { JetStreamEventStore, type Subscription } from '@plato/event-store';
import { createLogger, request } from '@plato/messaging';
import { NatsServerProcess, ServiceProcess, appMain, eventually, newRunId, repoRoot } from '@plato/testing';
import { LeaderLease } from '../src/lease/leader.lease.js';
import { PlanningLoop } from '../src/planning/planning.loop.js';

const leaseMs = 1_500;
const logger = createLogger('scheduler-failover-test');

/** Leadership intervals of one scheduler from its log: [start, end) in wall-clock ms. */
function leadershipOf(service: ServiceProcess, endedAt: number): [number, number][] {
  const intervals: [number, number][] = [];
  let since: number | undefined;
  for (const line of service.lines) {
    if (line.msg === 'leading: planning') since = line.time;
    if (line.msg === 'not leading: following' && since !== undefined) {
      intervals.push([since, line.time]);
      since = undefined;
    }
  }
  if (since !== undefined) intervals.push([since, endedAt]);
  return intervals;
}

function leads(service: ServiceProcess): boolean {
  const transitions = service.lines.filter((l) => l.msg === 'leading: planning' || l.msg === 'not leading: following');
  return transitions.at(-1)?.msg === 'leading: planning';
}

describe('two scheduler processes against a real state-server', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let store: JetStreamEventStore;
  let subscription: Subscription;
  let stateServer: ServiceProcess | undefined;
  const schedulers: ServiceProcess[] = [];
  const projection = new ClusterProjection();
  const placedPerSlot = new Map<string, number>();
  let overReplicated = 0;
  const run = newRunId('sched');

  const liveOf = (version?: number, deployment = 'web') =>
    projection
      .allocationList({ namespace: 'default', deployment })
      .filter((a) => a.desired === 'run' && (version === undefined || a.version === version));

  beforeAll(async () => {
    execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', '@plato/scheduler', '@plato/state-server', '--output-style=static'], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    store = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
    subscription = await store.subscribeToAll((event) => {
      projection.apply(event);
      if (event.type === 'AllocationPlaced') {
        const data = event.data as { deployment: string; version: number; index: number };
        const slot = `${data.deployment}/${data.version}/${data.index}`;
        placedPerSlot.set(slot, (placedPerSlot.get(slot) ?? 0) + 1);
      }
      for (const deployment of ['web', 'api']) {
        const replicas = projection.deployments.get('default', deployment)?.spec.replicas ?? 0;
        if (liveOf(undefined, deployment).length > replicas) overReplicated += 1;
      }
    });
    stateServer = ServiceProcess.start('state-server', appMain('state-server'), {
      PLATO_NATS_URL: nats.url,
      PLATO_NODE_TIMEOUT_MS: '600000',
    });
    await eventually(() => stateServer!.output().includes('state-server ready'), { timeoutMs: 20_000, description: 'the state-server to be ready' });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await stateServer?.stop();
    await subscription?.close();
    await store?.close();
    await nc?.close();
    await nats?.stop();
  });

  /** Runs a test body; a failure carries every service's log, since the processes are gone after it. */
  const withLogs = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      const logs = [stateServer, ...schedulers].map((s) => `--- ${s?.name}\n${s?.output() ?? ''}`).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`, { cause: error });
    }
  };

  it('places with exactly one leader, fails over after a SIGKILL, and never places a slot twice', withLogs(async () => {
    for (const name of ['a', 'b']) {
      schedulers.push(
        ServiceProcess.start(`sched-${name}`, appMain('scheduler'), {
          PLATO_NATS_URL: nats.url,
          PLATO_SCHEDULER_NAME: `${run}-${name}`,
          PLATO_SCHEDULER_LEASE_MS: String(leaseMs),
        }),
      );
    }
    await eventually(() => schedulers.every((s) => s.output().includes('scheduler ready')), { timeoutMs: 20_000, description: 'both schedulers to start' });

    await request(nc, RegisterNode, {
      commandId: `${run}-register`,
      nodeId: 'node-1',
      hostname: 'node-1',
      capacity: { cpu: 4_000, memory: 8_192 },
      runtimes: ['docker'],
    });
    await request(nc, ApplyDeployment, {
      commandId: `${run}-apply`,
      spec: { name: 'web', image: 'plato/busybox:latest', replicas: 3, resources: { cpu: 100, memory: 64 } },
    });
    await eventually(() => liveOf(1).length === 3, { timeoutMs: 10_000, description: '3 allocations placed' });

    const leaders = schedulers.filter(leads);
    expect(leaders).toHaveLength(1);
    const leader = leaders[0]!;
    const follower = schedulers.find((s) => s !== leader)!;
    expect(follower.lines.some((l) => l.msg === 'plan applied')).toBe(false);

    await leader.kill();
    const killedAt = Date.now();
    const tookOver = await eventually(
      () => {
        const line = follower.lines.find((l) => l.msg === 'leading: planning');
        if (!line) throw new Error('the follower has not taken over');
        return line.time;
      },
      { timeoutMs: 4 * leaseMs, description: 'the follower to take over' },
    );
    const takeoverMs = tookOver - killedAt;
    logger.warn({ leaseMs, takeoverMs }, 'scheduler takeover after SIGKILL of the leader');
    expect(takeoverMs).toBeLessThan(leaseMs + 1_000);

    await request(nc, ScaleDeployment, { commandId: `${run}-scale`, name: 'web', replicas: 5 });
    await eventually(() => liveOf(1).length === 5, { timeoutMs: 10_000, description: '5 allocations placed by the new leader' });
    await eventually(() => follower.lines.some((l) => l.msg === 'plan applied'), { description: 'the new leader to report its plan' });

    const slots = liveOf(1).map((a) => a.index).sort();
    expect(slots).toEqual([0, 1, 2, 3, 4]);
    const webSlots = [...placedPerSlot].filter(([slot]) => slot.startsWith('web/'));
    expect(webSlots.every(([, count]) => count === 1)).toBe(true);
    expect(webSlots).toHaveLength(5);
    expect(overReplicated).toBe(0);

    const [a, b] = [leadershipOf(leader, killedAt), leadershipOf(follower, Date.now())];
    for (const [start, end] of a) for (const [start2, end2] of b) expect(start < end2 && start2 < end).toBe(false);

    expect(await follower.stop()).toEqual({ code: 0, signal: null });
    const { kv } = await LeaderLease.openBucket(nc, leaseMs);
    const entry = await kv.get('scheduler');
    expect(entry === null || entry.operation !== 'PUT').toBe(true);
  }));

  it('places every slot once when two planners both believe they lead: the state-server refuses the stale plan and its planner plans again', withLogs(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    const loops = await Promise.all(
      ['x', 'y'].map(async (name) => {
        const own = await connect({ servers: nats.url });
        const ownStore = await JetStreamEventStore.connect(own, { catalog: platoEvents });
        const loop = new PlanningLoop({ nc: own, eventStore: ownStore, leadership: { isLeader: () => true }, instance: name, debounceMs: 0, tickMs: 200, logger });
        await loop.start();
        return { loop, own, ownStore };
      }),
    );
    try {
      await request(nc, ApplyDeployment, {
        commandId: `${run}-apply-api`,
        spec: { name: 'api', image: 'plato/busybox:latest', replicas: 4, resources: { cpu: 100, memory: 64 } },
      });
      await eventually(() => liveOf(1, 'api').length === 4, { timeoutMs: 10_000, description: '4 api allocations placed' });
      await request(nc, ScaleDeployment, { commandId: `${run}-scale-api`, name: 'api', replicas: 6 });
      await eventually(() => liveOf(1, 'api').length === 6, { timeoutMs: 10_000, description: '6 api allocations placed' });

      const stats = loops.map(({ loop }) => loop.stats);
      logger.warn({ stats }, 'two planners racing');
      const apiSlots = [...placedPerSlot].filter(([slot]) => slot.startsWith('api/'));
      expect(apiSlots).toHaveLength(6);
      expect(apiSlots.every(([, count]) => count === 1)).toBe(true);
      expect(stats[0]!.placed + stats[1]!.placed).toBe(6);
      expect(overReplicated).toBe(0);
    } finally {
      for (const { loop, own, ownStore } of loops) {
        await loop.stop();
        await ownStore.close();
        await own.close();
      }
    }
  }));
});
