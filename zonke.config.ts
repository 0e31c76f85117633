// The deployment config for the two example apps. Validated at load: a mistake is reported with
// the field, the bad value and what is allowed before anything is synthesised.
import { defineConfig } from "@zonke/stacks/config";

export default defineConfig({
  project: "zonke",
  // Pipelines start from nothing, so each environment keeps its state in S3 (made by the
  // `zonke-<env>-state` stack). `npm start` synthesises with local state to try things out.
  state: { backend: "local" },
  // One CodePipeline per app and environment, started by a push to the app's branch.
  delivery: {
    repository: "zonke-dev/zonke",
    // One connection per environment (the zonke-<env>-delivery stack): a one-time handshake in
    // the console, then every app's pipeline uses it.
    connection: { provider: "GitHub" },
  },
  environments: {
    dev: {
      account: "111111111111",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      cidr: "10.10.0.0/16",
      // One NAT gateway: cheaper, and dev can live with one zone's egress.
      nat: "single",
      state: { backend: "s3", bucket: "zonke-dev-tfstate-111111111111" },
    },
    prod: {
      account: "222222222222",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      cidr: "10.20.0.0/16",
      nat: "per-az",
      state: { backend: "s3", bucket: "zonke-prod-tfstate-222222222222" },
      // Databases keep deletion protection, a final snapshot, Multi-AZ and 14 days of backups;
      // and a person approves each plan before the pipeline applies it.
      production: true,
    },
  },
  apps: [
    {
      name: "web",
      kind: "nextjs",
      path: "apps/example-next",
      architecture: "next-lambda-django-ecs",
      branches: { dev: "main", prod: "release" },
      api: "api",
      warm: 2,
      secrets: ["GREETING_SECRET"],
    },
    {
      name: "api",
      kind: "django",
      path: "apps/example-django",
      architecture: "next-lambda-django-ecs",
      branches: { dev: "main", prod: "release" },
      // One task in dev; prod (production: true) starts from two, one per zone at least.
      ecs: {
        launchType: "fargate",
        cpu: 512,
        memoryMiB: 1024,
        maxTasks: 4,
        environments: { prod: { maxTasks: 10 } },
      },
      database: { engineVersion: "17", instanceClass: "db.t4g.micro" },
      secrets: ["DJANGO_SECRET_KEY"],
    },
    {
      // The same two apps with both servers on ECS (next-ecs-django-ecs).
      name: "store",
      kind: "nextjs",
      path: "apps/example-next",
      architecture: "next-ecs-django-ecs",
      branches: { dev: "main", prod: "release" },
      api: "store-api",
      healthCheckPath: "/status",
      ecs: { launchType: "fargate", spot: true, cpu: 512, memoryMiB: 1024, maxTasks: 4 },
      secrets: ["GREETING_SECRET"],
    },
    {
      name: "store-api",
      kind: "django",
      path: "apps/example-django",
      architecture: "next-ecs-django-ecs",
      branches: { dev: "main", prod: "release" },
      // EC2 capacity here, to show the other launch type.
      ecs: { launchType: "ec2", instanceType: "t4g.medium", cpu: 512, memoryMiB: 1024 },
      database: { engineVersion: "17", instanceClass: "db.t4g.micro" },
      secrets: ["DJANGO_SECRET_KEY"],
    },
    {
      // The same Django app as a monolith on Lambda (container image), with its own database.
      name: "site",
      kind: "django",
      path: "apps/example-django",
      architecture: "django-lambda",
      branches: { dev: "main", prod: "release" },
      // Container cold starts are long: keep two instances warm.
      warm: 2,
      database: { engineVersion: "17", instanceClass: "db.t4g.micro" },
      secrets: ["DJANGO_SECRET_KEY"],
    },
  ],
});
