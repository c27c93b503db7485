import { Inject, Injectable } from '@nestjs/common';
import { Streams, type ParsedRequestOf, type ReportAllocation } from '@plato/contracts';
import { AggregateCommandRunner, type CommandAccepted } from '../command/aggregate-command.runner.js';
import { allocationDecider } from '../command/aggregate.decider.js';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';

/** Executes what agents report of their allocations, through the {@link AggregateCommandRunner}. */
@Injectable()
export class AllocationCommandHandler {
  constructor(
    @Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner,
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
  ) {}

  /**
   * ReportAllocation: what the agent observed (started, exited, failed, stopped, unknown, a health
   * verdict) or began (pulling, starting, stopping). A report that changes nothing writes nothing; NOT_FOUND for an allocation never placed; CONFLICT when the allocation lives on
   * another node than the reporter's (its stream is found through the projection, so the
   * Allocation aggregate itself refuses the reporter). An allocation never moves, so a node the
   * projection already knows is final; only an allocation it does not hold yet waits for it to
   * catch up with the log.
   */
  async report(command: ParsedRequestOf<typeof ReportAllocation>): Promise<CommandAccepted> {
    const placedOn = await this.nodeOf(command.allocId);
    const { commandId, nodeId, allocId, report } = command;
    return this.runner.execute(allocationDecider, {
      stream: Streams.allocation(placedOn ?? nodeId, allocId),
      command: { type: 'ReportAllocation', nodeId, allocId, report },
      commandId,
    });
  }

  private async nodeOf(allocId: string): Promise<string | undefined> {
    const known = this.readModel.current().allocation(allocId)?.placement.nodeId;
    return known ?? (await this.readModel.caughtUp()).allocation(allocId)?.placement.nodeId;
  }
}
