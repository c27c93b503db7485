/** Default liveness timeout: agents heartbeat every 1 000 ms, so three missed beats mark a node lost. */
export const defaultNodeTimeoutMs = 3_000;

/** The state-server's settings. Provided under the `StateServerConfig` token. */
export class StateServerConfig {
  constructor(
    /** A ready node whose last heartbeat is older than this is marked lost (`PLATO_NODE_TIMEOUT_MS`). */
    readonly nodeTimeoutMs: number = defaultNodeTimeoutMs,
  ) {
    if (!Number.isInteger(nodeTimeoutMs) || nodeTimeoutMs < 1) throw new Error(`nodeTimeoutMs must be a positive integer, got ${nodeTimeoutMs}`);
  }

  /** How often the liveness monitor looks for overdue nodes: a quarter of the timeout. */
  get livenessIntervalMs(): number {
    return Math.max(1, Math.floor(this.nodeTimeoutMs / 4));
  }

  /** The settings from the environment: `PLATO_NODE_TIMEOUT_MS` (milliseconds, default 3 000). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): StateServerConfig {
    const raw = env['PLATO_NODE_TIMEOUT_MS']?.trim();
    if (!raw) return new StateServerConfig();
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`PLATO_NODE_TIMEOUT_MS must be a positive integer of milliseconds, got '${raw}'`);
    return new StateServerConfig(value);
  }
}
