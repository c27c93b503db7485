import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView } from '@plato/contracts';
import { newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines } from './plato-cluster.harness.js';

interface HistoryEntry {
  position: number;
  type: string;
}

/**
 * A rolling update on real parts (`plato up`, one node): four replicas with an http check and
 * `update: { max_parallel: 2 }`. A new version replaces them two at a time, the second batch only
 * once the first serves; a version whose check fails stops after its first batch, the other two
 * replicas of the version before still serving.
 */
describe('rollout: a new version replaces max_parallel replicas at a time, each batch once the one before serves', () => {
  const run = newRunId('roll');
  const nodeX = `${run}-x`;
  let cluster: PlatoCluster;
  let spec: string;

  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const allocs = async () => (await json<{ items: AllocationView[] }>('get', 'allocs', 'web', '--all')).items;
  const eventsOf = async (a: AllocationView) => (await json<{ events: HistoryEntry[] }>('history', 'alloc', `${a.nodeId}/${a.allocId}`)).events;
  const write = (greeting: string, path = '/') =>
    writeFile(
      spec,
      httpdSpecLines('web', [
        `env: { GREETING: ${greeting} }`,
        'replicas: 4',
        'resources: { cpu: 100, memory: 32 }',
        'ports: [{ name: http, container: 8080 }]',
        `health: { type: http, port: http, path: ${path}, interval: 500ms, grace: 0s, failures: 2 }`,
        'update: { max_parallel: 2 }',
      ]).join('\n'),
    );
  const healthy = (version: number) => async () => {
    const items = (await allocs()).filter((a) => a.desired === 'run' && a.version === version && a.health?.status === 'healthy');
    expect(items).toHaveLength(4);
    return items;
  };

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-roll');
    await cluster.start(nodeX);
    spec = join(cluster.stateDir, 'web.yaml');
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeX]);
  }, 60_000);

  it('replaces four healthy replicas two at a time: the log never shows fewer than two serving', async () => {
    await write('one');
    expect((await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30')).code).toBe(0);
    const v1 = await cluster.waitFor('four healthy v1 replicas', healthy(1), 20_000);
    await write('two');
    expect((await cluster.plato('apply', '-f', spec)).code).toBe(0);
    const v2 = await cluster.waitFor('four healthy v2 replicas', healthy(2), 40_000);

    const changes: { position: number; delta: number }[] = [];
    for (const a of v1) changes.push({ position: (await eventsOf(a)).find((e) => e.type === 'AllocationStopRequested')!.position, delta: -1 });
    for (const a of v2) changes.push({ position: (await eventsOf(a)).find((e) => e.type === 'AllocationHealthy')!.position, delta: +1 });
    let serving = 4;
    const counts: number[] = [];
    for (const change of changes.sort((x, y) => x.position - y.position || x.delta - y.delta)) {
      serving += change.delta;
      counts.push(serving);
    }
    expect(Math.min(...counts)).toBe(2);
    expect(counts.at(-1)).toBe(4);
    const firstStops = changes.filter((c) => c.delta < 0).map((c) => c.position);
    const firstHealthy = Math.min(...changes.filter((c) => c.delta > 0).map((c) => c.position));
    expect(firstStops.filter((position) => position < firstHealthy)).toHaveLength(2);
  }, 90_000);

  it('stops after the first batch of a version whose check fails, the other two replicas still serving', async () => {
    await write('three', '/missing.html');
    expect((await cluster.plato('apply', '-f', spec)).code).toBe(0);
    await cluster.waitFor(
      'both v3 replicas of the first batch unhealthy',
      async () => {
        const v3 = (await allocs()).filter((a) => a.version === 3 && a.desired === 'run');
        expect(v3).toHaveLength(2);
        for (const a of v3) expect((await eventsOf(a)).some((e) => e.type === 'AllocationUnhealthy')).toBe(true);
      },
      30_000,
    );
    const items = await allocs();
    const serving = items.filter((a) => a.desired === 'run' && a.version === 2 && a.health?.status === 'healthy');
    expect(serving).toHaveLength(2);
    expect(items.filter((a) => a.desired === 'run' && a.version === 3)).toHaveLength(2);

    expect((await cluster.plato('delete', 'web', '--wait')).code).toBe(0);
    await cluster.waitFor('no container left', async () => expect(await cluster.containersOf(nodeX)).toEqual([]));
  }, 90_000);
});
