import { TerraformOutput, type TerraformProvider } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  AssetsBucket,
  Cdn,
  EdgeSigner,
  Warmer,
  type CdnPathOrigin,
  type ImageOptimizer,
  type ServerFunction,
  type ServerNetwork,
} from "@zonke/modules";
import { composeAppData, type AppData } from "./app-data";
import { sharedArtifact } from "./artifacts";
import { appResourceNames, type AppResourceNames } from "../resource-names";
import { appStack, type ZonkeStack } from "./zonke-stack";
import { healthCheckPathOf, releaseOutput } from "./release";
import type { AppContext } from "./types";

/**
 * What every app whose server runs on Lambda shares, whatever the framework: its stack (with a
 * us-east-1 provider for the edge signer), its data, and the edge in front of the server (edge
 * signer, distribution, assets bucket) plus the warmer. Composers build the server in between.
 */
export interface LambdaWebApp {
  readonly stack: ZonkeStack;
  readonly names: AppResourceNames;
  readonly usEast1: TerraformProvider;
  readonly data: AppData;
  /** The assets bucket's name, known before the bucket (the image optimiser needs it). */
  readonly bucketName: string;
  /** The environment's private subnets and groups, for the server function. */
  readonly serverNetwork: ServerNetwork;
}

export function startLambdaWebApp(context: AppContext, stackSuffix = ""): LambdaWebApp {
  const { config, envName, env, appConfig, network } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const stack = appStack(context, stackSuffix);
  const usEast1 = new AwsProvider(stack, "aws-us-east-1", {
    alias: "us-east-1",
    region: "us-east-1",
    allowedAccountIds: [env.account],
  });
  return {
    stack,
    names,
    usEast1,
    data: composeAppData(stack, { ...context, serversOnLambda: true }),
    bucketName: `${names.prefix}-assets-${env.account}`,
    serverNetwork: {
      region: env.region,
      accountId: env.account,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      extraSecurityGroupIds: [network.workloadSecurityGroupId],
    },
  };
}

/**
 * The server's edge: the edge signer that lets POST bodies through OAC, the distribution (assets
 * and public paths from the bucket, the image optimiser if any, the server as the default), the
 * bucket that trusts only that distribution; then the warmer and the stack's outputs, among them
 * `release`: the server's alias, which the Release stage moves to the version this apply published
 * (composers give the server `trafficShift: SERVER_TRAFFIC_SHIFT`).
 */
export function finishLambdaWebApp(
  context: AppContext,
  app: LambdaWebApp,
  parts: {
    readonly server: ServerFunction;
    /** The framework's build output in the assets bucket. @default "/_next/static/*" */
    readonly buildAssetsPath?: string;
    readonly publicPaths: readonly string[];
    readonly imageOptimizer?: ImageOptimizer;
    /** Paths served by other origins, e.g. `/api/*` by a Django API. @default [] */
    readonly pathOrigins?: readonly CdnPathOrigin[];
  },
): void {
  const { env, appConfig, network } = context;
  const { stack, names, server } = { ...app, server: parts.server };
  const database = app.data.database;
  if (database) {
    database.allowFrom("Server", server.securityGroupId, "the app's server");
    server.allowConnectTo("Database", database.clientSecurityGroupId, database.port, "PostgreSQL");
  }
  const signer = new EdgeSigner(stack, "BodySigner", {
    functionName: `${names.prefix}-edge-signer`,
    artifact: sharedArtifact("edge-signer"),
    usEast1Provider: app.usEast1,
    accountId: env.account,
  });
  const cdn = new Cdn(stack, "Cdn", {
    name: names.prefix,
    assets: { bucketName: app.bucketName, region: env.region },
    ...(parts.buildAssetsPath ? { buildAssetsPath: parts.buildAssetsPath } : {}),
    publicPaths: parts.publicPaths,
    pathOrigins: parts.pathOrigins ?? [],
    ...(parts.imageOptimizer
      ? { imageOptimizer: { domainName: parts.imageOptimizer.urlDomainName } }
      : {}),
    defaultOrigin: { kind: "function-url", domainName: server.urlDomainName },
    bodySignerArn: signer.qualifiedArn,
  });
  parts.imageOptimizer?.allowDistribution(cdn.distributionArn);
  server.allowDistribution(cdn.distributionArn);
  const assets = new AssetsBucket(stack, "Assets", {
    bucketName: app.bucketName,
    region: env.region,
    distributionArn: cdn.distributionArn,
  });

  if (appConfig.warm > 0) {
    new Warmer(stack, "Warmer", {
      functionName: `${names.prefix}-warmer`,
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
  new TerraformOutput(stack, "secret_arn", { value: app.data.secret.arn });
  releaseOutput(stack, {
    lambda: [{ ...server.releaseTarget, healthCheckPath: healthCheckPathOf(appConfig) }],
  });
}
