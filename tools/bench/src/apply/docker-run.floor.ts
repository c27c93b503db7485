import { execFile } from 'node:child_process';
import type { DockerEngine } from './docker.engine.js';

/** What every floor container runs: the same image, command and limits as the bench's deployment. */
export interface FloorSpec {
  image: string;
  command: string[];
  /** CPU in millicores (`--cpus`), as the agent's NanoCpus. */
  cpu: number;
  /** Memory limit in MiB (`--memory`). */
  memory: number;
  /** The container port published on 127.0.0.1 with an engine-chosen host port. */
  containerPort: number;
  /** Run Docker's init as PID 1 (`--init`), as the agent does (`Init: true`). */
  init?: boolean;
  /** Environment variables (`--env`). */
  env?: Record<string, string>;
}

/** One timed floor: N `docker run -d` at once; times in ms after the first was spawned. */
export interface FloorRound {
  replicas: number;
  /** The last `docker run -d` returned (the container is running when it returns). */
  cliMs: number;
  /** The Nth container `start` event of the engine. */
  dockerMs: number;
}

/** Runs the docker CLI with `args`; resolves with its trimmed stdout, rejects with its stderr. */
export function dockerCli(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/**
 * The `docker run -d` arguments of one floor container `name`: the spec's image, command, limits
 * and loopback port, labelled `plato.bench=<label>` and with the run's `runLabel` (`key=value`).
 */
export function floorRunArgs(spec: FloorSpec, runLabel: string, label: string, name: string): string[] {
  return [
    'run', '-d',
    '--name', name,
    '--label', `plato.bench=${label}`,
    '--label', runLabel,
    ...(spec.init ? ['--init'] : []),
    ...Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    '--cpus', (spec.cpu / 1000).toFixed(3),
    '--memory', `${spec.memory}m`,
    '-p', `127.0.0.1::${spec.containerPort}`,
    spec.image,
    ...spec.command,
  ];
}

/**
 * The floor of "applied → running": `docker run -d` of the same image and command with the same
 * limits and a port published on 127.0.0.1, N at once through the docker CLI, each container
 * labelled `plato.bench=<label>` and with the run's `runLabel` (`key=value`), and named after it. Timed until every CLI returned and until the
 * engine reported N starts; then the containers are removed (by that label only) before returning.
 */
export async function floorRound(docker: DockerEngine, spec: FloorSpec, runLabel: string, label: string, replicas: number, timeoutMs: number): Promise<FloorRound> {
  const selector = `plato.bench=${label}`;
  const watch = await docker.watchStarts(selector);
  try {
    const t0 = Date.now();
    await Promise.all(Array.from({ length: replicas }, (_, i) => dockerCli(floorRunArgs(spec, runLabel, label, `${label}-${i}`), timeoutMs)));
    const cliMs = Date.now() - t0;
    const dockerMs = Math.round((await watch.starts.waitFor(replicas, timeoutMs, `${replicas} floor container starts`)) - t0);
    return { replicas, cliMs, dockerMs };
  } finally {
    watch.close();
    await docker.removeAll(selector);
  }
}
