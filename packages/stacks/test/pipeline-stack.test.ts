import { EXAMPLE_CONFIG, synthConfig } from "./helpers";

type Json = Record<string, any>;
const json = synthConfig(EXAMPLE_CONFIG).json as Record<string, Json>;

const APPS = ["web", "api", "store", "store-api", "site"];
const WITH_DATABASE = ["api", "store-api", "site"];
const WITH_IMAGE = ["api", "store", "store-api", "site"];
const BRANCHES: Record<string, string> = { dev: "main", prod: "release" };
const APP_PATHS: Record<string, string> = {
  web: "apps/example-next",
  store: "apps/example-next",
  api: "apps/example-django",
  "store-api": "apps/example-django",
  site: "apps/example-django",
};

const only = (stack: Json, type: string): Json => {
  const found = Object.values(stack.resource?.[type] ?? {}) as Json[];
  expect(found).toHaveLength(1);
  return found[0]!;
};
const pipelineOf = (env: string, app: string): Json => {
  const stack = json[`zonke-${env}-${app}-pipeline`];
  if (!stack) throw new Error(`no pipeline stack for ${app} in ${env}`);
  return stack;
};
const stagesOf = (env: string, app: string): Json[] =>
  only(pipelineOf(env, app), "aws_codepipeline").stage as Json[];
const buildspecOf = (env: string, app: string, project: string): Json => {
  const projects = Object.values(
    pipelineOf(env, app).resource.aws_codebuild_project as Record<string, Json>,
  );
  const found = projects.find((p) => p.name === `zonke-${env}-${app}-${project}`);
  if (!found) throw new Error(`no project ${project}`);
  return JSON.parse(found.source.buildspec as string) as Json;
};
const commands = (spec: Json): string[] => spec.phases.build.commands as string[];

describe.each(["dev", "prod"])("the %s pipelines", (env) => {
  it.each(APPS)("%s has one, started by pushes to its branch that touch what it builds", (app) => {
    const pipeline = only(pipelineOf(env, app), "aws_codepipeline");
    const push = pipeline.trigger[0].git_configuration.push[0];
    expect(push.branches).toEqual({ includes: [BRANCHES[env]] });
    expect(push.file_paths.includes).toEqual([
      `${APP_PATHS[app]}/**`,
      "packages/**",
      "zonke.config.ts",
      "package-lock.json",
    ]);
    expect(push.file_paths.excludes).toEqual(["**/*.md"]);
    const source = stagesOf(env, app)[0]!.action[0];
    expect(source.configuration).toMatchObject({
      FullRepositoryId: "zonke-dev/zonke",
      BranchName: BRANCHES[env],
    });
  });

  it.each(APPS)("%s migrates between Deploy and Release, and only with a database", (app) => {
    const names = stagesOf(env, app).map((stage) => stage.name as string);
    const expected = [
      "Source",
      "UpdatePipeline",
      "Build",
      "Plan",
      ...(env === "prod" ? ["Approval"] : []),
      "Deploy",
      ...(WITH_DATABASE.includes(app) ? ["Migrate"] : []),
      "Release",
    ];
    expect(names).toEqual(expected);
    if (WITH_DATABASE.includes(app)) {
      const migrate = stagesOf(env, app).find((stage) => stage.name === "Migrate")!.action[0];
      expect(migrate.configuration).toEqual({
        FunctionName: `zonke-${env}-${app}-migrator`,
        UserParameters: "#{DeployVariables.MIGRATION_PARAMETERS}",
      });
      expect(buildspecOf(env, app, "deploy").env).toEqual({
        "exported-variables": ["MIGRATION_PARAMETERS"],
      });
    } else {
      expect(buildspecOf(env, app, "deploy").env).toBeUndefined();
    }
  });

  it.each(APPS)(
    "%s runs the zonke commands a developer runs, for its app and environment",
    (app) => {
      const target = `--env ${env} --app ${app}`;
      expect(commands(buildspecOf(env, app, "update"))).toEqual([
        `npx zonke pipeline deploy ${target} --self-update`,
      ]);
      expect(commands(buildspecOf(env, app, "build"))).toEqual([`npx zonke build ${target}`]);
      // The image scripts need Python 3.11+, which the image only gives when asked.
      expect(buildspecOf(env, app, "build").phases.install["runtime-versions"]).toEqual({
        nodejs: 22,
        python: 3.11,
      });
      expect(buildspecOf(env, app, "plan").phases.install["runtime-versions"]).toEqual({
        nodejs: 22,
      });
      expect(commands(buildspecOf(env, app, "plan"))).toEqual([
        `npx zonke plan ${target} --no-synth --skip-pipeline`,
      ]);
      expect(commands(buildspecOf(env, app, "deploy")).slice(0, 2)).toEqual([
        `npx zonke deploy ${target} --exports deploy.env`,
        `npx zonke assets upload ${target}`,
      ]);
      expect(commands(buildspecOf(env, app, "release"))).toEqual([`npx zonke release ${target}`]);
    },
  );

  it.each(APPS)(
    "%s builds privileged only when it pushes an image, to its own repository",
    (app) => {
      const projects = Object.values(
        pipelineOf(env, app).resource.aws_codebuild_project as Record<string, Json>,
      );
      for (const project of projects) {
        const privileged = project.environment.privileged_mode as boolean;
        expect(`${project.name}: ${privileged}`).toBe(
          `${project.name}: ${project.name.endsWith("-build") && WITH_IMAGE.includes(app)}`,
        );
      }
    },
  );

  it.each(APPS)("%s runs Terraform as the environment's deploy role", (app) => {
    const projects = Object.values(
      pipelineOf(env, app).resource.aws_codebuild_project as Record<string, Json>,
    );
    const account = env === "dev" ? "111111111111" : "222222222222";
    for (const project of projects) {
      const variables = (project.environment.environment_variable ?? []) as Json[];
      const role = variables.find((v) => v.name === "ZONKE_DEPLOY_ROLE_ARN");
      if (project.name.endsWith("-build")) expect(role).toBeUndefined();
      else expect(role?.value).toBe(`arn:aws:iam::${account}:role/zonke-${env}-deployer`);
    }
  });

  it("shares one connection and one deploy role, trusted only by the pipelines' Terraform stages", () => {
    const delivery = json[`zonke-${env}-delivery`]!;
    expect(only(delivery, "aws_codestarconnections_connection")).toMatchObject({
      name: `zonke-${env}`,
      provider_type: "GitHub",
    });
    expect(only(delivery, "aws_iam_role").name).toBe(`zonke-${env}-deployer`);
    const trust = Object.values(delivery.data.aws_iam_policy_document as Record<string, Json>)
      .flatMap((doc) => doc.statement as Json[])
      .find((statement) => (statement.actions as string[]).includes("sts:AssumeRole"))!;
    const account = env === "dev" ? "111111111111" : "222222222222";
    expect(trust.condition[0].values).toEqual(
      ["update", "plan", "deploy", "release"].map(
        (stage) => `arn:aws:iam::${account}:role/zonke-${env}-*-${stage}`,
      ),
    );
    // Every pipeline reads the connection from the delivery stack's state.
    for (const app of APPS) {
      const source = stagesOf(env, app)[0]!.action[0];
      expect(source.configuration.ConnectionArn).toMatch(
        new RegExp(
          `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-zonke-${env}-delivery\\.outputs\\.`,
        ),
      );
    }
  });
});

describe("synthesising for one app, or for its pipeline only", () => {
  it("composes the app and the API it calls, and no other app", () => {
    const names = Object.keys(
      synthConfig(EXAMPLE_CONFIG, { environments: ["dev"], apps: ["web"] }).json,
    );
    expect(names).toEqual([
      "zonke-dev-state",
      "zonke-dev-network",
      "zonke-dev-delivery",
      "zonke-dev-api-registry",
      "zonke-dev-api",
      "zonke-dev-api-pipeline",
      "zonke-dev-web",
      "zonke-dev-web-pipeline",
    ]);
  });

  it("makes only registries and pipelines with pipelinesOnly, the same as a full synth", () => {
    const only = synthConfig(EXAMPLE_CONFIG, { environments: ["prod"], pipelinesOnly: true }).json;
    expect(Object.keys(only).filter((name) => !/-(pipeline|registry)$/.test(name))).toEqual([
      "zonke-prod-state",
      "zonke-prod-network",
      "zonke-prod-delivery",
    ]);
    for (const app of APPS) {
      const name = `zonke-prod-${app}-pipeline`;
      expect(only[name]).toEqual(json[name]);
      expect(Boolean(only[`zonke-prod-${app}-registry`])).toBe(WITH_IMAGE.includes(app));
    }
  });

  it("refuses an app the config does not define", () => {
    expect(() => synthConfig(EXAMPLE_CONFIG, { apps: ["shop"] })).toThrow(
      /unknown app "shop"; the config defines web, api, store, store-api, site/,
    );
  });
});
