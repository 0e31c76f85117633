import { TerraformOutput } from "cdktf";
import { DjangoLambda, Migrator } from "@zonke/modules";
import { sharedArtifact } from "./artifacts";
import { imageDigestVariable } from "./image-digest";
import { composeImageRegistry } from "./image-registry";
import { SERVER_TRAFFIC_SHIFT, migrationOutput } from "./release";
import { finishLambdaWebApp, startLambdaWebApp } from "./lambda-web-app";
import type { ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/**
 * A Django monolith on Lambda, in two stacks:
 *
 * - `<project>-<env>-<app>-registry`: the app's image repository (image-registry.ts).
 * - `<project>-<env>-<app>`: the shared Lambda web app (data, edge signer, distribution with
 *   `/static/*` from the assets bucket, warmer) around the Django server running the image by
 *   digest, its manage function, and the migrator the pipeline runs on the manage function's new
 *   version (the `migration` output) before the Release stage moves the server's alias.
 */
export function composeDjangoLambdaApp(context: AppContext): ZonkeStack[] {
  const { appConfig, network } = context;
  const registry = composeImageRegistry(context);
  const app = startLambdaWebApp(context);
  const digest = imageDigestVariable(app.stack, appConfig.name);
  const server = new DjangoLambda(app.stack, "Server", {
    functionName: app.names.serverFunction,
    imageUri: `${registry.repositoryUrl}@${digest.stringValue}`,
    network: app.serverNetwork,
    secrets: app.data.secretSources,
    environment: app.data.environment,
    logsKmsKeyArn: network.logsKmsKeyArn,
    trafficShift: SERVER_TRAFFIC_SHIFT,
  });
  const migrator = new Migrator(app.stack, "Migrator", {
    functionName: app.names.migratorFunction,
    artifact: sharedArtifact("migrator"),
    target: server.migrationTarget,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  finishLambdaWebApp(context, app, { server, buildAssetsPath: "/static/*", publicPaths: [] });
  new TerraformOutput(app.stack, "manage_function", {
    value: server.manageFunction.functionName,
  });
  new TerraformOutput(app.stack, "manage_version", { value: server.manageFunction.version });
  new TerraformOutput(app.stack, "migrator_function", { value: migrator.functionName });
  migrationOutput(app.stack, migrator);
  return [registry.stack, app.stack];
}
