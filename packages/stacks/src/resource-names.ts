import { LIVE_ALIAS } from "@zonke/modules";

/**
 * The physical names of an app's resources that tools outside Terraform address by name (the
 * `zonke` CLI reads and writes the secret and rolls the servers). Composers take these names from
 * here, so the stacks and the CLI cannot drift apart. A name is a resource's identity: changing
 * one here replaces the resource on the next apply.
 */
export interface AppResourceNames {
  /** `<project>-<env>-<app>`: the app's stack, and the prefix of its resources' names. */
  readonly prefix: string;
  /** `<project>/<env>/<app>`: the Secrets Manager secret holding the app's values (a JSON object). */
  readonly secret: string;
  /** `<project>-<env>-<app>-server`: the server function of an app on Lambda (Next.js or Django). */
  readonly serverFunction: string;
  /** The alias of the server function that serves traffic. */
  readonly serverAlias: string;
  /**
   * `<project>-<env>-<app>`: the app's ECS cluster (each app its own, so its capacity, Fargate or
   * EC2, is its own choice). The ECS composers must create the cluster and service under these
   * names, or `zonke secrets --restart` cannot find them.
   */
  readonly ecsCluster: string;
  /** `<project>-<env>-<app>`: the app's ECS service in `ecsCluster` (an app whose server runs on ECS). */
  readonly ecsService: string;
  /** `<project>/<env>/<app>`: the ECR repository of a Django app's image (the pipeline pushes there). */
  readonly imageRepository: string;
  /** `<project>-<env>-<app>-migrator`: the function the pipeline's Migrate action invokes. */
  readonly migratorFunction: string;
  /** `<project>-<env>-<app>-pipeline`: the stack of the app's pipeline in this environment. */
  readonly pipelineStack: string;
}

/** Names shared by every app of an environment. */
export interface EnvironmentResourceNames {
  /** `<project>-<env>-delivery`: the stack with the source connection and the deploy role. */
  readonly deliveryStack: string;
  /** `<project>-<env>`: the CodeStar connection every pipeline of the environment uses. */
  readonly connection: string;
  /** `<project>-<env>-deployer`: the role Terraform runs as in the pipelines. */
  readonly deployRole: string;
  /** `<project>-<env>-`: every IAM name of the environment starts with it. */
  readonly iamPrefix: string;
}

export function environmentResourceNames(
  project: string,
  envName: string,
): EnvironmentResourceNames {
  return {
    deliveryStack: `${project}-${envName}-delivery`,
    connection: `${project}-${envName}`,
    deployRole: `${project}-${envName}-deployer`,
    iamPrefix: `${project}-${envName}-`,
  };
}

export function appResourceNames(
  project: string,
  envName: string,
  appName: string,
): AppResourceNames {
  const prefix = `${project}-${envName}-${appName}`;
  return {
    prefix,
    secret: `${project}/${envName}/${appName}`,
    serverFunction: `${prefix}-server`,
    serverAlias: LIVE_ALIAS,
    ecsCluster: prefix,
    ecsService: prefix,
    imageRepository: `${project}/${envName}/${appName}`,
    migratorFunction: `${prefix}-migrator`,
    pipelineStack: `${prefix}-pipeline`,
  };
}
