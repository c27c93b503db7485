import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, newRunId, type ServiceProcess } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage } from './plato-cluster.harness.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The user's path through Plato, end to end on real parts: `plato up` (nats-server, state-server,
 * scheduler, gateway and an agent on the real Docker engine), then apply, scale and delete with
 * --wait, reading what runs from Docker itself.
 */
describe('plato up: a single-node cluster on Docker, driven by the CLI', () => {
  const nodeId = newRunId('e2e');
  let cluster: PlatoCluster;
  const plato = (...args: string[]) => cluster.plato(...args);
  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const containers = () => cluster.containersOf(nodeId);
  const docker = () => cluster.docker;
  const startUp = () => cluster.start(nodeId);

  const stop = async (current: ServiceProcess) => {
    const record = JSON.parse(await readFile(join(cluster.stateDir, 'plato.json'), 'utf8')) as { pids: Record<string, number> };
    expect(await current.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
    for (const name of ['nats-server', 'state-server', 'scheduler', 'gateway', 'agent']) expect(isAlive(record.pids[name]!)).toBe(false);
    await expect(readFile(join(cluster.stateDir, 'plato.json'))).rejects.toThrow();
  };

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-cli');
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeId]);
  }, 60_000);

  it('applies 3 replicas that run with their env, ports and memory limit; scales to 1; deletes to none', async () => {
    const current = await startUp();
    const spec = join(cluster.stateDir, 'web.yaml');
    await writeFile(
      spec,
      [
        'name: web',
        'image: plato/busybox:latest',
        'command: ["busybox", "httpd"]',
        'args: ["-f", "-p", "8080", "-h", "/www"]',
        'env: { GREETING: hello-from-plato }',
        'replicas: 3',
        'resources: { cpu: 100, memory: 48 }',
        'ports: [{ container: 8080 }]',
        '',
      ].join('\n'),
    );

    const applied = await plato('apply', '-f', spec, '--wait', '--timeout', '60');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^deployment default\/web: DeploymentSpecApplied at position \d+\n/);
    expect(applied.stdout).toContain('default/web: 3/3 running\n');

    const running = await containers();
    expect(running).toHaveLength(3);
    for (const summary of running) {
      const container = (await docker().inspect(summary.id))!;
      expect(container.state).toBe('running');
      expect(container.limits.memoryMiB).toBe(48);
      const env = await docker().exec(container.id, ['env']);
      expect(env.stdout).toContain('GREETING=hello-from-plato');
      const published = container.ports.find((p) => p.container === 8080)!;
      expect(published.hostIp).toBe('127.0.0.1');
      const page = await eventually(async () => (await fetch(`http://127.0.0.1:${published.host}/`)).text());
      expect(page).toContain('Hello from Plato');
    }

    const described = await plato('describe', 'deployment', 'web');
    expect(described.stdout).toContain('Replicas:    3 desired, 3 placed, 3 running');

    const scaled = await plato('scale', 'web', '1', '--wait');
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toContain('default/web: 1/1 running\n');
    const left = await containers();
    expect(left).toHaveLength(1);
    expect(running.map((c) => c.id)).toContain(left[0]!.id);

    const deleted = await plato('delete', 'web', '--wait');
    expect(deleted.code).toBe(0);
    expect(await containers()).toEqual([]);

    const history = await json<{ events: { type: string }[] }>('history', 'deployment', 'web');
    expect(history.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled', 'DeploymentDeleted']);
    const allocs = await json<{ items: { status: string; desired: string; stopReason?: string }[] }>('get', 'allocs', 'web', '--all');
    expect(allocs.items).toHaveLength(3);
    expect(allocs.items.every((a) => a.desired === 'stop' && a.status === 'complete')).toBe(true);
    expect(allocs.items.map((a) => a.stopReason).sort()).toEqual(['deleted', 'scaled-down', 'scaled-down']);

    const nodes = await json<{ items: { nodeId: string; state: string; runtimes: string[] }[] }>('get', 'nodes');
    expect(nodes.items).toEqual([expect.objectContaining({ nodeId, state: 'ready', runtimes: expect.arrayContaining(['docker']) })]);

    await stop(current);
  }, 180_000);

  it('refuses a bad spec naming every field, one of two racing applies, and keeps a deployment no node can hold pending with the reason', async () => {
    const current = await startUp();
    const bad = join(cluster.stateDir, 'bad.yaml');
    await writeFile(bad, 'name: Bad_Name\nimage: plato/busybox:latest\nreplicas: -1\nresources: {cpu: 1, memory: 64}\n');
    const rejected = await plato('apply', '-f', bad);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('error CONTRACT_VIOLATION');
    for (const field of ['name', 'replicas', 'resources.cpu']) expect(rejected.stderr).toContain(`  - ${field}: `);

    const versions = await Promise.all(
      ['v2', 'v3'].map(async (tag) => {
        const file = join(cluster.stateDir, `contest-${tag}.yaml`);
        await writeFile(file, `name: contest\nimage: plato/busybox:${tag}\nreplicas: 0\n`);
        return file;
      }),
    );
    const raced = await Promise.all(versions.map((file) => plato('apply', '-f', file, '--if-revision', '0')));
    expect(raced.map((r) => r.code).sort()).toEqual([0, 4]);
    expect(raced.find((r) => r.code === 4)?.stderr).toMatch(/^error WRONG_EXPECTED_REVISION: stream deployment\.default\.contest: expected revision 0, actual \d+/);
    const contest = await json<{ events: { type: string }[] }>('history', 'deployment', 'contest');
    expect(contest.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied']);
    expect((await plato('delete', 'contest')).code).toBe(0);

    const huge = join(cluster.stateDir, 'huge.yaml');
    await writeFile(huge, 'name: huge\nimage: plato/busybox:latest\nreplicas: 2\nresources: { cpu: 100, memory: 4000000 }\n');
    expect((await plato('apply', '-f', huge)).code).toBe(0);
    const description = await eventually(async () => {
      const text = (await plato('describe', 'deployment', 'huge')).stdout;
      if (!text.includes('Pending:')) throw new Error(text);
      return text;
    });
    expect(description).toContain('Pending:     2 replica(s) cannot be placed: 1 node: insufficient memory');
    const waited = await plato('apply', '-f', huge, '--wait', '--timeout', '1');
    expect(waited.code).toBe(5);
    expect(waited.stderr).toContain('cannot place: 1 node: insufficient memory');
    expect((await plato('delete', 'huge')).code).toBe(0);
    await stop(current);
  }, 120_000);

  it('resumes the same cluster from its log on a second plato up', async () => {
    const current = await startUp();
    const history = await json<{ events: { type: string }[] }>('history', 'deployment', 'web');
    expect(history.events.map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled', 'DeploymentDeleted']);
    const node = await json<{ events: { type: string }[] }>('history', 'node', nodeId);
    expect(node.events[0]?.type).toBe('NodeRegistered');
    await stop(current);
  }, 120_000);
});
