import { TerraformOutput } from "cdktf";
import { Migrator, VPC_ORIGIN_PORTS } from "@zonke/modules";
import { appResourceNames } from "../resource-names";
import { composeAppData } from "./app-data";
import { sharedArtifact } from "./artifacts";
import { composeEcsServer } from "./ecs-server";
import { imageDigestVariable } from "./image-digest";
import { composeImageRegistry } from "./image-registry";
import { migrationOutput } from "./release";
import { appStack, type ZonkeStack } from "./zonke-stack";
import type { AppContext, DjangoApi } from "./types";

/** The paths of the front end's distribution that go to the Django API. */
export const DJANGO_API_PATHS = ["/api/*", "/admin/*"] as const;
/** Django's collectstatic output, uploaded to the front end's assets bucket. */
export const DJANGO_STATIC_PATH = "/static/*";

/**
 * Django as the API of a Next.js front end, on ECS, in two stacks: `<project>-<env>-<app>-registry`
 * (image-registry.ts) and `<project>-<env>-<app>`: the app's data, its ECS server behind the
 * internal load balancer (ecs-server.ts) running zonke's image with `web` (gunicorn), admitted to
 * the database, and the migrator running the new task definition revision with `migrate` (the
 * `migration` output) before the Release stage deploys it (the `release` output). It has no
 * distribution of its own: the front end's serves `/api/*` and `/admin/*` through the load
 * balancer's VPC origin (`context.apis`), and its static files from the front end's bucket.
 */
export function composeDjangoEcsApp(context: AppContext): ZonkeStack[] {
  const { config, envName, appConfig, network } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const registry = composeImageRegistry(context);
  const stack = appStack(context);
  const data = composeAppData(stack, { ...context, serversOnLambda: false });
  const digest = imageDigestVariable(stack, appConfig.name);
  const server = composeEcsServer(context, {
    stack,
    names,
    registry,
    imageDigest: digest.stringValue,
    command: ["web"],
    port: 8000,
    user: "10001:10001",
    // Only CloudFront reaches the service; it routes only its own names here.
    environment: { ...data.environment, ZONKE_DOMAINS: ".cloudfront.net" },
    secrets: data.secretSources,
    // zonke_runtime reloads the database password after RDS rotates it, without a restart.
    appReadsSecrets: true,
  });
  data.database?.allowFrom("Service", server.service.securityGroupId, "the app's ECS tasks");
  const migrator = new Migrator(stack, "Migrator", {
    functionName: names.migratorFunction,
    artifact: sharedArtifact("migrator"),
    target: server.service.migrationTarget,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  const api: DjangoApi = {
    origin: server.alb.cdnOrigin,
    internalUrl: `http://${server.alb.dnsName}`,
    securityGroupId: server.alb.securityGroupId,
    port: VPC_ORIGIN_PORTS.http,
  };
  context.apis.set(appConfig.name, api);
  new TerraformOutput(stack, "migrator_function", { value: migrator.functionName });
  migrationOutput(stack, migrator);
  new TerraformOutput(stack, "secret_arn", { value: data.secret.arn });
  return [registry.stack, stack];
}
