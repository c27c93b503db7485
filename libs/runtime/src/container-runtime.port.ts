/** Which engine an adapter drives. */
export type RuntimeName = 'docker' | 'lxd';

/**
 * A container's id as the runtime knows it: what {@link ContainerRuntime.create} returns. Docker's
 * is a hex id, LXD's is the instance name. Every method also accepts the container's name.
 */
export type ContainerId = string;

/** Whether an engine answers now; when it does not, `reason` says what happened when it was asked. */
export type RuntimeHealth = { readonly available: true } | { readonly available: false; readonly reason: string };

/** A transport protocol of a published port. */
export type PortProtocol = 'tcp' | 'udp';

/**
 * A container port published on the host. Plato publishes ports only on loopback
 * (127.0.0.0/8 or ::1): any other `hostIp` is refused by {@link ContainerRuntime.create}.
 */
export interface PortSpec {
  /** The port inside the container (1–65535). */
  container: number;
  /** The host port; omitted or 0 lets the runtime pick a free one (read it back from inspect). */
  host?: number;
  /** The loopback address to bind on the host (default `127.0.0.1`). */
  hostIp?: string;
  /** Default `tcp`. */
  protocol?: PortProtocol;
}

/**
 * What happens when the container's process exits. Plato's agent does its own restarts, so the
 * default is `'no'`; the others are passed to the engine unchanged.
 */
export type RestartPolicy = 'no' | 'on-failure' | 'always' | 'unless-stopped';

/** Resources a container may use, enforced by the engine as hard limits. */
export interface ResourceSpec {
  /** CPU in millicores (1000 = one core). Omitted: unlimited. */
  cpuMillis?: number;
  /** Memory in MiB. Omitted: unlimited. */
  memoryMiB?: number;
}

/** What {@link ContainerRuntime.create} makes. */
export interface ContainerSpec {
  /**
   * Unique per runtime and the key of idempotent creation. Plato uses the allocation id.
   * Portable names use letters, digits and `-`, start with a letter and have at most 63 characters
   * (LXD's rule, which Docker also accepts).
   */
  name: string;
  /** An image already present on the runtime (see {@link ContainerRuntime.ensureImage}). */
  image: string;
  /** The executable and its leading arguments; replaces the image's entrypoint when given. */
  command?: string[];
  /** Arguments after `command` (Docker: replaces the image's `CMD`). */
  args?: string[];
  env?: Record<string, string>;
  /**
   * Labels to find the container by. Plato sets `plato.alloc`, `plato.deployment`, `plato.node`;
   * tests add a run id so they remove exactly what they made.
   */
  labels?: Record<string, string>;
  resources?: ResourceSpec;
  ports?: PortSpec[];
  /** Default `'no'`. */
  restart?: RestartPolicy;
  /** With `restart: 'on-failure'`: how many restarts at most (0 or omitted: unbounded). */
  restartMaxRetries?: number;
}

/** A container's lifecycle state. `unknown` stands for a state a newer engine may add. */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

/** A port as it is bound on the host right now. */
export interface PublishedPort {
  container: number;
  protocol: PortProtocol;
  hostIp: string;
  host: number;
}

/** Limits as the engine reports them; `null` means unlimited. */
export interface ResourceLimits {
  cpuMillis: number | null;
  memoryMiB: number | null;
}

/** A container as the runtime sees it now. */
export interface ContainerInfo {
  id: ContainerId;
  name: string;
  image: string;
  /** Its labels (Docker merges the image's labels under the container's own). */
  labels: Record<string, string>;
  state: ContainerState;
  /** The process's exit code while the state is `exited` or `dead`; otherwise `null`. */
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /**
   * Published ports with their actual host port. A runtime-picked host port is known only while
   * the container runs; a fixed one is reported in every state.
   */
  ports: PublishedPort[];
  /** The limits read back from the engine, to compare with the spec's `resources`. */
  limits: ResourceLimits;
}

/** One row of {@link ContainerRuntime.list}. */
export interface ContainerSummary {
  id: ContainerId;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
}

/** What {@link ContainerRuntime.create} returns. */
export interface CreatedContainer {
  id: ContainerId;
  name: string;
  /** False when a container with this name already existed and was returned instead. */
  created: boolean;
}

/** The outcome of {@link ContainerRuntime.exec}. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** An image present on the runtime. */
export interface ImageInfo {
  ref: string;
  id: string;
}

/**
 * The port between Plato's node agent and a container engine (Docker, LXD). The agent calls it to
 * make the node's containers match its allocations; tests call it to inspect what happened.
 *
 * Invariants every adapter keeps (checked by `test/container-runtime.contract.ts`):
 * - Nothing is pulled from a registry: a missing image is an {@link ImageNotFound} naming it.
 * - `create` is idempotent by name, `start`/`stop` by state, `remove` by existence — so a
 *   reconcile loop can repeat any step after a crash.
 * - Ports are published only on loopback; a non-loopback `hostIp` is refused before the engine is
 *   asked, with an {@link InvalidContainerSpec} naming the port.
 * - Resources are enforced as hard limits and read back by `inspect` in the spec's units.
 * - Failures are {@link PlatoError}s naming the container or image: {@link ContainerNotFound},
 *   {@link ContainerNameConflict}, {@link RuntimeUnavailable}, {@link RuntimeFailure}.
 */
export abstract class ContainerRuntime {
  /** Which engine this adapter drives. */
  abstract readonly name: RuntimeName;

  /**
   * Whether the engine answers now and, when it does not, the {@link RuntimeUnavailable} message
   * naming its endpoint and the cause; never throws.
   */
  abstract health(): Promise<RuntimeHealth>;

  /** True when the engine answers; never throws. */
  async available(): Promise<boolean> {
    return (await this.health()).available;
  }

  /** Resolves with the image when it is present; otherwise rejects with {@link ImageNotFound}. */
  abstract ensureImage(ref: string): Promise<ImageInfo>;

  /**
   * Creates (does not start) a container. When one named `spec.name` exists already it is
   * returned with `created: false` provided it runs the same image and carries the spec's labels;
   * otherwise {@link ContainerNameConflict}. Concurrent creates of one name yield one container.
   */
  abstract create(spec: ContainerSpec): Promise<CreatedContainer>;

  /** Starts a created or stopped container; starting a running one does nothing. */
  abstract start(id: ContainerId): Promise<void>;

  /**
   * Asks the process to stop (SIGTERM), kills it after `timeoutMs` (default 10 000); stopping a
   * container that is not running does nothing.
   */
  abstract stop(id: ContainerId, options?: { timeoutMs?: number }): Promise<void>;

  /** Removes a container in any state (killing it if it runs); removing a missing one does nothing. */
  abstract remove(id: ContainerId): Promise<void>;

  /** The container's current state, or `null` when there is none by that id or name. */
  abstract inspect(id: ContainerId): Promise<ContainerInfo | null>;

  /** Containers in any state carrying every given label (`{}`: all containers). */
  abstract list(selector: { labels: Record<string, string> }): Promise<ContainerSummary[]>;

  /**
   * Resolves with the exit code once the container has exited (at once when it already has).
   * Call it on a started container; `signal` abandons the wait.
   */
  abstract waitExit(id: ContainerId, options?: { signal?: AbortSignal }): Promise<number>;

  /**
   * The container's output so far, stdout and stderr interleaved as the engine recorded them (each
   * stream in order; lines of the two streams written close together may swap); `tail` keeps the
   * last lines.
   */
  abstract logs(id: ContainerId, options?: { tail?: number }): Promise<string>;

  /**
   * Runs `cmd` inside a running container and resolves when it ends. A non-zero exit is a result,
   * not an error; a container that is not running is a {@link ContainerNotRunning}.
   */
  abstract exec(id: ContainerId, cmd: string[], options?: { env?: Record<string, string> }): Promise<ExecResult>;
}
