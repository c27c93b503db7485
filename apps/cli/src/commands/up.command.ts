import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { ContractViolation, ErrorCode, GetNode, ListDeployments, PlatoError } from '@plato/contracts';
import { connectNats, request } from '@plato/messaging';
import { SupervisedProcess, type ChildExit } from '../child.process.js';
import { readUpRecord, stateDirOf, upFileName, type CliContext, type UpRecord } from '../cli.context.js';
import { natsServerBinary, serviceMain, serviceNames, type ServiceName } from '../paths.js';

const readyTimeoutMs = 20_000;
const pollIntervalMs = 100;

/**
 * `plato up [--state-dir DIR] [--port N] [--gateway-port G] [--node-id ID]`: runs a single-node
 * cluster until SIGINT or SIGTERM — nats-server (JetStream, store in DIR/nats, on 127.0.0.1:N),
 * then the state-server, the scheduler, the gateway (HTTP on 127.0.0.1:G) and an agent for this
 * machine's Docker engine, each waited for until it answers — then stops them in reverse order,
 * each by its PID. The log lives in DIR, so a second `plato up` resumes the same cluster.
 * nats-server runs from DIR/nats-server.conf with `sync_interval: always`: every append is on disk
 * before it is acknowledged, so an acknowledged event survives a power loss.
 * Resolves with the exit status: 0 after a requested stop, 1 when a child died on its own.
 */
export async function upCommand(context: CliContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new ContractViolation('plato up', [{ path: '', message: 'usage: plato up [--state-dir DIR] [--port N] [--gateway-port G] [--node-id ID]' }]);
  const stateDir = stateDirOf(context.options);
  const port = context.options.port ?? 4222;
  const gatewayPort = context.options.gatewayPort ?? 8080;
  const nodeId = context.options.nodeId ?? defaultNodeId();
  const natsUrl = `nats://127.0.0.1:${port}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const missing = serviceNames.map((name) => serviceMain(name)).filter((main) => !existsSync(main));
  if (missing.length > 0) {
    throw new PlatoError(ErrorCode.Unavailable, `not built (${missing.join(', ')} missing): run 'npx nx run @plato/cli:build'`);
  }
  const running = readUpRecord(stateDir);
  if (running && isAlive(running.pids['cli'] ?? -1)) {
    throw new PlatoError(ErrorCode.Conflict, `plato is already up on ${running.natsUrl} with state dir ${stateDir} (pid ${running.pids['cli']})`);
  }
  for (const [what, p] of [['port', port], ['gateway port', gatewayPort]] as const) {
    if (await portInUse(p)) throw new PlatoError(ErrorCode.Conflict, `${what} ${p} on 127.0.0.1 is in use: stop what listens there or pass --${what === 'port' ? 'port' : 'gateway-port'}`);
  }
  mkdirSync(join(stateDir, 'nats'), { recursive: true });
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const env = { ...process.env, PLATO_NATS_URL: natsUrl, PLATO_GATEWAY_PORT: String(gatewayPort), PLATO_NODE_ID: nodeId };
  const probes: Record<ServiceName, () => Promise<boolean>> = {
    'state-server': () => probeRequest(natsUrl, (nc) => request(nc, ListDeployments, {}, { timeoutMs: 1_000 })),
    scheduler: async () => true,
    gateway: () => probeHttp(`${gatewayUrl}/healthz`),
    agent: () => probeRequest(natsUrl, (nc) => request(nc, GetNode, { nodeId }, { timeoutMs: 1_000 })),
  };

  const children: SupervisedProcess[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const child of [...children].reverse()) await child.stop();
    rmSync(join(stateDir, upFileName), { force: true });
  };
  const onExit = () => children.forEach((child) => child.signal('SIGTERM'));
  process.once('exit', onExit);

  try {
    const natsConfig = join(stateDir, 'nats-server.conf');
    writeFileSync(natsConfig, `jetstream {\n  store_dir: ${JSON.stringify(join(stateDir, 'nats'))}\n  sync_interval: always\n}\n`);
    const nats = await SupervisedProcess.start(
      'nats-server',
      natsServerBinary(),
      ['-c', natsConfig, '-a', '127.0.0.1', '-p', String(port), '-n', 'plato'],
      { logFile: join(stateDir, 'nats-server.log') },
    );
    children.push(nats);
    await waitUntil(nats, () => probeRequest(natsUrl, async () => undefined), `nats-server on ${natsUrl}`);
    for (const name of serviceNames) {
      const child = await SupervisedProcess.start(name, process.execPath, [serviceMain(name)], { logFile: join(stateDir, `${name}.log`), env });
      children.push(child);
      await waitUntil(child, probes[name], `the ${name}`);
    }

    const record: UpRecord = {
      natsUrl,
      gatewayUrl,
      nodeId,
      pids: Object.fromEntries([['cli', process.pid], ...children.map((child) => [child.name, child.pid] as const)]),
      startedAt: new Date().toISOString(),
    };
    writeFileSync(join(stateDir, upFileName), `${JSON.stringify(record, null, 2)}\n`);
    context.print(
      [
        'plato is up',
        ...children.map((child) => `  ${child.name.padEnd(13)} pid ${String(child.pid).padEnd(8)} log ${shown(child.logFile)}`),
        `  NATS ${natsUrl} (store ${shown(join(stateDir, 'nats'))}), API ${gatewayUrl} (/openapi.json), node ${nodeId}`,
        'Ctrl-C stops all of it.',
        '',
      ].join('\n'),
    );

    const requested = new Promise<'signal'>((resolve) => {
      process.once('SIGINT', () => resolve('signal'));
      process.once('SIGTERM', () => resolve('signal'));
    });
    const died = Promise.race(children.map((child) => child.exited.then((exit) => ({ child, exit }))));
    const outcome = await Promise.race([requested, died]);
    if (outcome === 'signal') {
      context.print('stopping the agent, gateway, scheduler, state-server and nats-server…\n');
      await stopAll();
      context.print('stopped\n');
      return 0;
    }
    if (!stopping) {
      process.stderr.write(`${outcome.child.name} (pid ${outcome.child.pid}) exited ${describeExit(outcome.exit)}; see ${shown(outcome.child.logFile)}\n${tail(outcome.child.logFile)}`);
      await stopAll();
    }
    return 1;
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    process.removeListener('exit', onExit);
  }
}

/** This machine's node id: its hostname as a NodeId (lower-case letters, digits and '-'). */
export function defaultNodeId(host = hostname()): string {
  const id = host.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return id || 'local';
}

async function waitUntil(child: SupervisedProcess, probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) {
      const exit = await child.exited;
      throw new PlatoError(ErrorCode.Unavailable, `${child.name} exited ${describeExit(exit)} before it was ready; see ${child.logFile}\n${tail(child.logFile)}`);
    }
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  throw new PlatoError(ErrorCode.Unavailable, `${what} was not ready within ${readyTimeoutMs} ms; see ${child.logFile}\n${tail(child.logFile)}`);
}

async function probeRequest(url: string, ask: (nc: NatsConnection) => Promise<unknown>): Promise<boolean> {
  try {
    const nc = await connectNats({ name: 'plato-up-probe', servers: url, timeoutMs: 1_000 });
    try {
      await ask(nc);
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

async function probeHttp(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal ? `on signal ${exit.signal}` : `with code ${String(exit.code)}`;
}

function tail(file: string, lines = 10): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') + '\n';
  } catch {
    return '';
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
