import { ContractViolation, ErrorCode, PlatoError, type ContractIssue } from '@plato/contracts';

/** The image is not present on the runtime (nothing is pulled: there is no registry to pull from). */
export class ImageNotFound extends PlatoError {
  constructor(
    readonly image: string,
    readonly runtime: string,
  ) {
    super(ErrorCode.NotFound, `image ${image} is not present on ${runtime} (Plato does not pull; build or import it first)`, {
      image,
      runtime,
    });
  }
}

/** No container has this id or name. */
export class ContainerNotFound extends PlatoError {
  constructor(
    readonly container: string,
    readonly runtime: string,
  ) {
    super(ErrorCode.NotFound, `container ${container} does not exist on ${runtime}`, { container, runtime });
  }
}

/** The operation needs a running container (exec) and this one is not running. */
export class ContainerNotRunning extends PlatoError {
  constructor(
    readonly container: string,
    readonly runtime: string,
  ) {
    super(ErrorCode.Conflict, `container ${container} is not running on ${runtime}`, { container, runtime });
  }
}

/** A container with this name exists but is not the one the spec describes (another image or labels). */
export class ContainerNameConflict extends PlatoError {
  constructor(
    readonly container: string,
    readonly reason: string,
  ) {
    super(ErrorCode.Conflict, `container ${container} already exists and differs from the spec: ${reason}`, { container, reason });
  }
}

/**
 * A container spec the runtime refuses before asking the engine (a non-loopback `hostIp`, a bad
 * port or limit) or that the engine rejected. A {@link ContractViolation}, so it maps like one.
 */
export class InvalidContainerSpec extends ContractViolation {
  constructor(
    readonly container: string,
    issues: ContractIssue[],
  ) {
    super(`container spec ${container}`, issues);
  }
}

/** The engine did not answer (daemon down, socket missing). */
export class RuntimeUnavailable extends PlatoError {
  constructor(
    readonly runtime: string,
    readonly endpoint: string,
    cause: unknown,
  ) {
    super(ErrorCode.Unavailable, `${runtime} at ${endpoint} is unavailable: ${messageOf(cause)}`, { runtime, endpoint });
    this.cause = cause;
  }
}

/** The engine answered with an error nothing above describes; names the operation and the container. */
export class RuntimeFailure extends PlatoError {
  constructor(
    readonly runtime: string,
    readonly operation: string,
    readonly target: string,
    cause: unknown,
  ) {
    super(ErrorCode.Internal, `${runtime} ${operation} ${target} failed: ${messageOf(cause)}`, { runtime, operation, target });
    this.cause = cause;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
