import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ApplyDeployment,
  CordonNode,
  DeleteDeployment,
  DescribeAllocation,
  DescribeDeployment,
  GetDeployment,
  GetNode,
  ListAllocations,
  ListDeployments,
  ListNodes,
  PlanDeployment,
  RegisterNode,
  ReportAllocation,
  ScaleDeployment,
  StreamHistory,
  SubmitPlan,
  UncordonNode,
  DrainNode,
  PauseRollout,
  PromoteRollout,
  ResumeRollout,
  UndoRollout,
} from '@plato/contracts';
import { RpcServer } from '@plato/messaging';
import { AllocationCommandHandler } from './allocation/allocation.command-handler.js';
import { ClusterQueryHandler } from './cluster/cluster.query-handler.js';
import { DeploymentCommandHandler } from './deployment/deployment.command-handler.js';
import { DeploymentPlanQueryHandler } from './deployment/deployment-plan.query-handler.js';
import { NodeCommandHandler } from './node/node.command-handler.js';
import { PlanApplier } from './plan/plan.applier.js';

/**
 * The state-server's routing table: which handler serves which contract. Registers on the
 * RpcServer once every module is initialised (projections subscribed), and drains it in the first
 * shutdown phase (projections close in the last), so no request is taken that cannot be answered.
 */
@Injectable()
export class StateServerRpc implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(DeploymentCommandHandler) private readonly deployments: DeploymentCommandHandler,
    @Inject(NodeCommandHandler) private readonly nodes: NodeCommandHandler,
    @Inject(AllocationCommandHandler) private readonly allocations: AllocationCommandHandler,
    @Inject(PlanApplier) private readonly plans: PlanApplier,
    @Inject(ClusterQueryHandler) private readonly queries: ClusterQueryHandler,
    @Inject(DeploymentPlanQueryHandler) private readonly previews: DeploymentPlanQueryHandler,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(ApplyDeployment, (command) => this.deployments.apply(command));
    this.rpc.handle(ScaleDeployment, (command) => this.deployments.scale(command));
    this.rpc.handle(DeleteDeployment, (command) => this.deployments.delete(command));
    this.rpc.handle(PauseRollout, (command) => this.deployments.pause(command));
    this.rpc.handle(ResumeRollout, (command) => this.deployments.resume(command));
    this.rpc.handle(PromoteRollout, (command) => this.deployments.promote(command));
    this.rpc.handle(UndoRollout, (command) => this.deployments.undo(command));
    this.rpc.handle(RegisterNode, (command) => this.nodes.register(command));
    this.rpc.handle(CordonNode, (command) => this.nodes.cordon(command));
    this.rpc.handle(UncordonNode, (command) => this.nodes.uncordon(command));
    this.rpc.handle(DrainNode, (command) => this.nodes.drain(command));
    this.rpc.handle(ReportAllocation, (command) => this.allocations.report(command));
    this.rpc.handle(SubmitPlan, (command) => this.plans.submit(command));
    this.rpc.handle(GetDeployment, (query) => this.queries.getDeployment(query));
    this.rpc.handle(ListDeployments, (query) => this.queries.listDeployments(query));
    this.rpc.handle(DescribeDeployment, (query) => this.queries.describeDeployment(query));
    this.rpc.handle(PlanDeployment, (query) => this.previews.plan(query));
    this.rpc.handle(ListNodes, (query) => this.queries.listNodes(query));
    this.rpc.handle(GetNode, (query) => this.queries.getNode(query));
    this.rpc.handle(ListAllocations, (query) => this.queries.listAllocations(query));
    this.rpc.handle(DescribeAllocation, (query) => this.queries.describeAllocation(query));
    this.rpc.handle(StreamHistory, (query, context) => this.queries.history(query, context.subject));
  }

  async onModuleDestroy(): Promise<void> {
    await this.rpc.close();
  }
}
