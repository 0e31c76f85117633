import { findArchitecture } from "@zonke/stacks";
import { UsageError } from "../errors";
import type { AwsSession } from "../aws/session";
import type { ResolvedTarget } from "../target";
import { EcsServiceRestarter } from "./ecs";
import { LambdaServerRestarter } from "./lambda";
import { serverPlacement, type ServerRestarter } from "./servers";

export type { ServerRestarter } from "./servers";

export interface RestarterOptions {
  readonly caller?: string;
  readonly retryCommand: string;
  readonly progress?: (line: string) => void;
  /**
   * `--wait`: ECS waits until the service is stable on the new deployment. A Lambda restart is
   * complete when the alias moves, so it has nothing more to wait for.
   * @default false
   */
  readonly wait?: boolean;
}

/** The restarter for where the app's server runs. */
export function createRestarter(
  target: ResolvedTarget,
  session: AwsSession,
  options: RestarterOptions,
): ServerRestarter {
  const placement = serverPlacement(target);
  switch (placement.kind) {
    case "lambda":
      return new LambdaServerRestarter({
        session,
        functionName: placement.functionName,
        alias: placement.alias,
        retryCommand: options.retryCommand,
        ...(options.caller ? { caller: options.caller } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
      });
    case "ecs": {
      const { architecture, kind } = target.app;
      const composed = findArchitecture(architecture).compose[kind] !== undefined;
      return new EcsServiceRestarter({
        session,
        cluster: placement.cluster,
        service: placement.service,
        retryCommand: options.retryCommand,
        wait: options.wait ?? false,
        ...(options.caller ? { caller: options.caller } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
        ...(composed
          ? {}
          : {
              missingHint: `note that zonke does not build the ECS service of ${kind} apps in ${architecture} yet`,
            }),
      });
    }
    case "not-built":
      return {
        description: `the servers of ${target.app.name}`,
        check: async () => {
          throw new UsageError(
            `cannot restart the servers of app ${target.app.name}: ${placement.reason}; nothing was changed`,
          );
        },
        restart: async () => [],
      };
  }
}
