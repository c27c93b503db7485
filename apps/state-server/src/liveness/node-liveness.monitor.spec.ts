import 'reflect-metadata';
import { DeploymentSpec, Streams, platoEvents } from '@plato/contracts';
import { InMemoryEventStore } from '@plato/event-store';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';
import { Clock } from '../clock/clock.port.js';
import { AggregateCommandRunner } from '../command/aggregate-command.runner.js';
import { StateServerConfig } from '../config/state-server.config.js';
import { NodeLivenessMonitor } from './node-liveness.monitor.js';

class ManualClock extends Clock {
  constructor(private time: number) {
    super();
  }

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

const spec = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' });

describe('NodeLivenessMonitor driven by a manual clock (in-memory log)', () => {
  let store: InMemoryEventStore;
  let readModel: ClusterReadModel;
  let monitor: NodeLivenessMonitor;
  let clock: ManualClock;

  const types = async (stream: string) => (await store.readStream(stream)).map((event) => event.type);

  beforeEach(async () => {
    store = new InMemoryEventStore(platoEvents);
    clock = new ManualClock(1_000_000);
    for (const nodeId of ['n1', 'n2']) {
      await store.append(Streams.node(nodeId), [{ type: 'NodeRegistered', data: { nodeId, hostname: nodeId, capacity: { cpu: 1000, memory: 1024 }, labels: {}, runtimes: ['docker'] } }]);
    }
    await store.append(Streams.allocation('n2', 'a1'), [
      { type: 'AllocationPlaced', data: { allocId: 'a1', nodeId: 'n2', namespace: 'default', deployment: 'web', version: 1, index: 0, spec, basedOn: 1 } },
    ]);
    readModel = new ClusterReadModel(store);
    await readModel.onModuleInit();
    monitor = new NodeLivenessMonitor(new AggregateCommandRunner(store), readModel, clock, new StateServerConfig(3_000));
    monitor.onApplicationBootstrap();
  });

  afterEach(async () => {
    await monitor.onModuleDestroy();
    await readModel.onApplicationShutdown();
    await store.close();
  });

  it.each<[string, () => Promise<void>]>([
    ['from its start', async () => undefined],
    [
      'once its own connection is back, marking nothing while it is down',
      async () => {
        monitor.listeningStopped();
        clock.advance(10_000);
        await monitor.tick();
        expect([await types('node.n1'), await types('node.n2')]).toEqual([['NodeRegistered'], ['NodeRegistered']]);
        monitor.listeningResumed();
      },
    ],
  ])('gives every node a full timeout of grace %s, then marks the silent one and its allocations lost', async (_when, before) => {
    await before();
    const graceFrom = clock.now();
    clock.advance(2_000);
    monitor.seen('n1');
    clock.advance(1_000);
    await monitor.tick();
    expect(await types('node.n2')).toEqual(['NodeRegistered']);

    clock.advance(1);
    await monitor.tick();
    expect(await types('node.n1')).toEqual(['NodeRegistered']);
    expect(await types('node.n2')).toEqual(['NodeRegistered', 'NodeLost']);
    expect((await store.readStream('node.n2')).at(-1)?.data).toEqual({ lastSeen: new Date(graceFrom).toISOString(), timeoutMs: 3_000 });
    expect(await types('alloc.n2.a1')).toEqual(['AllocationPlaced', 'AllocationLost']);

    await monitor.tick();
    expect(await types('node.n2')).toEqual(['NodeRegistered', 'NodeLost']);
  });

  it('marks a lost node alive when it is heard from again', async () => {
    clock.advance(3_001);
    await monitor.tick();
    expect(await types('node.n1')).toEqual(['NodeRegistered', 'NodeLost']);
    await readModel.caughtUp();
    monitor.seen('n1');
    await monitor.onModuleDestroy();
    expect(await types('node.n1')).toEqual(['NodeRegistered', 'NodeLost', 'NodeRecovered']);
  });
});
