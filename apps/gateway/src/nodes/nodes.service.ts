import { Inject, Injectable } from '@nestjs/common';
import { CordonNode, DrainNode, GetNode, ListNodes, UncordonNode, parseDurationMs, parseOrThrow, type ReplyOf } from '@plato/contracts';
import { DrainQuery } from '../openapi/http.schemas.js';
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

  /** Cordons the node and moves its allocations elsewhere; `query.deadline` bounds how long. */
  drain(nodeId: string, query: unknown, idempotencyKey: string | undefined): Promise<ReplyOf<typeof DrainNode>> {
    const { deadline } = parseOrThrow(DrainQuery, query, 'query');
    const deadlineMs = deadline === undefined ? undefined : parseDurationMs(deadline);
    return this.controlPlane.send(DrainNode, { commandId: commandIdOf(idempotencyKey), nodeId, ...(deadlineMs !== undefined ? { deadlineMs } : {}) });
  }

  /** Returns the node to scheduling (and ends a drain). */
  uncordon(nodeId: string, idempotencyKey: string | undefined): Promise<ReplyOf<typeof UncordonNode>> {
    return this.controlPlane.send(UncordonNode, { commandId: commandIdOf(idempotencyKey), nodeId });
  }
}
