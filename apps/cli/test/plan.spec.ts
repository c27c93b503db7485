import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeploymentPlanPreview } from '@plato/contracts';
import { newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage } from './plato-cluster.harness.js';

/**
 * The dry run, end to end on real parts (`plato up` with an agent on the real Docker engine):
 * `plato plan` shows placements and writes nothing, a scale is planned in place and an image change
 * as a replacement, and `apply --if-revision` refuses a plan overtaken by another change.
 */
describe('plato plan and apply --if-revision on a single-node cluster', () => {
  const nodeId = newRunId('plan');
  let cluster: PlatoCluster;
  let file: string;
  const plato = (...args: string[]) => cluster.plato(...args);
  const plan = async () => (await cluster.json<DeploymentPlanPreview[]>('plan', '-f', file))[0]!;
  const writeSpec = (input: { replicas: number; image?: string }) =>
    writeFile(file, [`name: web`, `image: ${input.image ?? 'plato/busybox:latest'}`, 'command: ["busybox", "sleep", "3600"]', `replicas: ${input.replicas}`, 'resources: { cpu: 100, memory: 32 }', ''].join('\n'));
  const history = () => cluster.json<{ events: { position: number; type: string }[] }>('history', 'deployment', 'web');
  const eventsAfter = async (position: number) =>
    (await plato('events', '--since', String(position), '-o', 'json')).stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { stream: string; type: string });

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-plan');
    file = join(cluster.stateDir, 'web.yaml');
    await cluster.start(nodeId);
    await cluster.waitFor('the node to be ready', async () => (await cluster.json<{ items: { state: string }[] }>('get', 'nodes')).items[0]?.state === 'ready');
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeId]);
  }, 60_000);

  it('plans a new deployment: three placements on the node, revision 0, and nothing written', async () => {
    await writeSpec({ replicas: 3 });
    const shown = await plato('plan', '-f', file);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('deployment default/web: create version 1 with 3 replicas\n');
    expect(shown.stdout).toContain(`  + place 3 (${nodeId} ×3)\n`);
    expect(shown.stdout).toContain(`to apply exactly this: plato apply -f ${file} --if-revision 0\n`);

    const preview = await plan();
    expect(preview).toMatchObject({ revision: 0, change: 'create', update: 'none', stops: [], kept: 0 });
    expect(preview.placements).toEqual([0, 1, 2].map((index) => ({ nodeId, index, version: 1 })));
    const written = (await eventsAfter(preview.position)).filter((event) => !event.stream.startsWith('node.'));
    expect(written).toEqual([]);
    expect((await history()).events).toEqual([]);
    expect(await cluster.containersOf(nodeId)).toEqual([]);
  }, 60_000);

  it('applies at the planned revision, then plans a scale as an update in place', async () => {
    const applied = await plato('apply', '-f', file, '--if-revision', '0', '--wait', '--timeout', '60');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('default/web: 3/3 running\n');
    expect(await cluster.containersOf(nodeId)).toHaveLength(3);

    await writeSpec({ replicas: 5 });
    const shown = await plato('plan', '-f', file);
    expect(shown.stdout).toContain('deployment default/web: scale 3 → 5 (version 1); changed: replicas\n');
    expect(shown.stdout).toContain(`  + place 2 (${nodeId} ×2)\n`);
    expect(shown.stdout).toContain('  ~ update in place: 3 allocations kept running\n');
    await expect(plan()).resolves.toMatchObject({ change: 'scale', update: 'in-place', kept: 3, stops: [], events: ['DeploymentScaled'] });
  }, 120_000);

  it('plans an image change as the replacement of all three', async () => {
    await writeSpec({ replicas: 3, image: 'plato/busybox:next' });
    const shown = await plato('plan', '-f', file);
    expect(shown.stdout).toContain('deployment default/web: new version 2 (was 1); changed: image\n');
    expect(shown.stdout).toContain(`  - stop 3 (outdated) on ${nodeId} ×3\n`);
    expect(shown.stdout).toContain(`  + place 3 (${nodeId} ×3)\n`);
    expect(shown.stdout).toContain('  ~ replacement: 3 allocations of older versions replaced by version 2\n');
    const preview = await plan();
    expect(preview).toMatchObject({ change: 'new-version', update: 'replacement', version: 2, kept: 0 });
    expect(preview.stops.map((stop) => [stop.reason, stop.version])).toEqual([
      ['outdated', 1],
      ['outdated', 1],
      ['outdated', 1],
    ]);
  }, 60_000);

  it('refuses apply --if-revision after another change, naming both revisions, and writes nothing', async () => {
    const planned = await plan();
    const scaled = await plato('scale', 'web', '2');
    expect(scaled.code).toBe(0);
    const before = await history();
    const moved = before.events.at(-1)!.position;
    expect(moved).toBeGreaterThan(planned.revision);

    const refused = await plato('apply', '-f', file, '--if-revision', String(planned.revision));
    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`error WRONG_EXPECTED_REVISION: stream deployment.default.web: expected revision ${planned.revision}, actual ${moved}\n`);
    expect(refused.stderr).toContain('nothing was written');
    expect(await history()).toEqual(before);
    expect(await cluster.json<{ version: number; replicas: number }>('get', 'deployments', 'web')).toMatchObject({ version: 1, replicas: 2 });

    await expect(plan()).resolves.toMatchObject({ revision: moved, change: 'new-version' });
  }, 60_000);
});
