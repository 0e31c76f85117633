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
  };
}
