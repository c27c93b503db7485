import type {
  ApplyDeployment,
  DeleteDeployment,
  ParsedRequestOf,
  PauseRollout,
  PromoteRollout,
  ResumeRollout,
  ScaleDeployment,
  UndoRollout,
} from '@plato/contracts';

/** A parsed ApplyDeployment command, tagged for {@link decide}. */
export type ApplyDeploymentCommand = { readonly type: 'ApplyDeployment' } & ParsedRequestOf<typeof ApplyDeployment>;
/** A parsed ScaleDeployment command, tagged for {@link decide}. */
export type ScaleDeploymentCommand = { readonly type: 'ScaleDeployment' } & ParsedRequestOf<typeof ScaleDeployment>;
/** A parsed DeleteDeployment command, tagged for {@link decide}. */
export type DeleteDeploymentCommand = { readonly type: 'DeleteDeployment' } & ParsedRequestOf<typeof DeleteDeployment>;
/** A user's change to the deployment's rollout, tagged for {@link decide}. */
export type RolloutCommand =
  | ({ readonly type: 'PauseRollout' } & ParsedRequestOf<typeof PauseRollout>)
  | ({ readonly type: 'ResumeRollout' } & ParsedRequestOf<typeof ResumeRollout>)
  | ({ readonly type: 'PromoteRollout' } & ParsedRequestOf<typeof PromoteRollout>)
  | ({ readonly type: 'UndoRollout' } & ParsedRequestOf<typeof UndoRollout>);
/** The end of a rollout as the scheduler's plan found it, tagged for {@link decide}. */
export type RolloutOutcomeCommand =
  | { readonly type: 'CompleteRollout'; readonly version: number }
  | { readonly type: 'FailRollout'; readonly version: number; readonly reason: string };

/** Every command the Deployment aggregate decides on. */
export type DeploymentCommand = ApplyDeploymentCommand | ScaleDeploymentCommand | DeleteDeploymentCommand | RolloutCommand | RolloutOutcomeCommand;
