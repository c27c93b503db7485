import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView, RolloutView } from '@plato/contracts';
import { newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines, servingOverTime } from './plato-cluster.harness.js';

interface HistoryEntry {
  position: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Rollouts on real parts (`plato up`, one node, real Docker): batches gated on an http check and
 * `min_healthy_time`, a version whose check fails reverted automatically without ever dropping
 * below `replicas - max_parallel` serving, and canaries that wait for `plato rollout promote`,
 * then `plato rollout undo`. What serves when is replayed from the log itself.
 */
describe('rollout: batches gated on health, auto-revert, canaries, promote and undo', () => {
  const run = newRunId('roll');
  const nodeX = `${run}-x`;
  let cluster: PlatoCluster;

  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const allocs = async (name: string) => (await json<{ items: AllocationView[] }>('get', 'allocs', name, '--all')).items;
  const live = async (name: string) => (await allocs(name)).filter((a) => a.desired === 'run');
  const rollout = (name: string) => json<RolloutView | null>('rollout', 'status', name);
  const deploymentEvents = async (name: string) => (await json<{ events: HistoryEntry[] }>('history', 'deployment', name)).events;
  const write = async (name: string, lines: string[]) => {
    const file = join(cluster.stateDir, `${name}.yaml`);
    await writeFile(file, httpdSpecLines(name, lines).join('\n'));
    return file;
  };
  const web = (name: string, replicas: number, greeting: string, update: string, path = '/') =>
    write(name, [
      `env: { GREETING: ${greeting} }`,
      `replicas: ${replicas}`,
      'resources: { cpu: 50, memory: 16 }',
      'ports: [{ name: http, container: 8080 }]',
      `health: { type: http, port: http, path: ${path}, interval: 500ms, grace: 0s, failures: 2 }`,
      `update: ${update}`,
    ]);
  const healthy = (name: string, version: number, count: number) => async () => {
    const items = (await live(name)).filter((a) => a.version === version && a.health?.status === 'healthy');
    expect(items).toHaveLength(count);
    return items;
  };

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-roll');
    await cluster.start(nodeX);
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeX]);
  }, 60_000);

  it('replaces four healthy replicas two at a time, each batch once the one before served min_healthy_time, and completes', async () => {
    const update = '{ max_parallel: 2, min_healthy_time: 1s, healthy_deadline: 20s }';
    const spec = await web('web', 4, 'one', update);
    expect((await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30')).code).toBe(0);
    await cluster.waitFor('four healthy v1 replicas', healthy('web', 1, 4), 20_000);
    expect((await cluster.plato('rollout', 'status', 'web', '--wait', '--timeout', '30')).code).toBe(0);

    const v2 = await web('web', 4, 'two', update);
    const applied = await cluster.plato('apply', '-f', v2, '--wait', '--timeout', '60');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const status = await cluster.plato('rollout', 'status', 'web', '--wait', '--timeout', '30');
    expect(status.code).toBe(0);
    expect((await rollout('web'))!).toMatchObject({ version: 2, from: 1, status: 'completed', placed: 4, healthy: 4, old: 0 });
    const described = await cluster.plato('rollout', 'status', 'web');
    expect(described.stdout).toMatch(/^Rollout: +version 2 from version 1: completed since /m);

    const since = (await deploymentEvents('web')).find((e) => e.type === 'DeploymentSpecApplied' && e.data['version'] === 2)!.position;
    const serving = await servingOverTime(cluster, 'web', since);
    expect(serving.atStart).toBe(4);
    expect(serving.least).toBe(2);
    expect(serving.atEnd).toBe(4);
    expect((await deploymentEvents('web')).map((e) => e.type).filter((type) => type.startsWith('Rollout'))).toEqual([
      'RolloutStarted',
      'RolloutCompleted',
      'RolloutStarted',
      'RolloutCompleted',
    ]);
    expect((await cluster.plato('delete', 'web', '--wait')).code).toBe(0);
  }, 120_000);

  it('reverts a version whose check fails by itself: 6 replicas, max_parallel 2, never fewer than 4 serving, the untouched replicas kept as they run', async () => {
    const spec = await web('shop', 6, 'one', '{ max_parallel: 2, min_healthy_time: 1s, healthy_deadline: 60s }');
    expect((await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30')).code).toBe(0);
    expect((await cluster.plato('rollout', 'status', 'shop', '--wait', '--timeout', '30')).code).toBe(0);
    const v1 = await cluster.waitFor('six healthy v1 replicas', healthy('shop', 1, 6), 20_000);

    const broken = await web('shop', 6, 'two', '{ max_parallel: 2, min_healthy_time: 1s, healthy_deadline: 5s, progress_deadline: 10s }', '/missing.html');
    const applied = await cluster.plato('apply', '-f', broken, '--wait', '--timeout', '60');
    expect(applied.code).toBe(4);
    expect(applied.stderr).toMatch(
      /^error CONFLICT: the rollout of version 2 of default\/shop failed: allocation \S+ \(slot [01] on node \S+\) not healthy within the healthy deadline of 5s \(it is [^)]+\); version 3 brings back version 1\n$/,
    );
    expect((await cluster.plato('rollout', 'status', 'shop', '--wait', '--timeout', '30')).code).toBe(0);
    const back = await cluster.waitFor('six healthy replicas of the spec of version 1', async () => {
      const items = (await live('shop')).filter((a) => a.health?.status === 'healthy');
      expect(items).toHaveLength(6);
      return items;
    });
    const untouched = v1.filter((a) => a.index >= 2).map((a) => a.allocId).sort();
    expect(back.filter((a) => a.version === 1).map((a) => a.allocId).sort()).toEqual(untouched);
    expect(back.filter((a) => a.version === 3).map((a) => a.index).sort()).toEqual([0, 1]);
    expect((await allocs('shop')).filter((a) => a.version === 2).map((a) => a.desired)).toEqual(['stop', 'stop']);

    const events = await deploymentEvents('shop');
    const failed = events.find((e) => e.type === 'RolloutFailed')!;
    expect(failed.data).toMatchObject({ version: 2, revertTo: 1 });
    expect(events.slice(events.indexOf(failed)).map((e) => e.type)).toEqual(['RolloutFailed', 'DeploymentSpecApplied', 'RolloutStarted', 'RolloutCompleted']);
    expect(events.find((e) => e.type === 'DeploymentSpecApplied' && e.data['version'] === 3)!.data['revertOf']).toBe(1);

    const since = events.find((e) => e.type === 'DeploymentSpecApplied' && e.data['version'] === 2)!.position;
    const serving = await servingOverTime(cluster, 'shop', since);
    expect(serving.atStart).toBe(6);
    expect(serving.least).toBe(4);
    expect(serving.atEnd).toBe(6);
    expect((await cluster.plato('delete', 'shop', '--wait')).code).toBe(0);
  }, 150_000);

  it('places one canary beside the old replicas and waits for promote; promote rolls the rest; undo brings the previous version back', async () => {
    const update = '{ max_parallel: 2, min_healthy_time: 1s, healthy_deadline: 20s, canary: 1 }';
    expect((await cluster.plato('apply', '-f', await web('can', 4, 'one', update), '--wait', '--timeout', '30')).code).toBe(0);
    expect((await cluster.plato('rollout', 'status', 'can', '--wait', '--timeout', '30')).code).toBe(0);
    const v1 = await cluster.waitFor('four healthy v1 replicas', healthy('can', 1, 4), 20_000);

    expect((await cluster.plato('apply', '-f', await web('can', 4, 'two', update))).code).toBe(0);
    await cluster.waitFor('the canary proven healthy, awaiting promotion', async () => {
      expect(await rollout('can')).toMatchObject({ version: 2, status: 'awaiting-promotion', placed: 1, healthy: 1, old: 4 });
    }, 20_000);
    const beside = await live('can');
    expect(beside.filter((a) => a.version === 1).map((a) => a.allocId).sort()).toEqual(v1.map((a) => a.allocId).sort());
    const [canary] = beside.filter((a) => a.version === 2);
    expect(canary).toMatchObject({ index: 0, status: 'running' });
    const waiting = await cluster.plato('rollout', 'status', 'can');
    expect(waiting.stdout).toContain("Waiting for: 1 of 1 canaries healthy; promote with 'plato rollout promote' once they serve");

    const promoted = await cluster.plato('promote', 'can');
    expect(promoted.stdout).toMatch(/^deployment default\/can: RolloutPromoted at position \d+\n$/);
    expect((await cluster.plato('rollout', 'status', 'can', '--wait', '--timeout', '40')).code).toBe(0);
    const v2 = await cluster.waitFor('four healthy v2 replicas', healthy('can', 2, 4), 20_000);
    expect(v2.map((a) => a.allocId)).toContain(canary!.allocId);
    expect(await live('can')).toHaveLength(4);

    const undone = await cluster.plato('rollout', 'undo', 'can');
    expect(undone.stdout).toMatch(/^deployment default\/can: DeploymentSpecApplied at position \d+, RolloutStarted at position \d+\n$/);
    expect((await cluster.plato('rollout', 'status', 'can', '--wait', '--timeout', '40')).code).toBe(0);
    await cluster.waitFor('four healthy v3 replicas', healthy('can', 3, 4), 20_000);
    const described = await json<{ deployment: { version: number; spec: { env: Record<string, string> } }; rollout: RolloutView }>('describe', 'deployment', 'can');
    expect(described.deployment).toMatchObject({ version: 3, spec: { env: { GREETING: 'one' } } });
    expect(described.rollout).toMatchObject({ version: 3, from: 2, revertOf: 1, status: 'completed' });
    expect((await cluster.plato('delete', 'can', '--wait')).code).toBe(0);
    await cluster.waitFor('no container left', async () => expect(await cluster.containersOf(nodeX)).toEqual([]));
  }, 150_000);
});
