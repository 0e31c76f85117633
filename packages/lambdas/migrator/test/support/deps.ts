/** The migrator's dependencies, made as the handler makes them, pointed at local fakes. */
import {
  createMigratorCodePipelineClient,
  createMigratorEcsClient,
  createMigratorLambdaClient,
  createMigratorLogsClient,
} from "../../src/clients";
import type { MigratorDeps } from "../../src/run";
import { fakeClientConfig } from "./http-fake";

export function depsFor(endpoints: {
  codepipeline: string;
  lambda?: string;
  ecs?: string;
  logs?: string;
  pollIntervalMs?: number;
  reportReserveMs?: number;
}): MigratorDeps {
  const unused = "http://127.0.0.1:9"; // the discard port: a call there fails fast
  return {
    lambda: createMigratorLambdaClient(fakeClientConfig(endpoints.lambda ?? unused)),
    ecs: createMigratorEcsClient(fakeClientConfig(endpoints.ecs ?? unused)),
    logs: createMigratorLogsClient(fakeClientConfig(endpoints.logs ?? unused)),
    codepipeline: createMigratorCodePipelineClient(fakeClientConfig(endpoints.codepipeline)),
    pollIntervalMs: endpoints.pollIntervalMs ?? 20,
    ...(endpoints.reportReserveMs !== undefined
      ? { reportReserveMs: endpoints.reportReserveMs }
      : {}),
  };
}

export function destroyDeps(deps: MigratorDeps): void {
  deps.lambda.destroy();
  deps.ecs.destroy();
  deps.logs.destroy();
  deps.codepipeline.destroy();
}
