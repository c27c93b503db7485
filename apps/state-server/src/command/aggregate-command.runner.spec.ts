import 'reflect-metadata';
import { DeploymentSpec, Streams, platoEvents } from '@plato/contracts';
import { InMemoryEventStore, type ReadStreamOptions, type RecordedEvent } from '@plato/event-store';
import { AggregateCommandRunner } from './aggregate-command.runner.js';
import { allocationDecider } from './aggregate.decider.js';

const placement = {
  allocId: 'a1',
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 1,
  index: 0,
  spec: DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' }),
  basedOn: 7,
};
const stream = Streams.allocation('n1', 'a1');

class ReadCountingStore extends InMemoryEventStore {
  reads = 0;

  override readStream(name: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.reads += 1;
    return super.readStream(name, options);
  }
}

describe('AggregateCommandRunner with knownEmpty (in-memory log)', () => {
  let store: ReadCountingStore;
  let runner: AggregateCommandRunner;

  beforeEach(() => {
    store = new ReadCountingStore(platoEvents);
    runner = new AggregateCommandRunner(store);
  });

  it('appends to an empty stream without reading it first', async () => {
    const reply = await runner.execute(allocationDecider, { stream, command: { type: 'PlaceAllocation', placement }, commandId: 'plan-1', knownEmpty: true });
    expect(store.reads).toBe(0);
    expect(reply.events.map((event) => event.type)).toEqual(['AllocationPlaced']);
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['AllocationPlaced']);
  });

  it('decides on what the stream holds when it was not empty after all', async () => {
    await runner.execute(allocationDecider, { stream, command: { type: 'PlaceAllocation', placement }, commandId: 'plan-1' });
    const again = await runner.execute(allocationDecider, { stream, command: { type: 'PlaceAllocation', placement }, commandId: 'plan-2', knownEmpty: true });
    expect(again.events).toEqual([]);
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['AllocationPlaced']);
  });

  it('answers a retried command with the events it wrote the first time', async () => {
    const first = await runner.execute(allocationDecider, { stream, command: { type: 'PlaceAllocation', placement }, commandId: 'plan-1', knownEmpty: true });
    const retry = await runner.execute(allocationDecider, { stream, command: { type: 'PlaceAllocation', placement }, commandId: 'plan-1', knownEmpty: true });
    expect(retry.events).toEqual(first.events);
    expect(await store.readStream(stream)).toHaveLength(1);
  });
});
