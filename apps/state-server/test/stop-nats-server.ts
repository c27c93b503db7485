import { eventually, type NatsServerProcess } from '@plato/testing';

/**
 * Stops a {@link NatsServerProcess} and waits until its PID is gone. Works around a bug in
 * `NatsServerProcess.stop()` of @plato/testing: its stderr handler keeps calling
 * `removeAllListeners('exit')` on every chunk after "Server is ready", so the shutdown log lines
 * remove the listener `stop()` awaits and it never resolves. Drop this once that is fixed.
 */
export async function stopNatsServer(nats: NatsServerProcess | undefined): Promise<void> {
  if (!nats) return;
  const pid = nats.pid;
  if (pid !== undefined) {
    signal(pid, 'SIGTERM');
    await eventually(() => !isAlive(pid), { description: `nats-server ${pid} to exit`, timeoutMs: 15_000 });
  }
  await nats.stop();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    return;
  }
}
