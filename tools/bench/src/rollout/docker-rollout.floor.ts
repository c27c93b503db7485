import { delay, eventually } from '@plato/testing';
import { dockerCli, floorRunArgs, type FloorSpec } from '../apply/docker-run.floor.js';
import type { DockerEngine } from '../apply/docker.engine.js';
import { answersHttp } from '../shared/http.probe.js';

/** The shape of a hand-made rollout: the same as the deployment's `update` block. */
export interface FloorRolloutShape {
  replicas: number;
  /** Containers replaced per batch. */
  maxParallel: number;
  /** The wait after a batch answers before the next one (also after the last). */
  minHealthyMs: number;
  /** `docker stop -t`: the agent's stop timeout (SIGTERM, then SIGKILL). */
  stopTimeoutSeconds: number;
}

/** One batch of a hand-made rollout; ms from the batch's start. */
export interface FloorBatch {
  /** Every `docker stop` + `docker rm` of the batch's old containers returned. */
  removedMs: number;
  /** Every `docker run -d` of its new containers returned. */
  ranMs: number;
  /** Every new container's published port answered HTTP. */
  answeredMs: number;
  /** `minHealthyMs` after that: the next batch starts. */
  nextMs: number;
}

/** One hand-made rollout; ms from its start. */
export interface FloorRollout {
  /** The last batch answered HTTP. */
  answeredMs: number;
  /** The last batch answered and `minHealthyMs` passed: done, as RolloutCompleted is for Plato. */
  doneMs: number;
  batches: FloorBatch[];
}

/**
 * The floor of a rolling update: the same rollout done by hand with the docker CLI on floor
 * containers of the same image, command and limits as the deployment (`docker run -d --init`,
 * loopback port, labelled `plato.bench=<label>` plus the run label). A rollout replaces
 * `maxParallel` containers at a time: `docker stop` + `docker rm` the batch's old ones (in
 * parallel), `docker run -d` as many new ones (in parallel, with the generation in `env`), poll
 * each new one's port until HTTP answers, wait `minHealthyMs`, then the next batch. Stop-first, as
 * Plato's default order. Holds the ids of the current generation; removing them all is the
 * caller's (by label).
 */
export class DockerRolloutFloor {
  private current: string[] = [];

  constructor(
    private readonly docker: DockerEngine,
    private readonly spec: FloorSpec,
    private readonly runLabel: string,
    private readonly label: string,
    private readonly shape: FloorRolloutShape,
  ) {}

  /** Runs generation 0: `replicas` containers, `maxParallel` at a time, until each answers HTTP. */
  async start(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < this.shape.replicas; i += this.shape.maxParallel) {
      const ids = await this.run(0, i, Math.min(this.shape.maxParallel, this.shape.replicas - i), deadline);
      this.current.push(...ids);
      await this.answering(ids, deadline);
    }
  }

  /** Rolls generation `generation` out over the current containers and times it. */
  async rollout(generation: number, timeoutMs: number): Promise<FloorRollout> {
    const t0 = Date.now();
    const deadline = t0 + timeoutMs;
    const batches: FloorBatch[] = [];
    const next: string[] = [];
    let answeredMs = Number.NaN;
    for (let i = 0; i < this.current.length; i += this.shape.maxParallel) {
      const old = this.current.slice(i, i + this.shape.maxParallel);
      const b0 = Date.now();
      await Promise.all(old.map((id) => this.remove(id, deadline)));
      const removedMs = Date.now() - b0;
      const ids = await this.run(generation, i, old.length, deadline);
      const ranMs = Date.now() - b0;
      await this.answering(ids, deadline);
      next.push(...ids);
      const answeredAt = Date.now();
      answeredMs = answeredAt - t0;
      await delay(this.shape.minHealthyMs);
      batches.push({ removedMs, ranMs, answeredMs: answeredAt - b0, nextMs: Date.now() - b0 });
    }
    this.current = next;
    return { answeredMs, doneMs: Date.now() - t0, batches };
  }

  private async remove(id: string, deadline: number): Promise<void> {
    await dockerCli(['stop', '-t', String(this.shape.stopTimeoutSeconds), id], remaining(deadline));
    await dockerCli(['rm', id], remaining(deadline));
  }

  private run(generation: number, first: number, count: number, deadline: number): Promise<string[]> {
    const spec: FloorSpec = { ...this.spec, env: { ...this.spec.env, BENCH_GENERATION: String(generation) } };
    return Promise.all(
      Array.from({ length: count }, (_, k) => dockerCli(floorRunArgs(spec, this.runLabel, this.label, `${this.label}-g${generation}-${first + k}`), remaining(deadline))),
    );
  }

  private async answering(ids: string[], deadline: number): Promise<void> {
    const listed = await this.docker.list(`plato.bench=${this.label}`);
    const ports = ids.map((id) => {
      const port = listed.find((c) => c.id === id)?.ports[0];
      if (port === undefined) throw new Error(`floor container ${id.slice(0, 12)} has no published port`);
      return port;
    });
    await Promise.all(
      ports.map((port) =>
        eventually(() => answersHttp(port, 500), { timeoutMs: remaining(deadline), intervalMs: 25, description: `floor container on 127.0.0.1:${port} answering HTTP` }),
      ),
    );
  }
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
