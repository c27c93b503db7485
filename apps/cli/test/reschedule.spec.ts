import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView, DeploymentDescription } from '@plato/contracts';
import { newRunId, type ServiceProcess } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage } from './plato-cluster.harness.js';

interface HistoryEntry {
  type: string;
  created: string;
  data?: Record<string, unknown>;
}

/**
 * The reschedule policy on real parts: `plato up` (node X, the machine's capacity) and a second,
 * smaller agent B on the same Docker engine. A replica whose container exits 3 at once (restart
 * policy `never`, so every exit fails the allocation) is replaced after 1 s, 2 s, then 4 s; bin-pack
 * prefers B, until two failures there make the scheduler avoid B for it; after three failures the
 * deployment is degraded and says why; a fixed version restores it.
 */
describe('reschedule: a crash-looping replica is replaced with a growing delay, elsewhere, and the deployment says it is degraded', () => {
  const run = newRunId('resched');
  const nodeX = `${run}-x`;
  const nodeB = `${run}-b`;
  let cluster: PlatoCluster;
  let agentB: ServiceProcess | undefined;

  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const allocs = async () => (await json<{ items: AllocationView[] }>('get', 'allocs', 'crash', '--all')).items;
  const history = async (stream: string, id: string) => (await json<{ events: HistoryEntry[] }>('history', stream, id)).events;

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-resched');
    await cluster.start(nodeX);
    agentB = cluster.startAgent(nodeB, { PLATO_NODE_CPU: '1000', PLATO_NODE_MEMORY: '512', PLATO_HEARTBEAT_MS: '1000', PLATO_RECONCILE_MS: '1000' });
    await cluster.waitFor('node B ready', async () => {
      const nodes = (await json<{ items: { nodeId: string; state: string }[] }>('get', 'nodes')).items;
      expect(nodes.find((n) => n.nodeId === nodeB)?.state).toBe('ready');
    });
  }, 300_000);

  afterAll(async () => {
    await agentB?.stop();
    await cluster?.dispose([nodeX, nodeB]);
  }, 60_000);

  it('backs off 1 s, 2 s, 4 s between failures, moves off the node where failures pile up, and marks the deployment degraded', async () => {
    const spec = join(cluster.stateDir, 'crash.yaml');
    const lines = [
      'name: crash',
      'image: plato/busybox:latest',
      'command: ["sh", "-c", "exit 3"]',
      'resources: { cpu: 100, memory: 32 }',
      'restart: { policy: never }',
      'reschedule: { delay: 1s, max_delay: 4s, interval: 10m }',
    ];
    await writeFile(spec, [...lines, ''].join('\n'));
    const applied = await cluster.plato('apply', '-f', spec);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);

    const failedAllocs = await cluster.waitFor(
      'four failed allocations of slot 0',
      async () => {
        const failed = (await allocs()).filter((a) => a.status === 'failed').sort((a, b) => a.placedAt.localeCompare(b.placedAt));
        expect(failed.length).toBeGreaterThanOrEqual(4);
        return failed;
      },
      40_000,
    );
    expect(failedAllocs.every((a) => a.index === 0 && a.exitCode === 3)).toBe(true);
    expect(failedAllocs.slice(0, 4).map((a) => a.nodeId)).toEqual([nodeB, nodeB, nodeX, nodeX]);

    const failedAt = async (a: AllocationView) => Date.parse((await history('alloc', `${a.nodeId}/${a.allocId}`)).find((e) => e.type === 'AllocationExited')!.created);
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) gaps.push(Date.parse(failedAllocs[i + 1]!.placedAt) - (await failedAt(failedAllocs[i]!)));
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_950);
    expect(gaps[2]).toBeGreaterThanOrEqual(3_950);

    const degraded = (await history('deployment', 'crash')).filter((e) => e.type === 'DeploymentDegraded');
    expect(degraded.length).toBeGreaterThanOrEqual(1);
    expect(degraded[0]!.data).toMatchObject({ version: 1, failing: [0], givenUp: [] });
    expect(String(degraded[0]!.data!['reason'])).toMatch(/^slot 0 failed 3 times or more within 10m; last failure: exit code 3 on node /);
    const described = await json<DeploymentDescription>('describe', 'deployment', 'crash');
    expect(described.degraded?.reason).toContain('slot 0 failed 3 times or more within 10m');
    expect((await cluster.plato('describe', 'deployment', 'crash')).stdout).toMatch(/Status: {6}degraded since .*\nDegraded: {4}slot 0 failed/s);
  }, 90_000);

  it('restores the deployment when a version that runs is applied, and delete leaves nothing', async () => {
    const spec = join(cluster.stateDir, 'crash.yaml');
    await writeFile(spec, ['name: crash', 'image: plato/busybox:latest', 'command: ["sleep", "3600"]', 'resources: { cpu: 100, memory: 32 }', ''].join('\n'));
    const applied = await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30');
    expect(applied.code).toBe(0);
    await cluster.waitFor('DeploymentRestored for version 2', async () => {
      const types = (await history('deployment', 'crash')).map((e) => e.type);
      expect(types.at(-1) === 'DeploymentRestored' || types.includes('DeploymentRestored')).toBe(true);
      expect((await json<DeploymentDescription>('describe', 'deployment', 'crash')).degraded).toBeUndefined();
    });
    const deleted = await cluster.plato('delete', 'crash', '--wait');
    expect(deleted.code).toBe(0);
    await cluster.waitFor('no container left', async () => {
      for (const nodeId of [nodeX, nodeB]) expect(await cluster.containersOf(nodeId)).toEqual([]);
    });
  }, 60_000);
});
