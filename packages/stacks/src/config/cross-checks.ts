import type { z } from "zod";
import { nameProblem } from "@zonke/modules";
import { findArchitecture } from "../architectures/registry";
import { plannedAppNames } from "./planned-names";
import { checkEcs, type EcsConfig } from "./ecs";

// Structural types of the parsed config, to avoid a cycle with schema.ts.
interface ParsedApp {
  name: string;
  kind: string;
  architecture: string;
  branches: Record<string, string>;
  api?: string | undefined;
  database?: unknown;
  ecs: EcsConfig;
}
interface ParsedConfig {
  project: string;
  state: { backend: string };
  environments: Record<
    string,
    {
      region: string;
      availabilityZones: string[];
      production: boolean;
      state?: { backend: string } | undefined;
    }
  >;
  apps: ParsedApp[];
  delivery?: unknown;
}

/** Rules that span fields: they run once every field is valid on its own. */
export function crossCheck(config: ParsedConfig, ctx: z.RefinementCtx): void {
  const envNames = Object.keys(config.environments);
  const problem = (path: (string | number)[], message: string, input?: unknown) =>
    ctx.addIssue({ code: "custom", path, message, input });

  for (const [envName, env] of Object.entries(config.environments)) {
    env.availabilityZones.forEach((zone, index) => {
      if (!new RegExp(`^${env.region}[a-z]$`).test(zone)) {
        problem(
          ["environments", envName, "availabilityZones", index],
          `is not a zone of ${env.region}; zones look like ${env.region}a`,
          zone,
        );
      }
    });
    if (config.delivery !== undefined && (env.state ?? config.state).backend !== "s3") {
      problem(
        ["environments", envName, "state"],
        'must be { backend: "s3", bucket: "..." } when delivery is set: the pipeline\'s builds ' +
          "start from nothing, so Terraform state must live in S3 (`zonke-synth --state local` " +
          "still synthesises with local state, e.g. to try things out)",
      );
    }
    if (new Set(env.availabilityZones).size !== env.availabilityZones.length) {
      problem(
        ["environments", envName, "availabilityZones"],
        "lists a zone twice",
        env.availabilityZones,
      );
    }
  }

  const seen = new Map<string, number>();
  config.apps.forEach((app, index) => {
    const at = (...rest: (string | number)[]) => ["apps", index, ...rest];
    const first = seen.get(app.name);
    if (first !== undefined) {
      problem(
        at("name"),
        `is already the name of apps[${first}]; app names must be unique`,
        app.name,
      );
    } else {
      seen.set(app.name, index);
    }

    const architecture = findArchitecture(app.architecture);
    if (!architecture.kinds.includes(app.kind as never)) {
      problem(
        at("architecture"),
        `cannot run a ${app.kind} app; it runs ${architecture.kinds.join(" and ")} apps`,
        app.architecture,
      );
    }

    for (const envName of envNames) {
      if (!(envName in app.branches)) {
        problem(
          at("branches", envName),
          `is missing: every environment needs a branch (environments: ${envNames.join(", ")})`,
        );
      }
    }
    for (const envName of Object.keys(app.branches)) {
      if (!envNames.includes(envName)) {
        problem(
          at("branches", envName),
          `names an environment that is not defined; environments: ${envNames.join(", ")}`,
          envName,
        );
      }
    }

    if (app.database !== undefined && app.kind !== "django") {
      problem(
        at("database"),
        "is only for django apps (the Next.js app reaches data through the API)",
      );
    }
    if (app.api !== undefined) checkApiReference(config, app, at("api"), problem);
    if (architecture.ecsKinds.includes(app.kind as never)) {
      checkEcs(app.ecs, config.environments, at("ecs"), problem);
    }

    for (const envName of envNames) {
      for (const { kind, name } of plannedAppNames(
        config.project,
        envName,
        app.name,
        config.delivery !== undefined,
      )) {
        const tooLong = nameProblem(kind, name);
        if (tooLong) {
          problem(
            at("name"),
            `is too long: ${tooLong}. Shorten the project, environment or app name`,
            app.name,
          );
          return;
        }
      }
    }
  });
}

function checkApiReference(
  config: ParsedConfig,
  app: ParsedApp,
  path: (string | number)[],
  problem: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  if (app.kind !== "nextjs") {
    problem(path, "is only for nextjs apps: it names the Django app the front end calls", app.api);
    return;
  }
  const target = config.apps.find((other) => other.name === app.api);
  if (!target) {
    const djangoApps = config.apps
      .filter((other) => other.kind === "django")
      .map((other) => other.name);
    problem(
      path,
      `names no app in this config; django apps: ${djangoApps.join(", ") || "none"}`,
      app.api,
    );
  } else if (target.kind !== "django") {
    problem(path, `names a ${target.kind} app; it must name a django app`, app.api);
  } else if (target.architecture !== app.architecture) {
    problem(
      path,
      `names an app of architecture ${target.architecture}; both apps must use ${app.architecture}`,
      app.api,
    );
  }
}
