import Docker from 'dockerode';
import {
  ContainerRuntime,
  type ContainerId,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerState,
  type ContainerSummary,
  type CreatedContainer,
  type ExecResult,
  type ImageInfo,
  type PortProtocol,
  type RuntimeHealth,
  type PublishedPort,
} from './container-runtime.port.js';
import { existingOrConflict, normalizeSpec, type NormalizedSpec } from './container-spec.rules.js';
import { demuxDockerStream, framesText } from './docker-stream.codec.js';
import {
  ContainerNotFound,
  ContainerNotRunning,
  ImageNotFound,
  InvalidContainerSpec,
  RuntimeFailure,
  RuntimeUnavailable,
} from './runtime.errors.js';

/** Options of {@link DockerRuntime}. */
export interface DockerRuntimeOptions {
  /** The engine's API socket (default `/var/run/docker.sock`). */
  socketPath?: string;
  /** A client to use instead of one on `socketPath` (tests replace the engine with it). */
  docker?: Docker;
}

const states: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const bytesPerMiB = 1024 * 1024;
const zeroTime = '0001-01-01T00:00:00Z';

/**
 * {@link ContainerRuntime} on the Docker engine's API (through dockerode). Limits become
 * `HostConfig.NanoCpus` and `HostConfig.Memory`; ports become `PortBindings` on the spec's loopback
 * address; the spec's `command` is the entrypoint and `args` the `Cmd`. Containers run under the
 * engine's init (`Init: true`, tini), so a program that ignores SIGTERM as PID 1 (busybox httpd,
 * sleep) still stops on `stop` instead of waiting out the timeout.
 */
export class DockerRuntime extends ContainerRuntime {
  readonly name = 'docker' as const;
  private readonly docker: Docker;
  private readonly endpoint: string;

  constructor(options: DockerRuntimeOptions = {}) {
    super();
    const socketPath = options.socketPath ?? '/var/run/docker.sock';
    this.endpoint = socketPath;
    this.docker = options.docker ?? new Docker({ socketPath });
  }

  override async health(): Promise<RuntimeHealth> {
    try {
      await this.docker.ping();
      return { available: true };
    } catch (error) {
      return { available: false, reason: new RuntimeUnavailable(this.name, this.endpoint, error).message };
    }
  }

  override async ensureImage(ref: string): Promise<ImageInfo> {
    try {
      const image = await this.docker.getImage(ref).inspect();
      return { ref, id: image.Id };
    } catch (error) {
      if (statusOf(error) === 404) throw new ImageNotFound(ref, this.name);
      throw this.failure('inspect image', ref, error);
    }
  }

  override async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const s = normalizeSpec(spec);
    try {
      const container = await this.docker.createContainer(toCreateOptions(s));
      return { id: container.id, name: s.name, created: true };
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) return this.existing(s, error);
      if (status === 404) throw new ImageNotFound(s.image, this.name);
      if (status === 400) throw new InvalidContainerSpec(s.name, [{ path: '', message: `docker refused it: ${engineMessage(error)}` }]);
      throw this.failure('create', s.name, error);
    }
  }

  override async start(id: ContainerId): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) === 304) return;
      throw this.containerFailure('start', id, error);
    }
  }

  /**
   * `docker stop` with `timeoutMs` rounded up to whole seconds (the stop signal, then SIGKILL), and
   * the stop signal sent again every second meanwhile: a signal that reaches a CPU-limited
   * container's init before it has set up its handlers is lost (measured: `docker stop -t 5` right
   * after `docker run -d --cpus 0.02 -p 127.0.0.1::8080` waited the whole 5 s and killed, 137).
   */
  override async stop(id: ContainerId, options: { timeoutMs?: number } = {}): Promise<void> {
    const container = this.docker.getContainer(id);
    const seconds = Math.ceil((options.timeoutMs ?? 10_000) / 1000);
    let signal: string | undefined;
    const again = setInterval(() => {
      void (async () => {
        signal ??= ((await container.inspect()).Config as { StopSignal?: string }).StopSignal || 'SIGTERM';
        await container.kill({ signal });
      })().catch(() => undefined);
    }, 1_000);
    try {
      await container.stop({ t: seconds });
    } catch (error) {
      if (statusOf(error) === 304) return;
      throw this.containerFailure('stop', id, error);
    } finally {
      clearInterval(again);
    }
  }

  override async remove(id: ContainerId): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(engineMessage(error))) return;
      throw this.failure('remove', id, error);
    }
  }

  override async inspect(id: ContainerId): Promise<ContainerInfo | null> {
    try {
      return toInfo(await this.docker.getContainer(id).inspect());
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.failure('inspect', id, error);
    }
  }

  override async list(selector: { labels: Record<string, string> }): Promise<ContainerSummary[]> {
    const label = Object.entries(selector.labels).map(([key, value]) => `${key}=${value}`);
    try {
      const rows = await this.docker.listContainers({ all: true, filters: label.length > 0 ? { label } : {} });
      return rows.map((row) => ({
        id: row.Id,
        name: (row.Names[0] ?? '').replace(/^\//, ''),
        image: row.Image,
        labels: row.Labels ?? {},
        state: toState(row.State),
      }));
    } catch (error) {
      throw this.failure('list', label.join(',') || 'all containers', error);
    }
  }

  override async waitExit(id: ContainerId, options: { signal?: AbortSignal } = {}): Promise<number> {
    const container = this.docker.getContainer(id);
    try {
      const { State } = await container.inspect();
      if (State.Status === 'exited' || State.Status === 'dead') return State.ExitCode;
      const condition = State.Status === 'created' ? 'next-exit' : 'not-running';
      const result = (await container.wait({ condition, abortSignal: options.signal })) as { StatusCode: number };
      return result.StatusCode;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.containerFailure('wait for', id, error);
    }
  }

  override async logs(id: ContainerId, options: { tail?: number } = {}): Promise<string> {
    try {
      const output = await this.docker
        .getContainer(id)
        .logs({ stdout: true, stderr: true, follow: false, ...(options.tail !== undefined ? { tail: options.tail } : {}) });
      return framesText(demuxDockerStream(Buffer.isBuffer(output) ? output : Buffer.from(String(output))));
    } catch (error) {
      throw this.containerFailure('read logs of', id, error);
    }
  }

  override async exec(id: ContainerId, cmd: string[], options: { env?: Record<string, string> } = {}): Promise<ExecResult> {
    try {
      const exec = await this.docker.getContainer(id).exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        Env: toEnv(options.env ?? {}),
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      const frames = demuxDockerStream(Buffer.concat(chunks));
      return { exitCode: await exitCodeOf(exec), stdout: framesText(frames, 'stdout'), stderr: framesText(frames, 'stderr') };
    } catch (error) {
      if (statusOf(error) === 409) throw new ContainerNotRunning(id, this.name);
      throw this.containerFailure('exec in', id, error);
    }
  }

  private async existing(s: NormalizedSpec, cause: unknown): Promise<CreatedContainer> {
    let found = await this.inspect(s.name);
    for (let attempt = 0; !found && attempt < 100; attempt += 1) {
      await pause(20);
      found = await this.inspect(s.name);
    }
    if (!found) throw this.failure('create', s.name, cause);
    return existingOrConflict(s, found);
  }

  private containerFailure(operation: string, id: string, error: unknown): Error {
    if (statusOf(error) === 404) return new ContainerNotFound(id, this.name);
    return this.failure(operation, id, error);
  }

  private failure(operation: string, target: string, error: unknown): Error {
    if (isConnectionError(error)) return new RuntimeUnavailable(this.name, this.endpoint, error);
    return new RuntimeFailure(this.name, operation, target, error);
  }
}

function toCreateOptions(s: NormalizedSpec): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of s.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: port.hostIp, HostPort: port.host === 0 ? '' : String(port.host) });
  }
  return {
    name: s.name,
    Image: s.image,
    ...(s.command ? { Entrypoint: s.command } : {}),
    ...(s.args ? { Cmd: s.args } : {}),
    Env: toEnv(s.env),
    Labels: s.labels,
    ExposedPorts: exposed,
    HostConfig: {
      Init: true,
      PortBindings: bindings,
      ...(s.cpuMillis !== undefined ? { NanoCpus: s.cpuMillis * 1_000_000 } : {}),
      ...(s.memoryMiB !== undefined ? { Memory: s.memoryMiB * bytesPerMiB } : {}),
      RestartPolicy: { Name: s.restart, ...(s.restart === 'on-failure' ? { MaximumRetryCount: s.restartMaxRetries } : {}) },
    },
  };
}

function toInfo(raw: Docker.ContainerInspectInfo): ContainerInfo {
  const state = toState(raw.State.Status);
  const host = raw.HostConfig;
  const cpuMillis =
    host.NanoCpus && host.NanoCpus > 0
      ? Math.round(host.NanoCpus / 1_000_000)
      : host.CpuQuota && host.CpuQuota > 0 && host.CpuPeriod
        ? Math.round((host.CpuQuota / host.CpuPeriod) * 1000)
        : null;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    image: raw.Config.Image,
    labels: raw.Config.Labels ?? {},
    state,
    exitCode: state === 'exited' || state === 'dead' ? raw.State.ExitCode : null,
    startedAt: toDate(raw.State.StartedAt),
    finishedAt: toDate(raw.State.FinishedAt),
    ports: publishedPorts(raw),
    limits: { cpuMillis, memoryMiB: host.Memory && host.Memory > 0 ? host.Memory / bytesPerMiB : null },
  };
}

function publishedPorts(raw: Docker.ContainerInspectInfo): PublishedPort[] {
  const requested = (raw.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
  const bound = (raw.NetworkSettings?.Ports ?? {}) as Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
  const ports: PublishedPort[] = [];
  for (const key of Object.keys(requested)) {
    const [portText, protocol = 'tcp'] = key.split('/');
    const live = bound[key];
    const bindings = live && live.length > 0 ? live : (requested[key] ?? []);
    for (const binding of bindings) {
      const hostPort = Number(binding.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      ports.push({ container: Number(portText), protocol: protocol as PortProtocol, hostIp: binding.HostIp || '0.0.0.0', host: hostPort });
    }
  }
  return ports;
}

function toState(status: string): ContainerState {
  return (states as readonly string[]).includes(status) ? (status as ContainerState) : 'unknown';
}

function toDate(text: string | undefined): Date | null {
  if (!text || text === zeroTime) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1 ? null : date;
}

function toEnv(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (attempt >= 200) throw new Error(`exec ${info.ID} still reports running after its output ended`);
    await pause(10);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  return error instanceof Error ? error.message : String(error);
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EPIPE';
}
