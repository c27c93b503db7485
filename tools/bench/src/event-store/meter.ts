import { performance } from 'node:perf_hooks';
import { describeHost, hostLine, loadAverage1m, natsServerVersion, processCpuSeconds, type Host } from '../shared/machine.describe.js';

/** The machine a run measured, printed with its figures. */
export interface Machine extends Host {
  natsServer: string;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  loadAverage1m: number;
}

/** Describes this machine: CPUs, memory, Node and nats-server versions, load now. */
export function describeMachine(natsServerBinary?: string): Machine {
  return { ...describeHost(), natsServer: natsServerVersion(natsServerBinary, 'unknown'), loadAverage1m: loadAverage1m() };
}

/** One line naming the machine and its load at the start. */
export function machineLine(m: Machine): string {
  return `${hostLine(m)}, nats-server ${m.natsServer}, load average ${m.loadAverage1m} at start`;
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
  const server0 = processCpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const server1 = processCpuSeconds(serverPid);
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
