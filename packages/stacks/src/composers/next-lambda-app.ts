import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AssetsBucket, Cdn, EdgeSigner, ImageOptimizer, NextServer, Warmer } from "@zonke/modules";
import { composeAppData } from "./app-data";
import { appArtifact, sharedArtifact } from "./artifacts";
import { publicPathPatterns } from "./public-paths";
import { appResourceNames } from "../resource-names";
import { ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/**
 * `<project>-<env>-<app>` for a Next.js app whose server runs on Lambda: the app's data (see
 * composeAppData), its
 * private assets bucket, the image optimiser, the server in the environment's private subnets, the
 * edge signer that lets POST bodies through OAC, the distribution in front of them all, and the
 * warmer that keeps `warm` server instances ready.
 */
export function composeNextLambdaApp(context: AppContext): ZonkeStack[] {
  const { config, envName, env, appConfig, network } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const name = names.prefix;
  const appDir = path.resolve(context.root, appConfig.path);
  const stack = new ZonkeStack(context.app, name, {
    project: config.project,
    envName,
    env,
    state: context.state,
    appName: appConfig.name,
  });
  const usEast1 = new AwsProvider(stack, "aws-us-east-1", {
    alias: "us-east-1",
    region: "us-east-1",
    allowedAccountIds: [env.account],
  });

  const data = composeAppData(stack, { ...context, serversOnLambda: true });
  const bucketName = `${name}-assets-${env.account}`;
  const images = new ImageOptimizer(stack, "Images", {
    functionName: `${name}-image-optimizer`,
    artifact: appArtifact(appDir, appConfig.name, "image-optimizer"),
    assetsBucketName: bucketName,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  const server = new NextServer(stack, "Server", {
    functionName: names.nextServerFunction,
    artifact: appArtifact(appDir, appConfig.name, "next-server"),
    network: {
      region: env.region,
      accountId: env.account,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      extraSecurityGroupIds: [network.workloadSecurityGroupId],
    },
    secrets: data.secretSources,
    environment: data.environment,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  data.database?.allowFrom("Server", server.securityGroupId, "the Next.js server");
  const signer = new EdgeSigner(stack, "BodySigner", {
    functionName: `${name}-edge-signer`,
    artifact: sharedArtifact("edge-signer"),
    usEast1Provider: usEast1,
    accountId: env.account,
  });
  const cdn = new Cdn(stack, "Cdn", {
    name,
    assets: { bucketName, region: env.region },
    publicPaths: publicPathPatterns(appDir),
    imageOptimizer: { domainName: images.urlDomainName },
    defaultOrigin: { kind: "function-url", domainName: server.urlDomainName },
    bodySignerArn: signer.qualifiedArn,
  });
  images.allowDistribution(cdn.distributionArn);
  server.allowDistribution(cdn.distributionArn);
  const assets = new AssetsBucket(stack, "Assets", {
    bucketName,
    region: env.region,
    distributionArn: cdn.distributionArn,
  });

  if (appConfig.warm > 0) {
    new Warmer(stack, "Warmer", {
      functionName: `${name}-warmer`,
      artifact: sharedArtifact("warmer"),
      targets: [
        {
          functionArn: server.function.arn,
          functionName: server.function.functionName,
          qualifier: server.alias.name,
          count: appConfig.warm,
        },
      ],
      warmOnChangeOf: { serverVersion: server.function.version },
      logsKmsKeyArn: network.logsKmsKeyArn,
    });
  }

  new TerraformOutput(stack, "url", { value: `https://${cdn.domainName}` });
  new TerraformOutput(stack, "distribution_id", { value: cdn.distributionId });
  new TerraformOutput(stack, "assets_bucket", { value: assets.bucketName });
  new TerraformOutput(stack, "server_function", { value: server.function.functionName });
  new TerraformOutput(stack, "secret_arn", { value: data.secret.arn });
  return [stack];
}
