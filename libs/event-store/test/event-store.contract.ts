import { ContractViolation, EventCatalog, defineEvent } from '@plato/contracts';
import { eventually } from '@plato/testing';
import { z } from 'zod';
import { WrongExpectedRevision, type EventStore, type RecordedEvent } from '../src/index.js';

/** Events of the contract suite's own little domain (a counter), declared like Plato's. */
export const Incremented = defineEvent('Incremented', 1, z.strictObject({ by: z.int().min(1) }));
export const Noted = defineEvent('Noted', 2, z.strictObject({ text: z.string().min(1) }));
export const testCatalog = new EventCatalog([Incremented, Noted]);

/** A store under test and how to end it. */
export interface StoreUnderTest {
  store: EventStore;
  /** A stream-name prefix unique to this test, so tests sharing a server do not meet. */
  prefix: string;
  dispose(): Promise<void>;
}

const inc = (by = 1) => ({ type: 'Incremented', data: { by } });

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec file calls this with a
 * factory giving a fresh store (on a real nats-server for JetStream).
 */
export function eventStoreContract(adapter: string, open: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let sut: StoreUnderTest;
    let store: EventStore;
    let s: (name: string) => string;

    beforeEach(async () => {
      sut = await open();
      store = sut.store;
      s = (name) => `${sut.prefix}.${name}`;
    });
    afterEach(async () => {
      await sut.dispose();
    });

    it('appends to a new stream and reads it back with type, version, data, metadata and position', async () => {
      const result = await store.append(s('c1'), [{ ...inc(2), metadata: { actor: 'alice' } }], { expectedRevision: 'no_stream' });
      expect(result.duplicate).toBe(false);
      expect(result.nextExpectedRevision).toBe(result.position);
      const events = await store.readStream(s('c1'));
      expect(events).toEqual([
        expect.objectContaining({ stream: s('c1'), type: 'Incremented', version: 1, data: { by: 2 }, metadata: { actor: 'alice' }, position: result.position, index: 0 }),
      ]);
      expect(events[0]!.created).toBeInstanceOf(Date);
      expect(await store.streamRevision(s('c1'))).toBe(result.position);
    });

    it('reads an unknown stream as empty with revision 0', async () => {
      expect(await store.readStream(s('nothing'))).toEqual([]);
      expect(await store.streamRevision(s('nothing'))).toBe(0);
    });

    it('chains exact expected revisions and reads a stream from a revision', async () => {
      const first = await store.append(s('c2'), [inc(1)], { expectedRevision: 'no_stream' });
      await store.append(s('other'), [inc(5)]);
      const second = await store.append(s('c2'), [inc(2)], { expectedRevision: first.nextExpectedRevision });
      const third = await store.append(s('c2'), [inc(3)], { expectedRevision: 'stream_exists' });
      expect(second.position).toBeGreaterThan(first.position);
      expect(third.position).toBeGreaterThan(second.position);
      expect((await store.readStream(s('c2'))).map((e) => (e.data as { by: number }).by)).toEqual([1, 2, 3]);
      expect((await store.readStream(s('c2'), { fromRevision: first.position })).map((e) => e.position)).toEqual([second.position, third.position]);
      expect((await store.readStream(s('c2'), { maxCount: 2 })).length).toBe(2);
    });

    it('reads a long stream of multi-event appends whole, from any revision and up to any count', async () => {
      const positions: number[] = [];
      for (let i = 1; i <= 20; i++) {
        positions.push((await store.append(s('long'), [inc(i), { type: 'Noted', data: { text: `n${i}` } }])).position);
        await store.append(s('long-neighbour'), [inc(i)]);
      }
      const all = await store.readStream(s('long'));
      expect(all.map((e) => e.position)).toEqual(positions.flatMap((p) => [p, p]));
      expect(all.map((e) => e.index)).toEqual(positions.flatMap(() => [0, 1]));
      expect(all.filter((e) => e.type === 'Incremented').map((e) => (e.data as { by: number }).by)).toEqual(positions.map((_, i) => i + 1));
      for (const from of [0, 3, 7, 8, 9, 15, 19, 20]) {
        const read = await store.readStream(s('long'), { fromRevision: from === 0 ? 0 : positions[from - 1]! });
        expect(read.map((e) => e.position)).toEqual(positions.slice(from).flatMap((p) => [p, p]));
      }
      for (const maxCount of [1, 2, 15, 16, 17, 33, 40, 41]) {
        expect(await store.readStream(s('long'), { maxCount })).toEqual(all.slice(0, maxCount));
      }
      expect(await store.readStream(s('long'), { fromRevision: positions[10]!, maxCount: 5 })).toEqual(all.slice(22, 27));
    });

    it('refuses a stale expected revision, naming the stream, the expected and the actual revision, and writes nothing', async () => {
      const first = await store.append(s('c3'), [inc()], { expectedRevision: 'no_stream' });
      const second = await store.append(s('c3'), [inc()], { expectedRevision: first.position });
      const before = await store.lastPosition();
      const error = await store.append(s('c3'), [inc(9)], { expectedRevision: first.position }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream: s('c3'), expected: first.position, actual: second.position, code: 'WRONG_EXPECTED_REVISION' });
      expect((error as Error).message).toContain(s('c3'));
      expect(await store.lastPosition()).toBe(before);
      expect((await store.readStream(s('c3'))).length).toBe(2);
    });

    it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
      const first = await store.append(s('c4'), [inc()]);
      await expect(store.append(s('c4'), [inc()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        expected: 'no_stream',
        actual: first.position,
      });
      await expect(store.append(s('c5'), [inc()], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
        expected: 'stream_exists',
        actual: 'no_stream',
      });
      expect(await store.streamRevision(s('c5'))).toBe(0);
    });

    it('writes an append retried with the same message id once and returns the first position', async () => {
      const first = await store.append(s('c6'), [inc()], { expectedRevision: 'no_stream', messageId: `${sut.prefix}-cmd-1` });
      const retry = await store.append(s('c6'), [inc()], { expectedRevision: 'no_stream', messageId: `${sut.prefix}-cmd-1` });
      expect(retry).toEqual({ ...first, duplicate: true });
      expect((await store.readStream(s('c6'))).length).toBe(1);
    });

    it('answers a retry as a duplicate, not a conflict, even after the stream moved on', async () => {
      const first = await store.append(s('c9'), [inc()], { expectedRevision: 'no_stream', messageId: `${sut.prefix}-cmd-9` });
      await store.append(s('c9'), [inc()], { expectedRevision: first.position });
      const retry = await store.append(s('c9'), [inc()], { expectedRevision: 'no_stream', messageId: `${sut.prefix}-cmd-9` });
      expect(retry).toEqual({ ...first, duplicate: true });
      expect((await store.readStream(s('c9'))).length).toBe(2);
    });

    it('lets exactly one of 50 concurrent appends expecting the same revision succeed', async () => {
      const base = await store.append(s('race'), [inc()], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.append(s('race'), [inc(i + 1)], { expectedRevision: base.position })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won.length).toBe(1);
      expect(lost.length).toBe(49);
      for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
      expect((await store.readStream(s('race'))).length).toBe(2);
    });

    it('refuses an event that fails its schema, or has an undeclared type, before anything reaches the log', async () => {
      const before = await store.lastPosition();
      const bad = await store.append(s('c7'), [{ type: 'Incremented', data: { by: 0 } }]).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ContractViolation);
      expect((bad as ContractViolation).issues).toEqual([expect.objectContaining({ path: 'by' })]);
      const unknown = await store.append(s('c7'), [{ type: 'Exploded', data: {} }]).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(ContractViolation);
      expect((unknown as Error).message).toContain("unknown event type 'Exploded'");
      const badName = await store.append('bad stream!', [inc()]).catch((e: unknown) => e);
      expect(badName).toBeInstanceOf(ContractViolation);
      expect(await store.lastPosition()).toBe(before);
    });

    it('writes the events of one append all together, at one position, or none of them', async () => {
      const result = await store.append(s('c8'), [inc(1), { type: 'Noted', data: { text: 'hi' } }, inc(3)]);
      const events = await store.readStream(s('c8'));
      expect(events.map((e) => [e.type, e.version, e.position, e.index])).toEqual([
        ['Incremented', 1, result.position, 0],
        ['Noted', 2, result.position, 1],
        ['Incremented', 1, result.position, 2],
      ]);
      const before = await store.lastPosition();
      const error = await store.append(s('c8'), [inc(1), { type: 'Noted', data: { text: '' } }]).catch((e: unknown) => e);
      expect((error as ContractViolation).issues).toEqual([expect.objectContaining({ path: 'events[1].text' })]);
      expect(await store.lastPosition()).toBe(before);
    });

    it('reads all from a position, filtered by stream prefix and event type, up to a count', async () => {
      const a = await store.append(s('a.1'), [inc(1)]);
      await store.append(s('b.1'), [inc(2)]);
      await store.append(s('a.2'), [{ type: 'Noted', data: { text: 'x' } }]);
      await store.append(s('a'), [inc(4)]);
      const all: RecordedEvent[] = [];
      for await (const e of store.readAll({ fromPosition: a.position })) all.push(e);
      expect(all.map((e) => e.stream)).toEqual([s('a.1'), s('b.1'), s('a.2'), s('a')]);
      const underA: string[] = [];
      for await (const e of store.readAll({ fromPosition: a.position, filter: { streamPrefixes: [s('a')] } })) underA.push(e.stream);
      expect(underA).toEqual([s('a.1'), s('a.2')]);
      const aAndUnder: string[] = [];
      for await (const e of store.readAll({ fromPosition: a.position, filter: { streams: [s('a')], streamPrefixes: [s('a')] } })) {
        aAndUnder.push(e.stream);
      }
      expect(aAndUnder).toEqual([s('a.1'), s('a.2'), s('a')]);
      const typed: string[] = [];
      for await (const e of store.readAll({ fromPosition: a.position, filter: { eventTypes: ['Noted'] } })) typed.push(e.stream);
      expect(typed).toEqual([s('a.2')]);
      const two: number[] = [];
      for await (const e of store.readAll({ fromPosition: a.position, maxCount: 2 })) two.push(e.position);
      expect(two.length).toBe(2);
      const none: RecordedEvent[] = [];
      for await (const e of store.readAll({ fromPosition: a.position, filter: { streamPrefixes: [s('zzz')] } })) none.push(e);
      expect(none).toEqual([]);
    });

    it('subscribes to all: catches up from a position, then delivers live events in order', async () => {
      const first = await store.append(s('sub.1'), [inc(1)]);
      const second = await store.append(s('sub.2'), [inc(2)]);
      const seen: number[] = [];
      const sub = await store.subscribeToAll(
        (e) => {
          seen.push(e.position);
        },
        { fromPosition: first.position, filter: { streamPrefixes: [s('sub')] } },
      );
      const third = await store.append(s('sub.1'), [inc(3)]);
      await sub.caughtUp(third.position);
      expect(seen).toEqual([second.position, third.position]);
      await sub.close();
      await sub.closed;
    });

    it("subscribes from 'end' to live events only, and knows it caught up past filtered-out appends", async () => {
      await store.append(s('end.1'), [inc(1)]);
      const seen: string[] = [];
      const sub = await store.subscribeToAll((e) => void seen.push(e.stream), { fromPosition: 'end', filter: { streamPrefixes: [s('end')] } });
      await store.append(s('end.2'), [inc(2)]);
      const other = await store.append(s('elsewhere'), [inc(3)]);
      await sub.caughtUp(other.position);
      expect(seen).toEqual([s('end.2')]);
      await sub.close();
    });

    it('knows a filtered catch-up subscription caught up when the log ends with appends the filter skips', async () => {
      const mine = await store.append(s('mine.1'), [inc(1)]);
      await store.append(s('theirs.1'), [inc(2)]);
      const last = await store.append(s('theirs.2'), [inc(3)]);
      const seen: number[] = [];
      const sub = await store.subscribeToAll((e) => void seen.push(e.position), { fromPosition: 'start', filter: { streamPrefixes: [s('mine')] } });
      await sub.caughtUp(last.position);
      expect(seen).toEqual([mine.position]);
      const next = await store.append(s('mine.2'), [inc(4)]);
      await sub.caughtUp(next.position);
      expect(seen).toEqual([mine.position, next.position]);
      await sub.close();
    });

    it('ends a subscription whose handler throws, with the error', async () => {
      await store.append(s('boom'), [inc(1)]);
      const sub = await store.subscribeToAll(
        () => {
          throw new Error('handler failed');
        },
        { filter: { streams: [s('boom')] } },
      );
      await expect(sub.closed).rejects.toThrow('handler failed');
    });

    it('resumes a durable subscription after the last event its handler finished', async () => {
      const name = `${sut.prefix.replace(/\./g, '_')}_durable`;
      const filter = { streamPrefixes: [s('dur')] };
      await store.append(s('dur.1'), [inc(1)]);
      const two = await store.append(s('dur.1'), [inc(2)]);
      const firstRun: number[] = [];
      const sub1 = await store.subscribeDurable(name, (e) => void firstRun.push((e.data as { by: number }).by), { filter });
      await sub1.caughtUp(two.position);
      await sub1.close();
      expect(firstRun).toEqual([1, 2]);
      const three = await store.append(s('dur.1'), [inc(3)]);
      const secondRun: number[] = [];
      const sub2 = await store.subscribeDurable(name, (e) => void secondRun.push((e.data as { by: number }).by), { filter });
      await sub2.caughtUp(three.position);
      await eventually(() => expect(secondRun).toEqual([3]));
      await sub2.close();
    });
  });
}
