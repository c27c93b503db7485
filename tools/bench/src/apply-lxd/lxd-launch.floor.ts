import type { LxdClient } from '@plato/runtime';
import { freePort } from '@plato/testing';
import type { LxdInstances } from './lxd.instances.js';

/** What every floor instance runs: the same image, command and limits as the bench's deployment. */
export interface LxdFloorSpec {
  /** The image's fingerprint (the agent resolves the same alias to it). */
  fingerprint: string;
  command: string[];
  /** CPU in millicores, as a hard CFS quota (`limits.cpu.allowance`), as LxdRuntime sets it. */
  cpu: number;
  /** Memory limit in MiB (`limits.memory`). */
  memory: number;
  /** The port published by a proxy device on 127.0.0.1 (a free host port), or none. */
  containerPort?: number;
  /** Profiles of every instance (LxdRuntime's default: `default`). */
  profiles: string[];
}

/** One timed floor: N creates + starts at once; times in ms after the first create was sent. */
export interface LxdFloorRound {
  replicas: number;
  /** The last create operation finished. */
  createdMs: number;
  /** The last start operation finished (the instance is running when it does): the floor. */
  apiMs: number;
  /** The last start began, by LXD's clock (`last_used_at`). */
  engineStartMs: number;
}

/** Config keys the floor marks its instances with: the run's id, and the round's label. */
export const FloorKeys = { run: 'user.plato.bench.run', round: 'user.plato.bench.round' } as const;

const commandVariable = 'BENCH_COMMAND';

/**
 * The body of `POST /1.0/instances` for one floor instance: the image by fingerprint, the same
 * limits and proxy device as LxdRuntime would give the deployment's container, and the command as
 * PID 1. LXC splits `lxc.init.cmd` on blanks without quoting, so the shell gets the command line
 * from the environment: it brings loopback up (the proxy connects to 127.0.0.1 inside) and execs it.
 */
function instanceBody(spec: LxdFloorSpec, name: string, runId: string, label: string, hostPort: number | undefined): object {
  const cpu = spec.cpu % 10 === 0 ? `${spec.cpu / 10}ms/100ms` : `${spec.cpu}ms/1000ms`;
  const config = {
    'security.privileged': 'false',
    'security.nesting': 'false',
    [FloorKeys.run]: runId,
    [FloorKeys.round]: label,
    'limits.cpu.allowance': cpu,
    'limits.memory': `${spec.memory}MiB`,
    'raw.lxc': `lxc.init.cmd = /bin/sh -c eval\${IFS}"$${commandVariable}"`,
    [`environment.${commandVariable}`]: `ip link set lo up && exec ${spec.command.join(' ')}`,
  };
  const devices =
    hostPort === undefined || spec.containerPort === undefined
      ? {}
      : { 'bench-port': { type: 'proxy', bind: 'host', listen: `tcp:127.0.0.1:${hostPort}`, connect: `tcp:127.0.0.1:${spec.containerPort}` } };
  return { name, type: 'container', source: { type: 'image', fingerprint: spec.fingerprint }, profiles: spec.profiles, config, devices };
}

/**
 * The floor of "applied → running" on LXD: for each of N instances at once, `POST /1.0/instances`
 * then `PUT /1.0/instances/<name>/state {action: start}`, each waited on through
 * `/1.0/operations/<id>/wait` (libs/runtime's LxdClient, the REST API the agent uses), named
 * `<label>-<i>` and marked with the run id and the round's label. Timed until every start returned;
 * then exactly the round's instances are removed before returning.
 */
export async function lxdFloorRound(
  client: LxdClient,
  instances: LxdInstances,
  spec: LxdFloorSpec,
  runId: string,
  label: string,
  replicas: number,
  timeoutMs: number,
): Promise<LxdFloorRound> {
  const hostPorts = await Promise.all(Array.from({ length: replicas }, () => (spec.containerPort === undefined ? undefined : freePort())));
  try {
    const createdAt: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      hostPorts.map(async (hostPort, i) => {
        const name = `${label}-${i}`;
        await client.operation('POST', '/1.0/instances', { json: instanceBody(spec, name, runId, label, hostPort) }, timeoutMs);
        createdAt.push(Date.now());
        await client.operation('PUT', `/1.0/instances/${name}/state`, { json: { action: 'start' } }, timeoutMs);
      }),
    );
    const apiMs = Date.now() - t0;
    const started = await instances.waitStarted(FloorKeys.round, label, replicas, timeoutMs);
    return { replicas, createdMs: Math.max(...createdAt) - t0, apiMs, engineStartMs: Math.round(Math.max(...started.map((i) => i.startedAt)) - t0) };
  } finally {
    await instances.removeAll(FloorKeys.round, label, timeoutMs);
  }
}
