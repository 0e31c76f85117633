import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import { AssetsBucket, Cdn, ImageOptimizer } from "@zonke/modules";
import { healthCheckCommand } from "@zonke/next-container";
import { appResourceNames } from "../resource-names";
import { composeAppData } from "./app-data";
import { appArtifact } from "./artifacts";
import { djangoApiOf } from "./django-api";
import { composeEcsServer } from "./ecs-server";
import { imageDigestVariable } from "./image-digest";
import { composeImageRegistry } from "./image-registry";
import { publicPathPatterns } from "./public-paths";
import { healthCheckPathOf } from "./release";
import { appStack, type ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/** The Next.js image's port and user (packages/next-container's Dockerfile). */
const NEXT_PORT = 3000;
const NEXT_USER = "1000:1000";

/**
 * A Next.js app whose server runs on ECS (`next-ecs-django-ecs`), in two stacks: its registry
 * (image-registry.ts) and `<project>-<env>-<app>`: its data, the standalone server's image on ECS
 * behind the internal load balancer (ecs-server.ts), and the same edge as on Lambda: static files
 * and public paths from the private assets bucket, `/_next/image` from the image optimiser, the
 * Django API's paths through its VPC origin, everything else through this app's VPC origin (no
 * body signer: VPC origins take request bodies as they are).
 */
export function composeNextEcsApp(context: AppContext): ZonkeStack[] {
  const { config, envName, env, appConfig, network } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const appDir = path.resolve(context.root, appConfig.path);
  const api = djangoApiOf(context);
  const registry = composeImageRegistry(context);
  const stack = appStack(context);
  const data = composeAppData(stack, { ...context, serversOnLambda: false });
  const digest = imageDigestVariable(stack, appConfig.name);
  const bucketName = `${names.prefix}-assets-${env.account}`;
  const images = new ImageOptimizer(stack, "Images", {
    functionName: `${names.prefix}-image-optimizer`,
    artifact: appArtifact(appDir, appConfig.name, "image-optimizer"),
    assetsBucketName: bucketName,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  const server = composeEcsServer(context, {
    stack,
    names,
    registry,
    imageDigest: digest.stringValue,
    command: ["node", "server.js"],
    port: NEXT_PORT,
    user: NEXT_USER,
    containerHealthCheck: { command: healthCheckCommand(healthCheckPathOf(appConfig)) },
    environment: { ...data.environment, ...api?.environment },
    secrets: data.secretSources,
    appReadsSecrets: false,
  });
  // The tasks may open any connection already; only the API's side needs a rule.
  api?.connect(stack, server.service.securityGroupId, () => {});

  const cdn = new Cdn(stack, "Cdn", {
    name: names.prefix,
    assets: { bucketName, region: env.region },
    publicPaths: [...publicPathPatterns(appDir), ...(api?.publicPaths ?? [])],
    imageOptimizer: { domainName: images.urlDomainName },
    defaultOrigin: server.alb.cdnOrigin,
    pathOrigins: api?.pathOrigins ?? [],
  });
  images.allowDistribution(cdn.distributionArn);
  const assets = new AssetsBucket(stack, "Assets", {
    bucketName,
    region: env.region,
    distributionArn: cdn.distributionArn,
  });

  new TerraformOutput(stack, "url", { value: `https://${cdn.domainName}` });
  new TerraformOutput(stack, "distribution_id", { value: cdn.distributionId });
  new TerraformOutput(stack, "assets_bucket", { value: assets.bucketName });
  new TerraformOutput(stack, "secret_arn", { value: data.secret.arn });
  return [registry.stack, stack];
}
