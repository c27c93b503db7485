import { Inject, Injectable } from '@nestjs/common';
import { Streams, type CordonNode, type DrainNode, type ParsedRequestOf, type RegisterNode, type UncordonNode } from '@plato/contracts';
import { Clock } from '../clock/clock.port.js';
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
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** DrainNode: cordons the node and starts its drain, with a deadline `deadlineMs` from now; NOT_FOUND if it never registered. */
  drain(command: ParsedRequestOf<typeof DrainNode>): Promise<CommandAccepted> {
    const deadline = command.deadlineMs === undefined ? undefined : new Date(this.clock.now() + command.deadlineMs).toISOString();
    return this.runner.execute(nodeDecider, {
      stream: Streams.node(command.nodeId),
      command: { type: 'DrainNode', nodeId: command.nodeId, ...(deadline !== undefined ? { deadline } : {}) },
      commandId: command.commandId,
    });
  }

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
