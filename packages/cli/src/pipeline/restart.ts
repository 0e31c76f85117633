/**
 * The last step of a self-update: the running execution was started by the old definition, so
 * zonke starts a new execution of the same commit (which runs the new definition) and stops the
 * running one (`abandon: false`: the actions in progress, this one included, finish first; the
 * pipeline is QUEUED, so the new execution waits for that). Both with the credentials in use: the
 * UpdatePipeline stage's role, which may start and stop this pipeline's executions.
 */
import {
  CodePipelineClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { awsStep } from "../aws/errors";

export interface RestartRequest {
  readonly region: string;
  readonly pipelineName: string;
  /** The running execution ($ZONKE_PIPELINE_EXECUTION_ID). */
  readonly executionId: string;
  /** The commit it runs ($CODEBUILD_RESOLVED_SOURCE_VERSION). */
  readonly commit: string;
}

export interface RestartResult {
  readonly newExecutionId: string;
  readonly reason: string;
}

/** Starts the new execution and stops the running one. */
export type Restarter = (request: RestartRequest) => Promise<RestartResult>;

/** The source action whose revision the new execution pins (pipeline-stages.ts names it so). */
export const SOURCE_ACTION = "Source";

export function stopReason(newExecutionId: string): string {
  return `the pipeline updated itself; execution ${newExecutionId} runs the new definition`;
}

export const restartPipeline: Restarter = async (request) => {
  const { region, pipelineName } = request;
  const client = new CodePipelineClient({ region, maxAttempts: 3 });
  try {
    const started = await awsStep(
      {
        action: "codepipeline:StartPipelineExecution",
        resource: `pipeline ${pipelineName}`,
        region,
      },
      () =>
        client.send(
          new StartPipelineExecutionCommand({
            name: pipelineName,
            sourceRevisions: [
              {
                actionName: SOURCE_ACTION,
                revisionType: "COMMIT_ID",
                revisionValue: request.commit,
              },
            ],
          }),
        ),
    );
    const newExecutionId = started.pipelineExecutionId;
    if (!newExecutionId) {
      throw new Error("codepipeline:StartPipelineExecution answered without an execution id");
    }
    const reason = stopReason(newExecutionId);
    await awsStep(
      {
        action: "codepipeline:StopPipelineExecution",
        resource: `execution ${request.executionId} of pipeline ${pipelineName}`,
        region,
      },
      () =>
        client.send(
          new StopPipelineExecutionCommand({
            pipelineName,
            pipelineExecutionId: request.executionId,
            abandon: false,
            reason,
          }),
        ),
    );
    return { newExecutionId, reason };
  } finally {
    client.destroy();
  }
};
