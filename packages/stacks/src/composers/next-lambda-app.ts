import * as path from "node:path";
import { ImageOptimizer, NextServer } from "@zonke/modules";
import { appArtifact } from "./artifacts";
import { finishLambdaWebApp, startLambdaWebApp } from "./lambda-web-app";
import { djangoApiOf } from "./django-api";
import { publicPathPatterns } from "./public-paths";
import { SERVER_TRAFFIC_SHIFT } from "./release";
import type { ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/**
 * `<project>-<env>-<app>` for a Next.js app whose server runs on Lambda: the shared Lambda web
 * app (data, edge signer, distribution, assets bucket, warmer; see lambda-web-app.ts) around the
 * image optimiser, built with the app's image settings, and the packaged Next.js server.
 */
export function composeNextLambdaApp(context: AppContext): ZonkeStack[] {
  const { appConfig, network } = context;
  const appDir = path.resolve(context.root, appConfig.path);
  const api = djangoApiOf(context);
  const app = startLambdaWebApp(context);
  const images = new ImageOptimizer(app.stack, "Images", {
    functionName: `${app.names.prefix}-image-optimizer`,
    artifact: appArtifact(appDir, appConfig.name, "image-optimizer"),
    assetsBucketName: app.bucketName,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  const server = new NextServer(app.stack, "Server", {
    functionName: app.names.serverFunction,
    artifact: appArtifact(appDir, appConfig.name, "next-server"),
    network: app.serverNetwork,
    secrets: app.data.secretSources,
    environment: { ...app.data.environment, ...api?.environment },
    logsKmsKeyArn: network.logsKmsKeyArn,
    trafficShift: SERVER_TRAFFIC_SHIFT,
  });
  api?.connect(app.stack, server.securityGroupId, (port, groupId) =>
    server.allowConnectTo("Api", groupId, port, "the Django API's load balancer"),
  );
  finishLambdaWebApp(context, app, {
    server,
    publicPaths: [...publicPathPatterns(appDir), ...(api?.publicPaths ?? [])],
    imageOptimizer: images,
    pathOrigins: api?.pathOrigins ?? [],
  });
  return [app.stack];
}
