import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ApplyDeployment,
  GetDeployment,
  ListAllocations,
  StreamHistory,
  Streams,
  SubmitPlan,
  type AllocationView,
  type DeploymentSpecInput,
} from '@plato/contracts';
import { request } from '@plato/messaging';

/** A fresh command id. */
export const commandId = (): string => `cmd-${randomUUID()}`;

/**
 * What the agent tests ask of the real state-server, standing in for the CLI and the scheduler:
 * apply a deployment and place all its replicas on the test's node with one plan, and read an
 * allocation's view and history.
 */
export class TestControlPlane {
  constructor(
    private readonly client: () => NatsConnection,
    private readonly run: string,
    private readonly nodeId: string,
  ) {}

  /** Applies `name` and places its replicas on this node; resolves with their allocation ids (`<run>-<name>-<i>`). */
  async deploy(name: string, spec: Partial<DeploymentSpecInput> & { image: string }, replicas: number): Promise<string[]> {
    const client = this.client();
    await request(client, ApplyDeployment, { commandId: commandId(), spec: { name, replicas, ...spec } });
    const deployment = await request(client, GetDeployment, { name });
    const allocIds = Array.from({ length: replicas }, (_, i) => `${this.run}-${name}-${i}`);
    await request(client, SubmitPlan, {
      commandId: commandId(),
      plan: {
        basedOn: deployment.revision,
        createdAt: Date.now(),
        placements: allocIds.map((allocId, index) => ({
          allocId,
          nodeId: this.nodeId,
          namespace: 'default',
          deployment: name,
          version: deployment.version,
          index,
          resources: { cpu: deployment.spec.resources.cpu, memory: deployment.spec.resources.memory },
        })),
        stops: [],
        unplaced: [],
      },
    });
    return allocIds;
  }

  /** Stops an allocation of this node as the scheduler would (a plan with one stop, `scaled-down`). */
  async stop(allocId: string): Promise<void> {
    await request(this.client(), SubmitPlan, {
      commandId: commandId(),
      plan: { basedOn: 0, createdAt: Date.now(), placements: [], stops: [{ allocId, nodeId: this.nodeId, reason: 'scaled-down' }], unplaced: [] },
    });
  }

  /** The allocation as ListAllocations shows it (ended ones included); throws when it is not listed. */
  async allocation(allocId: string): Promise<AllocationView> {
    const { items } = await request(this.client(), ListAllocations, { nodeId: this.nodeId, includeTerminal: true });
    const found = items.find((item) => item.allocId === allocId);
    if (!found) throw new Error(`allocation ${allocId} is not listed`);
    return found;
  }

  /** The allocation's events. */
  async history(allocId: string) {
    return (await request(this.client(), StreamHistory, { stream: Streams.allocation(this.nodeId, allocId) })).events;
  }

  /** The node's events. */
  async nodeHistory() {
    return (await request(this.client(), StreamHistory, { stream: Streams.node(this.nodeId) })).events;
  }
}
