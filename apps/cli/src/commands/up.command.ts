import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, relative } from 'node:path';
import { ContractViolation, ErrorCode, ListDeployments, PlatoError } from '@plato/contracts';
import { connectNats, request } from '@plato/messaging';
import { SupervisedProcess, type ChildExit } from '../child.process.js';
import { readUpRecord, stateDirOf, upFileName, type CliContext, type UpRecord } from '../cli.context.js';
import { natsServerBinary, stateServerMain } from '../paths.js';

const readyTimeoutMs = 20_000;
const pollIntervalMs = 100;

/**
 * `plato up [--state-dir DIR] [--port N]`: runs nats-server (JetStream, store in DIR/nats, on
 * 127.0.0.1:N) and the state-server until SIGINT or SIGTERM, then stops the state-server and
 * nats-server, in that order, each by its PID. The log lives in DIR, so a second `plato up` resumes
 * it. Resolves with the exit status: 0 after a requested stop, 1 when a child died on its own.
 */
export async function upCommand(context: CliContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new ContractViolation('plato up', [{ path: '', message: 'usage: plato up [--state-dir DIR] [--port N]' }]);
  const stateDir = stateDirOf(context.options);
  const port = context.options.port ?? 4222;
  const natsUrl = `nats://127.0.0.1:${port}`;
  const main = stateServerMain();
  if (!existsSync(main)) {
    throw new PlatoError(ErrorCode.Unavailable, `the state-server is not built (${main} is missing): run 'npx nx run @plato/cli:build'`);
  }
  const running = readUpRecord(stateDir);
  if (running && isAlive(running.pids.cli)) {
    throw new PlatoError(ErrorCode.Conflict, `plato is already up on ${running.natsUrl} with state dir ${stateDir} (pid ${running.pids.cli})`);
  }
  if (await portInUse(port)) {
    throw new PlatoError(ErrorCode.Conflict, `port ${port} on 127.0.0.1 is in use: stop what listens there or pass --port`);
  }
  mkdirSync(join(stateDir, 'nats'), { recursive: true });
  const shown = (path: string) => relative(process.cwd(), path) || '.';

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
    const nats = await SupervisedProcess.start(
      'nats-server',
      natsServerBinary(),
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(stateDir, 'nats'), '-n', 'plato'],
      { logFile: join(stateDir, 'nats-server.log') },
    );
    children.push(nats);
    await waitUntil(nats, () => probeNats(natsUrl), `nats-server on ${natsUrl}`);

    const stateServer = await SupervisedProcess.start('state-server', process.execPath, [main], {
      logFile: join(stateDir, 'state-server.log'),
      env: { ...process.env, PLATO_NATS_URL: natsUrl },
    });
    children.push(stateServer);
    await waitUntil(stateServer, () => probeStateServer(natsUrl), 'the state-server');

    const record: UpRecord = { natsUrl, pids: { cli: process.pid, nats: nats.pid, stateServer: stateServer.pid }, startedAt: new Date().toISOString() };
    writeFileSync(join(stateDir, upFileName), `${JSON.stringify(record, null, 2)}\n`);
    context.print(
      [
        'plato is up',
        `  nats-server    ${natsUrl}  pid ${nats.pid}  store ${shown(join(stateDir, 'nats'))}  log ${shown(nats.logFile)}`,
        `  state-server   pid ${stateServer.pid}  log ${shown(stateServer.logFile)}`,
        'Ctrl-C stops both.',
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
      context.print('stopping the state-server and nats-server…\n');
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

async function probeNats(url: string): Promise<boolean> {
  try {
    const nc = await connectNats({ name: 'plato-up-probe', servers: url, timeoutMs: 1_000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

async function probeStateServer(url: string): Promise<boolean> {
  try {
    const nc = await connectNats({ name: 'plato-up-probe', servers: url, timeoutMs: 1_000 });
    try {
      await request(nc, ListDeployments, {}, { timeoutMs: 1_000 });
      return true;
    } finally {
      await nc.close();
    }
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
