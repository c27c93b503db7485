import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:net';
import { PlatoError } from '@plato/contracts';
import {
  ContainerRuntime,
  type ContainerId,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerSummary,
  type CreatedContainer,
  type ExecResult,
  type ImageInfo,
  type PortProtocol,
  type RuntimeHealth,
} from './container-runtime.port.js';
import { existingOrConflict, normalizeSpec, type NormalizedPort, type NormalizedSpec } from './container-spec.rules.js';
import {
  CommandKey,
  ImageRefKey,
  LabelKeyPrefix,
  PortDevicePrefix,
  WorkloadInitCommand,
  WorkloadPaths,
  WorkloadVariable,
  cpuAllowance,
  cpuMillisFromConfig,
  hasRun,
  labelsFromConfig,
  labelsToConfig,
  memoryLimit,
  memoryMiBFromConfig,
  parseExitCode,
  proxyDevice,
  publishedPortsFromDevices,
  tailLines,
  toState,
  workloadScript,
  encodeLabelKey,
} from './lxd-config.codec.js';
import { LxdApiError, LxdClient, type LxdOperation } from './lxd.client.js';
import { LxdExitPoller } from './lxd-exit.poller.js';
import {
  ContainerNotFound,
  ContainerNotRunning,
  ImageNotFound,
  InvalidContainerSpec,
  RuntimeFailure,
  RuntimeUnavailable,
} from './runtime.errors.js';

/** Options of {@link LxdRuntime}. */
export interface LxdRuntimeOptions {
  /** LXD's API socket (default `/var/lib/lxd/unix.socket`). */
  socketPath?: string;
  /** How long one LXD operation (create, start, exec, delete, import…) may take (default 120 000 ms). */
  operationTimeoutMs?: number;
  /** Profiles every instance gets (default `['default']`: the root disk, and no network here). */
  profiles?: string[];
  /** A client to use instead of one on `socketPath`. */
  client?: LxdClient;
}

/** What {@link LxdRuntime.importImage} did. */
export interface ImportedImage extends ImageInfo {
  /** False when LXD already held an image with the tarball's fingerprint (nothing was uploaded). */
  imported: boolean;
}

/** An instance as `GET /1.0/instances/<name>` returns it (the fields the adapter reads). */
interface LxdInstance {
  name: string;
  status: string;
  config: Record<string, string>;
  expanded_config?: Record<string, string>;
  devices: Record<string, Record<string, string>>;
  last_used_at?: string;
}

const runtimeName = 'lxd';
const killedExitCode = 137;
const busyRetryMs = 30_000;
const cleanStopAttemptSeconds = 1;
/** The image property tools/images/build sets: an image carrying it is Plato's to prune. */
const ImageContentProperty = 'plato.image.content';
const safeFilterValue = /^[A-Za-z0-9._-]+$/;
const filterWords = /^(and|or|not|eq|ne|lt|gt|le|ge)$/i;

/**
 * {@link ContainerRuntime} on LXD's REST API, over its unix socket (undici; no `lxc` CLI). One
 * Plato container is one LXD system container (instance) named as the spec says; its id is that
 * name. The mapping (see the README's table):
 *
 * - labels → `user.plato.label.<key>` config keys (keys encoded by `encodeLabelKey`), image ref →
 *   `user.plato.image`; `list` filters on those keys server-side (LXD's `filter=`) and again here;
 * - `cpuMillis` → `limits.cpu.allowance` as a hard CFS quota (`25ms/100ms` for 250), `memoryMiB` →
 *   `limits.memory`; `security.privileged` and `security.nesting` are false;
 * - ports → one proxy device `plato-port-<i>` each, listening on the spec's loopback address and
 *   connecting to the container's 127.0.0.1; a host port of 0 is picked free at `create` and kept;
 * - command + args → the workload: PID 1 is a shell (`raw.lxc: lxc.init.cmd`) evaluating a
 *   one-line script kept in the instance's config (`environment.PLATO_WORKLOAD`) that traps
 *   `stop`'s SIGPWR, brings `lo` up, runs the argv with its output appended to `/.plato/output`,
 *   forwards the signal as SIGTERM, writes the exit status to `/.plato/exit` and exits, which stops
 *   the container. Nothing is written into the container before a start. Without command and args
 *   the image's own init boots.
 * - env → `environment.<NAME>` (seen by the workload and by `exec`).
 *
 * The image must have `/bin/sh` (any busybox or distribution image has). Restart policies other
 * than `no` are refused: LXD has none, Plato's agent restarts.
 */
export class LxdRuntime extends ContainerRuntime {
  readonly name = runtimeName;
  private readonly client: LxdClient;
  private readonly profiles: string[];
  private readonly removals = new Map<string, Promise<void>>();
  private readonly fileReads = new Map<string, Set<Promise<unknown>>>();
  private readonly exits = new LxdExitPoller(() => this.runningNames());

  constructor(options: LxdRuntimeOptions = {}) {
    super();
    this.client = options.client ?? new LxdClient({ socketPath: options.socketPath, operationTimeoutMs: options.operationTimeoutMs });
    this.profiles = options.profiles ?? ['default'];
  }

  /** Closes the connections to LXD's socket. */
  async close(): Promise<void> {
    await this.client.close();
  }

  override async health(): Promise<RuntimeHealth> {
    try {
      await this.client.sync('GET', '/1.0');
      return { available: true };
    } catch (error) {
      return { available: false, reason: new RuntimeUnavailable(this.name, this.client.socketPath, error).message };
    }
  }

  /** Finds the image by its alias (the ref, `/` and `:` included); its id is the fingerprint. */
  override async ensureImage(ref: string): Promise<ImageInfo> {
    try {
      const alias = await this.client.sync<{ target: string }>('GET', `/1.0/images/aliases/${encodeURIComponent(ref)}`);
      return { ref, id: alias.target };
    } catch (error) {
      if (error instanceof LxdApiError && error.status === 404) throw new ImageNotFound(ref, this.name);
      throw this.failure('find image', ref, error);
    }
  }

  /**
   * Imports a unified image tarball (`metadata.yaml` + `rootfs/`) and points `alias` at it. The
   * tarball's SHA-256 is its LXD fingerprint: when LXD holds that image already nothing is
   * uploaded, and when the alias already names it nothing changes — so it is cheap to call before
   * every use. An alias naming another image is moved to this one, and that image is deleted when
   * no alias names it any more and it came from Plato's image build (its `plato.image.content`
   * property): rebuilt tarballs leave no stale images behind. Instances created from it keep
   * running; LXD copied the image into each.
   */
  async importImage(tarballPath: string, alias: string): Promise<ImportedImage> {
    try {
      const fingerprint = await sha256File(tarballPath);
      let imported = false;
      if (!(await this.imageExists(fingerprint))) {
        try {
          const op = await this.client.operation('POST', '/1.0/images', { raw: createReadStream(tarballPath) });
          const actual = op.metadata?.['fingerprint'];
          if (typeof actual === 'string' && actual !== fingerprint) throw new Error(`LXD fingerprinted ${tarballPath} as ${actual}, not ${fingerprint}`);
          imported = true;
        } catch (error) {
          if (!(error instanceof LxdApiError && /already exists/i.test(error.message))) throw error;
        }
      }
      await this.pointAlias(alias, fingerprint);
      return { ref: alias, id: fingerprint, imported };
    } catch (error) {
      if (error instanceof PlatoError) throw error;
      throw this.failure('import image', `${tarballPath} as ${alias}`, error);
    }
  }

  override async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const s = normalizeSpec(spec);
    if (s.restart !== 'no') {
      throw new InvalidContainerSpec(s.name, [{ path: 'restart', message: `${s.restart} is not supported on LXD (it has no restart policy): use 'no'` }]);
    }
    const image = await this.ensureImage(s.image);
    try {
      const ports = await Promise.all(s.ports.map(withHostPort));
      await this.client.operation('POST', '/1.0/instances', { json: this.instanceBody(s, image.id, ports) });
      return { id: s.name, name: s.name, created: true };
    } catch (error) {
      if (error instanceof LxdApiError && /already exists|busy running a "create"/i.test(error.message)) return this.existing(s, error);
      if (error instanceof LxdApiError && error.status === 400 && /invalid/i.test(error.message)) {
        throw new InvalidContainerSpec(s.name, [{ path: '', message: `lxd refused it: ${error.message}` }]);
      }
      throw this.failure('create', s.name, error);
    }
  }

  /** Starts the instance (its PID 1 evaluates the workload script kept in its config). */
  override async start(id: ContainerId): Promise<void> {
    try {
      const instance = await this.instance(id);
      if (!instance) throw new ContainerNotFound(id, this.name);
      if (instance.status === 'Running') return;
      await this.whenIdle(() => this.client.operation('PUT', `${instancePath(instance.name)}/state`, { json: { action: 'start' } }));
    } catch (error) {
      if (error instanceof LxdApiError && /already running/i.test(error.message)) return;
      throw this.containerFailure('start', id, error);
    }
  }

  /**
   * Stops through LXD's clean shutdown (SIGPWR to PID 1, forwarded to the workload as SIGTERM)
   * within `timeoutMs` rounded up to whole seconds; when that does not end it in time, a forced
   * stop kills it and its exit code is recorded as 137. The clean shutdown is asked for one second
   * at a time: LXD sends SIGPWR once per request, and one sent within a few hundred ms of the start
   * is lost (measured: a stop right after a start waited out 5 s and killed the workload; asking
   * again a second later stops it cleanly).
   */
  override async stop(id: ContainerId, options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + Math.ceil((options.timeoutMs ?? 10_000) / 1000) * 1000;
    try {
      const instance = await this.instance(id);
      if (!instance) throw new ContainerNotFound(id, this.name);
      if (instance.status === 'Stopped') return;
      for (let left = Math.ceil((deadline - Date.now()) / 1000); left > 0; left = Math.ceil((deadline - Date.now()) / 1000)) {
        const timeout = Math.min(left, cleanStopAttemptSeconds);
        try {
          await this.whenIdle(() =>
            this.client.operation('PUT', `${instancePath(instance.name)}/state`, { json: { action: 'stop', timeout, force: false } }, timeout * 1000 + 30_000),
          );
          return;
        } catch (error) {
          if (error instanceof LxdApiError && /already stopped|not running/i.test(error.message)) return;
          if (!(error instanceof LxdApiError)) throw error;
        }
      }
      await this.forceStop(instance);
    } catch (error) {
      throw this.containerFailure('stop', id, error);
    }
  }

  /**
   * Stops (forced) and deletes the instance. It never overlaps a file-API read of the same
   * instance through this runtime (the exit code an inspect reads, the logs): it waits for reads
   * under way, and reads wait for it. LXD 5.0 leaves a DELETE running for good when a file read of
   * the stopped instance races it.
   */
  override async remove(id: ContainerId): Promise<void> {
    const pending = this.removals.get(id);
    if (pending) return pending;
    const removal = this.removeNow(id).finally(() => this.removals.delete(id));
    this.removals.set(id, removal);
    return removal;
  }

  /** The names of the instances LXD runs now. */
  private async runningNames(): Promise<ReadonlySet<string>> {
    const urls = await this.client.sync<string[]>('GET', `/1.0/instances?filter=${encodeURIComponent('status eq Running')}`);
    return new Set(urls.map((url) => decodeURIComponent(url.split('?')[0]!.split('/').pop()!)));
  }

  /** Reads a file of instance `name` through the file API, never while it is being removed. */
  private async readFile(name: string, path: string): ReturnType<LxdClient['file']> {
    await this.removals.get(name)?.catch(() => undefined);
    const read = this.client.file(path);
    const reads = this.fileReads.get(name) ?? new Set<Promise<unknown>>();
    this.fileReads.set(name, reads);
    reads.add(read);
    try {
      return await read;
    } finally {
      reads.delete(read);
      if (reads.size === 0) this.fileReads.delete(name);
    }
  }

  private async removeNow(id: ContainerId): Promise<void> {
    await Promise.allSettled([...(this.fileReads.get(id) ?? [])]);
    for (let attempt = 1; ; attempt++) {
      try {
        const instance = await this.instance(id);
        if (!instance) return;
        if (instance.status !== 'Stopped') await this.forceStop(instance, false);
        await this.whenIdle(() => this.client.operation('DELETE', instancePath(instance.name)));
        return;
      } catch (error) {
        if (error instanceof LxdApiError && error.status === 404) return;
        if (error instanceof LxdApiError && (await this.instance(id).catch(() => undefined)) === null) return;
        if (attempt < 3 && error instanceof LxdApiError && /instance is running/i.test(error.message)) continue;
        throw this.failure('remove', id, error);
      }
    }
  }

  override async inspect(id: ContainerId): Promise<ContainerInfo | null> {
    try {
      const instance = await this.instance(id);
      return instance ? await this.toInfo(instance) : null;
    } catch (error) {
      throw this.failure('inspect', id, error);
    }
  }

  override async list(selector: { labels: Record<string, string> }): Promise<ContainerSummary[]> {
    const wanted = Object.entries(selector.labels);
    const filter = wanted
      .filter(([, value]) => safeFilterValue.test(value) && !filterWords.test(value))
      .map(([key, value]) => `config.${LabelKeyPrefix}${encodeLabelKey(key)} eq ${value}`)
      .join(' and ');
    try {
      const instances = await this.client.sync<LxdInstance[]>('GET', `/1.0/instances?recursion=1${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`);
      return instances
        .map((instance) => ({ instance, labels: labelsFromConfig(instance.config) }))
        .filter(({ labels }) => wanted.every(([key, value]) => labels[key] === value))
        .map(({ instance, labels }) => ({
          id: instance.name,
          name: instance.name,
          image: imageRefOf(instance),
          labels,
          state: toState(instance.status, instance.last_used_at),
        }));
    } catch (error) {
      throw this.failure('list', wanted.map(([k, v]) => `${k}=${v}`).join(',') || 'all containers', error);
    }
  }

  /**
   * Resolves once the instance has stopped after running, with the exit code {@link inspect}
   * reads. Every wait of this runtime shares one poll of LXD's running instances every 100 ms
   * ({@link LxdExitPoller}); the instance itself is read only when it left that list.
   */
  override async waitExit(id: ContainerId, options: { signal?: AbortSignal } = {}): Promise<number> {
    const { signal } = options;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const instance = await this.instance(id);
        if (!instance) throw new ContainerNotFound(id, this.name);
        const state = toState(instance.status, instance.last_used_at);
        if (state === 'exited' || state === 'dead') return (await this.exitOf(instance)).exitCode;
        await this.exits.notRunning(instance.name, signal);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw this.containerFailure('wait for', id, error);
    }
  }

  /**
   * The workload's stdout and stderr as it wrote them to `/.plato/output` (both streams into one
   * file, so their order is kept), across every run of the container; `''` before the first start.
   * A container booting the image's own init has no workload: its console log is returned.
   */
  override async logs(id: ContainerId, options: { tail?: number } = {}): Promise<string> {
    try {
      const instance = await this.instance(id);
      if (!instance) throw new ContainerNotFound(id, this.name);
      const source = commandOf(instance.config) ? filePath(instance.name, WorkloadPaths.output) : `${instancePath(instance.name)}/console`;
      const text = (await this.readFile(instance.name, source))?.content.toString('utf8') ?? '';
      return options.tail !== undefined ? tailLines(text, options.tail) : text;
    } catch (error) {
      throw this.containerFailure('read logs of', id, error);
    }
  }

  /** Runs `cmd` through `POST /1.0/instances/<name>/exec` with recorded output, then deletes the records. */
  override async exec(id: ContainerId, cmd: string[], options: { env?: Record<string, string> } = {}): Promise<ExecResult> {
    let op: LxdOperation;
    try {
      op = await this.client.operation('POST', `${instancePath(id)}/exec`, {
        json: { command: cmd, environment: options.env ?? {}, 'wait-for-websocket': false, 'record-output': true, interactive: false },
      });
    } catch (error) {
      if (error instanceof LxdApiError && /not running/i.test(error.message)) throw new ContainerNotRunning(id, this.name);
      throw this.containerFailure('exec in', id, error);
    }
    try {
      const metadata = op.metadata ?? {};
      const output = (metadata['output'] ?? {}) as Record<string, string>;
      const [stdout, stderr] = await Promise.all([output['1'], output['2']].map((path) => (path ? this.client.file(path) : null)));
      await Promise.all(Object.values(output).map((path) => this.client.sync('DELETE', path).catch(() => undefined)));
      return {
        exitCode: Number(metadata['return'] ?? -1),
        stdout: stdout?.content.toString('utf8') ?? '',
        stderr: stderr?.content.toString('utf8') ?? '',
      };
    } catch (error) {
      throw this.containerFailure('read the exec output of', id, error);
    }
  }

  private instanceBody(s: NormalizedSpec, fingerprint: string, ports: NormalizedPort[]): object {
    const argv = [...(s.command ?? []), ...(s.args ?? [])];
    const config: Record<string, string> = {
      'security.privileged': 'false',
      'security.nesting': 'false',
      [ImageRefKey]: s.image,
      ...labelsToConfig(s.labels),
      ...Object.fromEntries(Object.entries(s.env).map(([key, value]) => [`environment.${key}`, value])),
      ...(s.cpuMillis !== undefined ? { 'limits.cpu.allowance': cpuAllowance(s.cpuMillis) } : {}),
      ...(s.memoryMiB !== undefined ? { 'limits.memory': memoryLimit(s.memoryMiB) } : {}),
      ...(argv.length > 0
        ? { [CommandKey]: JSON.stringify(argv), [`environment.${WorkloadVariable}`]: workloadScript(argv), 'raw.lxc': WorkloadInitCommand }
        : {}),
    };
    const devices = Object.fromEntries(ports.map((port, i) => [`${PortDevicePrefix}${i}`, proxyDevice(port)]));
    return { name: s.name, type: 'container', source: { type: 'image', fingerprint }, profiles: this.profiles, config, devices };
  }

  private async existing(s: NormalizedSpec, cause: unknown): Promise<CreatedContainer> {
    let found = await this.inspect(s.name);
    for (let attempt = 0; !found && attempt < busyRetryMs / 20; attempt += 1) {
      await pause(20);
      found = await this.inspect(s.name);
    }
    if (!found) throw this.failure('create', s.name, cause);
    return existingOrConflict(s, found);
  }

  private async instance(id: string): Promise<LxdInstance | null> {
    try {
      return await this.client.sync<LxdInstance>('GET', instancePath(id));
    } catch (error) {
      if (error instanceof LxdApiError && error.status === 404) return null;
      throw error;
    }
  }

  private async toInfo(instance: LxdInstance): Promise<ContainerInfo> {
    const state = toState(instance.status, instance.last_used_at);
    const startedAt = hasRun(instance.last_used_at) ? new Date(instance.last_used_at!) : null;
    const exit = state === 'exited' || state === 'dead' ? await this.exitOf(instance) : null;
    const finishedAt = exit?.finishedAt && startedAt && exit.finishedAt < startedAt ? startedAt : (exit?.finishedAt ?? null);
    const limitsConfig = instance.expanded_config ?? instance.config;
    return {
      id: instance.name,
      name: instance.name,
      image: imageRefOf(instance),
      labels: labelsFromConfig(instance.config),
      state,
      exitCode: exit?.exitCode ?? null,
      startedAt,
      finishedAt,
      ports: publishedPortsFromDevices(instance.devices ?? {}),
      limits: { cpuMillis: cpuMillisFromConfig(limitsConfig), memoryMiB: memoryMiBFromConfig(limitsConfig) },
    };
  }

  /**
   * The exit of a stopped instance: the code the workload script wrote (its file's mtime, whole
   * seconds, is the finish time); 137 when the script was killed before writing one; 0 for an
   * instance booting the image's own init, which reports no code.
   */
  private async exitOf(instance: LxdInstance): Promise<{ exitCode: number; finishedAt: Date | null }> {
    if (!commandOf(instance.config)) return { exitCode: 0, finishedAt: null };
    const file = await this.readFile(instance.name, filePath(instance.name, WorkloadPaths.exit));
    const code = file ? parseExitCode(file.content.toString('utf8')) : null;
    return code === null ? { exitCode: killedExitCode, finishedAt: file?.modifiedAt ?? null } : { exitCode: code, finishedAt: file!.modifiedAt };
  }

  private async forceStop(instance: LxdInstance, recordExit = true): Promise<void> {
    try {
      await this.whenIdle(() => this.client.operation('PUT', `${instancePath(instance.name)}/state`, { json: { action: 'stop', force: true } }));
    } catch (error) {
      if (!(error instanceof LxdApiError && /already stopped|not running/i.test(error.message))) throw error;
    }
    if (recordExit && commandOf(instance.config) && !(await this.client.file(filePath(instance.name, WorkloadPaths.exit)))) {
      await this.client.sync('POST', filePath(instance.name, WorkloadPaths.exit), { raw: `${killedExitCode}\n`, headers: fileHeaders('file', '0644') });
    }
  }

  private async imageExists(fingerprint: string): Promise<boolean> {
    try {
      await this.client.sync('GET', `/1.0/images/${fingerprint}`);
      return true;
    } catch (error) {
      if (error instanceof LxdApiError && error.status === 404) return false;
      throw error;
    }
  }

  /** Deletes the image of `fingerprint` if no alias names it and Plato's image build made it. */
  private async pruneImage(fingerprint: string): Promise<void> {
    try {
      const image = await this.client.sync<{ aliases?: unknown[]; properties?: Record<string, string> }>('GET', `/1.0/images/${fingerprint}`);
      if ((image.aliases ?? []).length > 0 || !image.properties?.[ImageContentProperty]) return;
      await this.client.operation('DELETE', `/1.0/images/${fingerprint}`);
    } catch (error) {
      if (!(error instanceof LxdApiError && error.status === 404)) throw error;
    }
  }

  private async pointAlias(alias: string, fingerprint: string, attempt = 0): Promise<void> {
    const path = `/1.0/images/aliases/${encodeURIComponent(alias)}`;
    let current: { target: string } | null = null;
    try {
      current = await this.client.sync<{ target: string }>('GET', path);
    } catch (error) {
      if (!(error instanceof LxdApiError && error.status === 404)) throw error;
    }
    if (current?.target === fingerprint) return;
    try {
      if (current) {
        await this.client.sync('PUT', path, { json: { target: fingerprint, description: '' } });
        await this.pruneImage(current.target);
      }
      else await this.client.sync('POST', '/1.0/images/aliases', { json: { name: alias, target: fingerprint, description: '' } });
    } catch (error) {
      if (attempt < 3 && error instanceof LxdApiError && /already exists|not found/i.test(error.message)) return this.pointAlias(alias, fingerprint, attempt + 1);
      throw error;
    }
  }

  /**
   * Runs `action`, again while LXD answers that the instance is busy with another operation (its
   * own clean-up after the workload exited, a concurrent start or delete), for up to 30 s.
   */
  private async whenIdle<T>(action: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + busyRetryMs;
    for (let interval = 10; ; interval = Math.min(200, interval * 2)) {
      try {
        return await action();
      } catch (error) {
        if (!(error instanceof LxdApiError && /busy running/i.test(error.message)) || Date.now() >= deadline) throw error;
      }
      await pause(interval);
    }
  }

  private containerFailure(operation: string, id: string, error: unknown): Error {
    if (error instanceof PlatoError) return error;
    if (error instanceof LxdApiError && error.status === 404) return new ContainerNotFound(id, this.name);
    return this.failure(operation, id, error);
  }

  private failure(operation: string, target: string, error: unknown): Error {
    if (error instanceof PlatoError) return error;
    if (isConnectionError(error)) return new RuntimeUnavailable(this.name, this.client.socketPath, error);
    return new RuntimeFailure(this.name, operation, target, error);
  }
}

function instancePath(name: string): string {
  return `/1.0/instances/${encodeURIComponent(name)}`;
}

function filePath(name: string, path: string): string {
  return `${instancePath(name)}/files?path=${encodeURIComponent(path)}`;
}

function fileHeaders(type: 'file' | 'directory', mode: string): Record<string, string> {
  return { 'x-lxd-type': type, 'x-lxd-mode': mode, 'x-lxd-uid': '0', 'x-lxd-gid': '0', 'x-lxd-write': 'overwrite' };
}

function commandOf(config: Record<string, string>): string[] | null {
  const text = config[CommandKey];
  if (!text) return null;
  const argv = JSON.parse(text) as unknown;
  return Array.isArray(argv) && argv.length > 0 ? argv.map(String) : null;
}

function imageRefOf(instance: LxdInstance): string {
  return instance.config[ImageRefKey] ?? instance.config['volatile.base_image'] ?? '';
}

async function withHostPort(port: NormalizedPort): Promise<NormalizedPort> {
  return port.host !== 0 ? port : { ...port, host: await freeHostPort(port.hostIp, port.protocol) };
}

/** A port free right now on `hostIp` (the kernel's pick); LXD binds it when the instance starts. */
function freeHostPort(hostIp: string, protocol: PortProtocol): Promise<number> {
  return new Promise((resolve, reject) => {
    if (protocol === 'udp') {
      const socket = createSocket(hostIp.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind(0, hostIp, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
      return;
    }
    const server = createServer();
    server.once('error', reject);
    server.listen(0, hostIp, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isConnectionError(error: unknown): boolean {
  const codes = ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED'];
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.includes(code)) return true;
  }
  return false;
}
