import { Inject, Injectable } from '@nestjs/common';
import { Streams, type CordonNode, type ParsedRequestOf, type RegisterNode, type UncordonNode } from '@plato/contracts';
import { AggregateCommandRunner, type CommandAccepted } from '../command/aggregate-command.runner.js';
import { nodeDecider } from '../command/aggregate.decider.js';
import { NodeLivenessMonitor } from '../liveness/node-liveness.monitor.js';

/**
 * Executes node commands through the {@link AggregateCommandRunner}. A registration counts as a
 * sign of life: it resets the node's last-seen time, and a lost node that registers recovers.
 */
@Injectable()
export class NodeCommandHandler {
  constructor(
    @Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner,
    @Inject(NodeLivenessMonitor) private readonly liveness: NodeLivenessMonitor,
  ) {}

  /** RegisterNode: a new node, or new facts of a known one; the same facts write nothing. */
  async register(command: ParsedRequestOf<typeof RegisterNode>): Promise<CommandAccepted> {
    const reply = await this.runner.execute(nodeDecider, {
      stream: Streams.node(command.nodeId),
      command: { type: 'RegisterNode', ...command },
      commandId: command.commandId,
    });
    this.liveness.seen(command.nodeId);
    return reply;
  }

  /** CordonNode: no new allocations on the node; NOT_FOUND if it never registered. */
  cordon(command: ParsedRequestOf<typeof CordonNode>): Promise<CommandAccepted> {
    return this.runner.execute(nodeDecider, {
      stream: Streams.node(command.nodeId),
      command: { type: 'CordonNode', nodeId: command.nodeId },
      commandId: command.commandId,
    });
  }

  /** UncordonNode: the node takes allocations again; NOT_FOUND if it never registered. */
  uncordon(command: ParsedRequestOf<typeof UncordonNode>): Promise<CommandAccepted> {
    return this.runner.execute(nodeDecider, {
      stream: Streams.node(command.nodeId),
      command: { type: 'UncordonNode', nodeId: command.nodeId },
      commandId: command.commandId,
    });
  }
}
