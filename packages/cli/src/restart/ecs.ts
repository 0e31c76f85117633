import { UsageError } from "../errors";
import type { ServerRestarter } from "./servers";

export interface EcsRestarterProps {
  /** `<project>-<env>` (appResourceNames().ecsCluster). */
  readonly cluster: string;
  /** `<project>-<env>-<app>` (appResourceNames().ecsService). */
  readonly service: string;
}

/**
 * An app whose server runs on ECS (Django in next-lambda-django-ecs, both apps in
 * next-ecs-django-ecs). ECS reads each declared key into the task's environment when a task
 * starts (`secrets[].valueFrom`), so new values need new tasks.
 *
 * TODO(Django on ECS issue — the ECS service of next-lambda-django-ecs): `@aws-sdk/client-ecs` is
 * not installed yet. When it is (pin the SDK's version, 3.1164.0), `restart` is
 * `UpdateService({ cluster, service, forceNewDeployment: true })` under the names above, then
 * print the deployment id (optionally `waitUntilServicesStable`); `check` is `DescribeServices`
 * (a missing or INACTIVE service: "deploy the app's stack first"). moto supports both calls, so
 * test it like the Lambda restart (test/restart.test.ts). Until then `check` refuses before
 * anything changes.
 */
export class EcsServiceRestarter implements ServerRestarter {
  readonly description: string;

  constructor(private readonly props: EcsRestarterProps) {
    this.description = `ECS service ${props.service} (cluster ${props.cluster})`;
  }

  async check(): Promise<void> {
    throw new UsageError(
      `cannot restart ${this.description} yet: restarting ECS services is not built ` +
        "(it needs @aws-sdk/client-ecs); nothing was changed. Change the secret without --restart, " +
        `then start new tasks: aws ecs update-service --cluster ${this.props.cluster} ` +
        `--service ${this.props.service} --force-new-deployment`,
    );
  }

  async restart(): Promise<string[]> {
    await this.check();
    return [];
  }
}
