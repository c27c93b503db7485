import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

/** The machine a run measured, printed with its figures. */
export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  natsServer: string;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  loadAverage1m: number;
}

export function describeMachine(natsServerBinary: string): Machine {
  let natsServer = 'unknown';
  try {
    natsServer = execFileSync(natsServerBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^nats-server:\s*/, '');
  } catch {
    // reported as unknown
  }
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    natsServer,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, nats-server ${m.natsServer}, load average ${m.loadAverage1m} at start`;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is no /proc. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** Wall time of a measured phase and the CPU the bench (client) and nats-server used during it. */
export interface Timing {
  seconds: number;
  /** CPU of this Node process over the phase, in % of one core. */
  clientCpuPct: number;
  /** CPU of the nats-server process over the phase, in % of one core (NaN when unknown). */
  serverCpuPct: number;
}

/** Runs `work` and times it, with the CPU share of this process and of the server `serverPid`. */
export async function timed<T>(serverPid: number | undefined, work: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const server0 = serverPid !== undefined ? processCpuSeconds(serverPid) : undefined;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const server1 = serverPid !== undefined ? processCpuSeconds(serverPid) : undefined;
  const clientCpuPct = ((client.user + client.system) / 1e6 / seconds) * 100;
  const serverCpuPct = server0 !== undefined && server1 !== undefined ? ((server1 - server0) / seconds) * 100 : Number.NaN;
  return { value, timing: { seconds, clientCpuPct, serverCpuPct } };
}

/** Runs `task(0..total-1)` with at most `concurrency` in flight; rejects on the first failure. */
export async function pool(total: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < total && failed === undefined) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failed !== undefined) throw failed;
}
