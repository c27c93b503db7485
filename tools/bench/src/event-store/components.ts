import { performance } from 'node:perf_hooks';
import { benchCatalog, incremented, rawBody } from './workloads.js';

/** CPU cost of one step of the port's work per event, measured in-process without I/O. */
export interface ComponentCost {
  step: string;
  microsPerEvent: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function perOp(count: number, op: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(count, 10_000); i++) sink += op(i) ? 1 : 0; // warm-up
  const t0 = performance.now();
  for (let i = 0; i < count; i++) sink += op(i) ? 1 : 0;
  const micros = ((performance.now() - t0) * 1000) / count;
  if (sink < 0) throw new Error('unreachable');
  return Math.round(micros * 1000) / 1000;
}

async function* source(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
}

async function* relay(inner: AsyncIterable<number>): AsyncGenerator<number> {
  for await (const value of inner) yield value;
}

/** Per-yield cost of `depth` async generators stacked on one another, as readAll stacks them. */
async function generatorCost(count: number, depth: number): Promise<number> {
  let iterable: AsyncIterable<number> = source(count);
  for (let d = 1; d < depth; d++) iterable = relay(iterable);
  let sink = 0;
  const t0 = performance.now();
  for await (const value of iterable) sink += value;
  const micros = ((performance.now() - t0) * 1000) / count;
  if (sink < 0) throw new Error('unreachable');
  return Math.round(micros * 1000) / 1000;
}

/**
 * The steps an append and a replayed event cost in the client, one by one: the catalog's zod
 * validation, the body's JSON, the reply's JSON, and the async-generator hops between the consumer
 * and the caller's `for await`.
 */
export async function componentCosts(count: number): Promise<ComponentCost[]> {
  const stored = [{ type: 'Incremented', version: 1, data: { by: 1 } }];
  return [
    { step: 'append: catalog.validate (zod) of one event', microsPerEvent: perOp(count, () => benchCatalog.validate(incremented.type, incremented.data)) },
    { step: 'append: JSON.stringify + encode of the body', microsPerEvent: perOp(count, () => encoder.encode(JSON.stringify(stored))) },
    { step: 'replay: decode + JSON.parse of a body', microsPerEvent: perOp(count, () => JSON.parse(decoder.decode(rawBody))) },
    { step: 'replay: for await over one async generator', microsPerEvent: await generatorCost(count, 1) },
    { step: 'replay: same through 2 relaying generators (like readAll → read)', microsPerEvent: await generatorCost(count, 3) },
  ];
}
