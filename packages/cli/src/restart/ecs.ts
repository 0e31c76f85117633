import {
  DescribeServicesCommand,
  ECSClient,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type Deployment,
  type Service,
} from "@aws-sdk/client-ecs";
import { AwsError, UsageError } from "../errors";
import { awsErrorCode, explainAwsError, type AwsStep } from "../aws/errors";
import type { AwsSession } from "../aws/session";
import type { ServerRestarter } from "./servers";

export interface EcsRestarterProps {
  readonly session: AwsSession;
  /** `<project>-<env>-<app>` (appResourceNames().ecsCluster). */
  readonly cluster: string;
  /** `<project>-<env>-<app>` (appResourceNames().ecsService). */
  readonly service: string;
  readonly caller?: string;
  /** The command that retries a failed restart, named in messages. */
  readonly retryCommand: string;
  /** Progress lines while waiting. */
  readonly progress?: (line: string) => void;
  /**
   * Wait until the service is stable (`waitUntilServicesStable`: one deployment left, as many
   * tasks running as desired) and check that it is the new deployment.
   * @default false - start the deployment and return; ECS rolls the tasks on its own
   */
  readonly wait?: boolean;
  /**
   * Longest wait with `wait`: like `aws ecs wait services-stable` (40 polls, 15 s apart). A rolling
   * deployment takes the tasks' start, the load balancer's health checks and the old tasks'
   * draining (the target group's deregistration delay).
   * @default 600
   */
  readonly maxWaitSec?: number;
  /**
   * Why zonke may not have deployed the service yet, added to the "does not exist" refusal (e.g.
   * the architecture's stacks for this app kind are not built).
   * @default - none
   */
  readonly missingHint?: string;
}

/**
 * An app whose server runs on ECS (Django in next-lambda-django-ecs, both apps in
 * next-ecs-django-ecs). ECS reads each declared key into the task's environment when a task
 * starts (`secrets[].valueFrom`, the secret's AWSCURRENT version), so new values need new tasks:
 * `UpdateService` with `forceNewDeployment` starts a deployment of the same task definition, whose
 * tasks read the current values; ECS then stops the old tasks as it does for any rolling update.
 *
 * Unlike the Lambda restart this changes nothing Terraform owns (no drift): the service keeps its
 * task definition, desired count and settings.
 */
export class EcsServiceRestarter implements ServerRestarter {
  readonly description: string;
  private readonly ecs: ECSClient;
  /** The service's primary deployment when checked, to report what the new one replaces. */
  private before: Deployment | undefined;
  private checked = false;

  constructor(private readonly props: EcsRestarterProps) {
    this.description = `ECS service ${props.service} (cluster ${props.cluster})`;
    this.ecs = new ECSClient({
      region: props.session.region,
      credentials: props.session.credentials,
      maxAttempts: 3,
    });
  }

  /** The service exists, is ACTIVE and is deployed by ECS itself (rolling updates). */
  async check(): Promise<void> {
    const service = await this.describe("check");
    const controller = service.deploymentController?.type ?? "ECS";
    if (controller !== "ECS") {
      throw new UsageError(
        `${this.description} is deployed by ${controller}, not by ECS rolling updates, so zonke ` +
          "cannot start a new deployment of it; nothing was changed",
      );
    }
    this.before = primaryDeployment(service);
    this.checked = true;
  }

  async restart(secretVersionId: string): Promise<string[]> {
    const { cluster, service } = this.props;
    if (!this.checked) await this.check();
    const updated = await this.call("ecs:UpdateService", () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true })),
    );
    const deployment = updated.service && primaryDeployment(updated.service);
    if (deployment?.id === undefined) {
      throw new AwsError(
        `ECS accepted the new deployment of ${this.description} but named none; the secret ` +
          `change is saved: check the service's events, or run \`${this.props.retryCommand}\` again`,
        "NoDeployment",
      );
    }
    const lines = [
      `restarted ${this.description}: new deployment ${deployment.id}` +
        (this.before?.id && this.before.id !== deployment.id
          ? ` (replaces ${this.before.id})`
          : ""),
      `  its tasks read the secret's current values (version ${secretVersionId}) when they ` +
        "start; ECS then stops the old tasks",
    ];
    if (!this.props.wait) {
      lines.push(
        "  not waiting for it: add --wait, or watch it with " +
          `aws ecs wait services-stable --cluster ${cluster} --services ${service} --region ${this.props.session.region}`,
      );
      return lines;
    }
    lines.push(`  ${await this.waitForStable(deployment.id)}`);
    return lines;
  }

  /** Waits for the service to be stable on `deploymentId`; returns a line saying so. */
  private async waitForStable(deploymentId: string): Promise<string> {
    const { cluster, service } = this.props;
    const maxWaitTime = this.props.maxWaitSec ?? 600;
    this.props.progress?.(
      `waiting for ${this.description} to be stable on deployment ${deploymentId} (up to ${maxWaitTime} s)...`,
    );
    let waitError: unknown;
    try {
      await waitUntilServicesStable(
        {
          client: this.ecs,
          maxWaitTime,
          minDelay: Math.min(5, maxWaitTime / 2),
          maxDelay: 15,
        },
        { cluster, services: [service] },
      );
    } catch (error) {
      waitError = error;
    }
    // The waiter's own error holds a JSON dump; describe the service once more to say what it is.
    const now = await this.describe("wait");
    const primary = primaryDeployment(now);
    const saved = "the secret change is saved";
    if (primary?.id !== deploymentId) {
      throw new AwsError(
        `deployment ${deploymentId} of ${this.description} is no longer the service's: ` +
          `${primary?.id ?? "another deployment"} replaced it (a rollback by the deployment ` +
          `circuit breaker, or another deploy); ${saved}, see the service's events in the ECS console`,
        "DeploymentReplaced",
        { cause: waitError },
      );
    }
    const tasks = `${primary.runningCount ?? 0} of ${primary.desiredCount ?? 0} tasks running`;
    const stable =
      now.deployments?.length === 1 && now.runningCount === now.desiredCount && !failed(primary);
    if (!stable) {
      const why = failed(primary)
        ? `failed${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ""}`
        : `did not finish within ${maxWaitTime} s (${tasks}, ` +
          `${now.deployments?.length ?? 0} deployments)`;
      throw new AwsError(
        `deployment ${deploymentId} of ${this.description} ${why}; ${saved} and ECS goes on ` +
          `with the deployment: watch it with aws ecs describe-services --cluster ${cluster} ` +
          `--services ${service} --region ${this.props.session.region}, or run ` +
          `\`${this.props.retryCommand}\` to start another one`,
        failed(primary) ? "DeploymentFailed" : "ServicesStableTimeout",
        { cause: waitError },
      );
    }
    return `the service is stable: ${tasks} of deployment ${deploymentId}`;
  }

  /** DescribeServices: the service, or a refusal when it is missing or no longer active. */
  private async describe(during: "check" | "wait"): Promise<Service> {
    const { cluster, service, session } = this.props;
    const answer = await this.call("ecs:DescribeServices", () =>
      this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const found = answer.services?.find((s) => s.serviceName === service);
    if (found?.status === "ACTIVE") return found;
    if (during === "wait") {
      throw new AwsError(
        `${this.description} ${found === undefined ? "disappeared" : `became ${found.status}`} ` +
          "while zonke waited for it (deleted by a destroy?)",
        "ServiceNotActive",
      );
    }
    throw this.notDeployed(
      found === undefined
        ? `does not exist in ${session.region}`
        : `is ${found.status ?? "not active"} in ${session.region} (deleted)`,
    );
  }

  /** The refusal before any change: the service is not there to restart. */
  private notDeployed(state: string, cause?: unknown): UsageError {
    const hint = this.props.missingHint ? `; ${this.props.missingHint}` : "";
    return new UsageError(
      `the app's server, ${this.description}, ${state}: deploy the app's stack first ` +
        `(npm start / cdktf deploy)${hint}; nothing was changed`,
      cause === undefined ? undefined : { cause },
    );
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.explain(error, action);
    }
  }

  private explain(error: unknown, action: string): unknown {
    const { cluster, service, session } = this.props;
    const code = awsErrorCode(error);
    if (code === "ClusterNotFoundException" && !this.checked) {
      return this.notDeployed(
        `does not exist in ${session.region} (there is no cluster ${cluster})`,
        error,
      );
    }
    if (
      code === "ServiceNotFoundException" ||
      code === "ServiceNotActiveException" ||
      code === "ClusterNotFoundException"
    ) {
      // Between the check and the update: deleted meanwhile (a destroy?).
      return new AwsError(
        `${this.description} disappeared while zonke was restarting it (${code}); the secret ` +
          `change is saved: deploy the app's stack, then run \`${this.props.retryCommand}\``,
        code,
        { cause: error },
      );
    }
    const step: AwsStep = {
      action,
      resource: `service ${service} in cluster ${cluster}`,
      region: session.region,
      ...(this.props.caller ? { caller: this.props.caller } : {}),
    };
    return explainAwsError(error, step);
  }
}

function failed(deployment: Deployment): boolean {
  return deployment.rolloutState === "FAILED";
}

/** The deployment ECS is rolling towards (status PRIMARY). */
function primaryDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find((d) => d.status === "PRIMARY");
}
