import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from '@plato/testing';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(cliRoot, '..', '..');
const bin = join(cliRoot, 'bin', 'plato.js');
const example = join(repoRoot, 'examples', 'hello.yaml');
const env = { ...process.env, PLATO_NATS_URL: '', NX_DAEMON: 'false' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function plato(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Up {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startUp(stateDir: string, port: number): Up {
  const child = spawn(process.execPath, [bin, 'up', '--state-dir', stateDir, '--port', String(port)], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('plato up and the client commands, end to end', () => {
  let stateDir: string;
  let port: number;
  let up: Up | undefined;

  beforeAll(async () => {
    execFileSync('npx', ['nx', 'run', '@plato/cli:build', '--output-style=static'], { cwd: repoRoot, env, stdio: 'ignore' });
    stateDir = await mkdtemp(join(tmpdir(), 'plato-cli-'));
    port = await freePort();
  }, 180_000);

  afterAll(async () => {
    if (up && up.child.exitCode === null && up.child.pid) {
      process.kill(up.child.pid, 'SIGTERM');
      await up.exited;
    }
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const upAndReady = async () => {
    up = startUp(stateDir, port);
    const current = up;
    await eventually(() => current.output().includes('Ctrl-C stops both.'), { timeoutMs: 30_000, description: 'plato up to be ready' });
    return current;
  };

  const stop = async (current: Up) => {
    const record = JSON.parse(await readFile(join(stateDir, 'plato.json'), 'utf8')) as { pids: { nats: number; stateServer: number } };
    process.kill(current.child.pid!, 'SIGTERM');
    expect(await current.exited).toBe(0);
    expect(isAlive(record.pids.nats)).toBe(false);
    expect(isAlive(record.pids.stateServer)).toBe(false);
    await expect(readFile(join(stateDir, 'plato.json'))).rejects.toThrow();
  };

  it('applies, lists, scales, deletes and shows history; errors print code and fields', async () => {
    const current = await upAndReady();
    const dir = ['--state-dir', stateDir];

    const applied = await plato('apply', '-f', example, ...dir);
    expect(applied).toMatchObject({ code: 0, stdout: 'deployment default/hello: DeploymentSpecApplied at position 1\n' });
    expect((await plato('apply', '-f', example, ...dir)).stdout).toBe('deployment default/hello: unchanged (revision 1)\n');

    const table = await plato('get', 'deployments', ...dir);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+IMAGE\s+REPLICAS/);
    expect(table.stdout).toMatch(/default\s+hello\s+plato\/busybox:latest\s+2\s+/);
    const json = JSON.parse((await plato('get', 'deployments', '-o', 'json', ...dir)).stdout) as { items: { name: string; replicas: number }[] };
    expect(json.items).toEqual([expect.objectContaining({ name: 'hello', replicas: 2 })]);

    expect((await plato('scale', 'hello', '3', ...dir)).stdout).toBe('deployment default/hello: DeploymentScaled at position 2\n');

    const bad = join(stateDir, 'bad.yaml');
    await writeFile(bad, 'name: Bad_Name\nimage: plato/busybox:latest\nreplicas: -1\nresources: {cpu: 1, memory: 64}\n');
    const rejected = await plato('apply', '-f', bad, ...dir);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('error CONTRACT_VIOLATION');
    for (const field of ['name', 'replicas', 'resources.cpu']) expect(rejected.stderr).toContain(`  - ${field}: `);

    expect((await plato('delete', 'hello', ...dir)).stdout).toBe('deployment default/hello: DeploymentDeleted at position 3\n');
    const missing = await plato('delete', 'hello', ...dir);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('error NOT_FOUND: deployment default/hello not found\n');
    expect((await plato('get', 'deployments', ...dir)).stdout).toBe('no deployments\n');

    const history = await plato('history', 'deployment', 'hello', ...dir);
    expect(history.stdout.split('\n').slice(1, 4).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['1', 'DeploymentSpecApplied'],
      ['2', 'DeploymentScaled'],
      ['3', 'DeploymentDeleted'],
    ]);

    await stop(current);
  }, 60_000);

  it('resumes the same log on a second plato up', async () => {
    const current = await upAndReady();
    const history = JSON.parse((await plato('history', 'deployment', 'hello', '-o', 'json', '--state-dir', stateDir)).stdout) as { events: { position: number; type: string }[] };
    expect(history.events.map((event) => event.type)).toEqual(['DeploymentSpecApplied', 'DeploymentScaled', 'DeploymentDeleted']);
    await stop(current);
  }, 60_000);
});
