import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerRuntime } from '@plato/runtime';
import { eventually, freePort, newRunId } from '@plato/testing';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(cliRoot, '..', '..');
const bin = join(cliRoot, 'bin', 'plato.js');
const env = { ...process.env, PLATO_NATS_URL: '', NX_DAEMON: 'false' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Up {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

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
  const docker = new DockerRuntime();
  const nodeId = newRunId('e2e');
  let stateDir: string;
  let port: number;
  let gatewayPort: number;
  let up: Up | undefined;

  const plato = (...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      execFile(process.execPath, [bin, ...args, '--state-dir', stateDir], { env, cwd: repoRoot }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await plato(...args, '-o', 'json');
    if (result.code !== 0) throw new Error(`plato ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  const containers = () => docker.list({ labels: { 'plato.node': nodeId } });

  const stopLeftover = async () => {
    if (up && up.child.exitCode === null && up.child.pid) {
      process.kill(up.child.pid, 'SIGTERM');
      await up.exited;
    }
  };

  const startUp = async (): Promise<Up> => {
    await stopLeftover();
    const child = spawn(
      process.execPath,
      [bin, 'up', '--state-dir', stateDir, '--port', String(port), '--gateway-port', String(gatewayPort), '--node-id', nodeId],
      { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    up = { child, output: () => text, exited };
    const current = up;
    await eventually(() => current.output().includes('Ctrl-C stops all of it.'), { timeoutMs: 60_000, description: `plato up to be ready:\n${text}` });
    return current;
  };

  const stop = async (current: Up) => {
    const record = JSON.parse(await readFile(join(stateDir, 'plato.json'), 'utf8')) as { pids: Record<string, number> };
    process.kill(current.child.pid!, 'SIGTERM');
    expect(await current.exited).toBe(0);
    for (const name of ['nats-server', 'state-server', 'scheduler', 'gateway', 'agent']) expect(isAlive(record.pids[name]!)).toBe(false);
    await expect(readFile(join(stateDir, 'plato.json'))).rejects.toThrow();
  };

  beforeAll(async () => {
    execFileSync('npx', ['nx', 'run', '@plato/cli:build', '--output-style=static'], { cwd: repoRoot, env, stdio: 'ignore' });
    execFileSync(join(repoRoot, 'tools', 'images', 'build'), { stdio: 'ignore' });
    stateDir = await mkdtemp(join(tmpdir(), 'plato-cli-'));
    port = await freePort();
    gatewayPort = await freePort();
  }, 300_000);

  afterAll(async () => {
    await stopLeftover();
    for (const container of await containers()) await docker.remove(container.id);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('applies 3 replicas that run with their env, ports and memory limit; scales to 1; deletes to none', async () => {
    const current = await startUp();
    const spec = join(stateDir, 'web.yaml');
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
      const container = (await docker.inspect(summary.id))!;
      expect(container.state).toBe('running');
      expect(container.limits.memoryMiB).toBe(48);
      const env = await docker.exec(container.id, ['env']);
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
    expect(nodes.items).toEqual([expect.objectContaining({ nodeId, state: 'ready', runtimes: ['docker'] })]);

    await stop(current);
  }, 180_000);

  it('refuses a bad spec naming every field, one of two racing applies, and keeps a deployment no node can hold pending with the reason', async () => {
    const current = await startUp();
    const bad = join(stateDir, 'bad.yaml');
    await writeFile(bad, 'name: Bad_Name\nimage: plato/busybox:latest\nreplicas: -1\nresources: {cpu: 1, memory: 64}\n');
    const rejected = await plato('apply', '-f', bad);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('error CONTRACT_VIOLATION');
    for (const field of ['name', 'replicas', 'resources.cpu']) expect(rejected.stderr).toContain(`  - ${field}: `);

    const versions = await Promise.all(
      ['v2', 'v3'].map(async (tag) => {
        const file = join(stateDir, `contest-${tag}.yaml`);
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

    const huge = join(stateDir, 'huge.yaml');
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
