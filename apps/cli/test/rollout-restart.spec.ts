import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView, RolloutView } from '@plato/contracts';
import { newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines } from './plato-cluster.harness.js';

/**
 * A rollout is in the log, not in a process: on real parts (nats-server, state-server, scheduler
 * and an agent, each its own process, real Docker), the state-server and the scheduler are killed
 * with SIGKILL in the middle of a rollout of 6 replicas and started again. The rollout completes,
 * and every slot ends with exactly one allocation of the new version: none lost, none placed twice.
 */
describe('rollout across a SIGKILL of the state-server and the scheduler', () => {
  const run = newRunId('rkill');
  const nodeId = `${run}-n`;
  let cluster: PlatoCluster;

  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const allocs = async () => (await json<{ items: AllocationView[] }>('get', 'allocs', 'web', '--all')).items;
  const spec = async (greeting: string) => {
    const file = join(cluster.stateDir, 'web.yaml');
    await writeFile(
      file,
      httpdSpecLines('web', [
        `env: { GREETING: ${greeting} }`,
        'replicas: 6',
        'resources: { cpu: 50, memory: 16 }',
        'ports: [{ name: http, container: 8080 }]',
        'health: { type: http, port: http, interval: 500ms, grace: 0s }',
        'update: { max_parallel: 2, min_healthy_time: 2s, healthy_deadline: 30s, progress_deadline: 1m }',
      ]).join('\n'),
    );
    return file;
  };

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-rkill');
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeId]);
  }, 60_000);

  it('completes after both restart, with no allocation lost or duplicated', async () => {
    const { stateServer, scheduler } = await cluster.startServices(nodeId);
    expect((await cluster.plato('apply', '-f', await spec('one'), '--wait', '--timeout', '40')).code).toBe(0);
    expect((await cluster.plato('rollout', 'status', 'web', '--wait', '--timeout', '40')).code).toBe(0);

    expect((await cluster.plato('apply', '-f', await spec('two'))).code).toBe(0);
    await cluster.waitFor('the rollout of version 2 half way: new replicas placed, old ones left', async () => {
      const rollout = await json<RolloutView>('rollout', 'status', 'web');
      expect(rollout).toMatchObject({ version: 2, status: 'running' });
      expect(rollout.placed).toBeGreaterThanOrEqual(1);
      expect(rollout.old).toBeGreaterThanOrEqual(2);
    }, 30_000);
    await Promise.all([stateServer.kill(), scheduler.kill()]);
    cluster.startService('state-server');
    cluster.startService('scheduler');

    const status = await cluster.plato('rollout', 'status', 'web', '--wait', '--timeout', '90');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const items = await allocs();
    const running = items.filter((a) => a.desired === 'run');
    expect(running.map((a) => [a.version, a.index, a.status]).sort()).toEqual([0, 1, 2, 3, 4, 5].map((slot) => [2, slot, 'running']));
    expect(items.filter((a) => a.version === 2)).toHaveLength(6);
    expect(items.filter((a) => a.version === 1).map((a) => [a.desired, a.stopReason, a.status])).toEqual(Array.from({ length: 6 }, () => ['stop', 'outdated', 'complete']));
    expect((await cluster.containersOf(nodeId)).map((c) => c.labels['plato.alloc']).sort()).toEqual(running.map((a) => a.allocId).sort());
  }, 240_000);
});
