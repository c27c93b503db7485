import { Inject, Injectable } from '@nestjs/common';
import { CordonNode, GetNode, ListNodes, UncordonNode, type ReplyOf } from '@plato/contracts';
import { ControlPlaneClient } from '../control-plane.client.js';
import { commandIdOf } from '../http/command-id.js';

/** Turns the node routes' requests into node commands and queries for the state-server. */
@Injectable()
export class NodesService {
  constructor(@Inject(ControlPlaneClient) private readonly controlPlane: ControlPlaneClient) {}

  /** Every node the log knows, with its state and what is allocated on it. */
  list(): Promise<ReplyOf<typeof ListNodes>> {
    return this.controlPlane.send(ListNodes, {});
  }

  /** One node. */
  get(nodeId: string): Promise<ReplyOf<typeof GetNode>> {
    return this.controlPlane.send(GetNode, { nodeId });
  }

  /** Takes the node out of scheduling. */
  cordon(nodeId: string, idempotencyKey: string | undefined): Promise<ReplyOf<typeof CordonNode>> {
    return this.controlPlane.send(CordonNode, { commandId: commandIdOf(idempotencyKey), nodeId });
  }

  /** Returns the node to scheduling. */
  uncordon(nodeId: string, idempotencyKey: string | undefined): Promise<ReplyOf<typeof UncordonNode>> {
    return this.controlPlane.send(UncordonNode, { commandId: commandIdOf(idempotencyKey), nodeId });
  }
}
