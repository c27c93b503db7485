import { Inject, Injectable } from '@nestjs/common';
import { ContractViolation, StreamHistory, Streams, parseOrThrow, type ReplyOf } from '@plato/contracts';
import { ControlPlaneClient } from '../control-plane.client.js';
import { HistoryKind } from '../openapi/http.schemas.js';

const streamOf: Record<HistoryKind, { segments: string[]; stream: (...ids: string[]) => string }> = {
  deployment: { segments: ['namespace', 'name'], stream: (namespace, name) => Streams.deployment(namespace!, name!) },
  node: { segments: ['nodeId'], stream: (nodeId) => Streams.node(nodeId!) },
  alloc: { segments: ['nodeId', 'allocId'], stream: (nodeId, allocId) => Streams.allocation(nodeId!, allocId!) },
};

/** Reads the event history of one object through the StreamHistory query. */
@Injectable()
export class HistoryService {
  constructor(@Inject(ControlPlaneClient) private readonly controlPlane: ControlPlaneClient) {}

  /**
   * The events of the object of `kind` named by `id`: `<namespace>/<name>` for a deployment,
   * `<nodeId>` for a node, `<nodeId>/<allocId>` for an allocation. The stream name comes from
   * `Streams` in the contracts.
   */
  history(kind: string, id: string | string[]): Promise<ReplyOf<typeof StreamHistory>> {
    return this.controlPlane.send(StreamHistory, { stream: streamName(kind, id) });
  }
}

function streamName(kind: string, id: string | string[]): string {
  const parsedKind = parseOrThrow(HistoryKind, kind, 'history path');
  const { segments, stream } = streamOf[parsedKind];
  const ids = (Array.isArray(id) ? id : id.split('/')).filter((segment) => segment.length > 0);
  if (ids.length !== segments.length) {
    throw new ContractViolation('history path', [
      { path: 'id', message: `a ${parsedKind} is named by ${segments.map((s) => `<${s}>`).join('/')}, got '${ids.join('/')}'` },
    ]);
  }
  try {
    return stream(...ids);
  } catch (error) {
    throw new ContractViolation('history path', [{ path: 'id', message: error instanceof Error ? error.message : String(error) }]);
  }
}
