import type { AppKind } from "../config/kinds";
import type { AppComposer } from "../composers/types";
import { composeDjangoEcsApp } from "../composers/django-ecs-app";
import { composeDjangoLambdaApp } from "../composers/django-lambda-app";
import { composeNextEcsApp } from "../composers/next-ecs-app";
import { composeNextLambdaApp } from "../composers/next-lambda-app";

/** One way of running apps on AWS. Adding an architecture is adding one entry here. */
export interface Architecture {
  readonly name: string;
  readonly description: string;
  /** App kinds that may use it. */
  readonly kinds: readonly AppKind[];
  /** App kinds whose servers run on ECS here (their `ecs` settings apply). */
  readonly ecsKinds: readonly AppKind[];
  /**
   * Builds the stacks of an app of each kind. A kind without a composer is still being built: the
   * config accepts it and synth reports the app as pending instead of failing.
   */
  readonly compose: Partial<Record<AppKind, AppComposer>>;
}

export const ARCHITECTURES = [
  {
    name: "next-lambda-django-ecs",
    description: "Next.js on Lambda, Django API on ECS, RDS database",
    kinds: ["nextjs", "django"],
    ecsKinds: ["django"],
    compose: { nextjs: composeNextLambdaApp, django: composeDjangoEcsApp },
  },
  {
    name: "next-ecs-django-ecs",
    description: "Next.js and Django API both on ECS, RDS database",
    kinds: ["nextjs", "django"],
    ecsKinds: ["nextjs", "django"],
    compose: { nextjs: composeNextEcsApp, django: composeDjangoEcsApp },
  },
  {
    name: "django-lambda",
    description: "Django monolith in a container-image Lambda, RDS database",
    kinds: ["django"],
    ecsKinds: [],
    compose: { django: composeDjangoLambdaApp },
  },
] as const satisfies readonly Architecture[];

export type ArchitectureName = (typeof ARCHITECTURES)[number]["name"];

export const ARCHITECTURE_NAMES = ARCHITECTURES.map((a) => a.name) as [
  ArchitectureName,
  ...ArchitectureName[],
];

export function findArchitecture(name: string): Architecture {
  const found: Architecture | undefined = ARCHITECTURES.find((a) => a.name === name);
  if (!found) throw new Error(`unknown architecture ${name}`);
  return found;
}

/**
 * Whether an app's servers run from a container image that its pipeline builds and pushes to the
 * app's registry: Django always (ECS, or a container-image Lambda), Next.js where it runs on ECS.
 */
export function runsFromImage(app: { kind: AppKind; architecture: string }): boolean {
  return app.kind === "django" || findArchitecture(app.architecture).ecsKinds.includes(app.kind);
}
