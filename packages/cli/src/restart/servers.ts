import type { ArchitectureName } from "@zonke/stacks";
import type { ResolvedTarget } from "../target";

/**
 * Rolls an app's servers so that they load the secret's current values (servers read secrets
 * when they start: the Lambda adapter at init, ECS when a task starts). One implementation per
 * server kind: ./lambda.ts, ./ecs.ts.
 */
export interface ServerRestarter {
  /** What gets restarted, e.g. `Lambda function shop-dev-web-server (alias live)`. */
  readonly description: string;
  /**
   * Runs before the secret changes: throws a CliError when the servers cannot be restarted (not
   * deployed, not supported), so that a change is never made that --restart cannot follow.
   */
  check(): Promise<void>;
  /** Rolls the servers onto secret version `secretVersionId`; returns what was done, line by line. */
  restart(secretVersionId: string): Promise<string[]>;
}

/** Where an app's server runs, by architecture and app kind. */
export type ServerPlacement =
  | { readonly kind: "lambda"; readonly functionName: string; readonly alias: string }
  | { readonly kind: "ecs"; readonly cluster: string; readonly service: string }
  | { readonly kind: "not-built"; readonly reason: string };

/**
 * The architectures' server placement. It belongs next to the architectures in @zonke/stacks once
 * more than the CLI needs it; the switch is exhaustive, so a new architecture fails to compile here
 * until its servers are placed.
 */
export function serverPlacement(target: ResolvedTarget): ServerPlacement {
  const { app, names } = target;
  const architecture: ArchitectureName = app.architecture;
  const lambda = {
    kind: "lambda",
    functionName: names.serverFunction,
    alias: names.serverAlias,
  } as const;
  const ecs = { kind: "ecs", cluster: names.ecsCluster, service: names.ecsService } as const;
  switch (architecture) {
    case "next-lambda-django-ecs":
      return app.kind === "nextjs" ? lambda : ecs;
    case "next-ecs-django-ecs":
      return ecs;
    case "django-lambda":
      return lambda;
  }
}
