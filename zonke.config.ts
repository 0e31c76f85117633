// The deployment config for the two example apps. Validated at load: a mistake is reported with
// the field, the bad value and what is allowed before anything is synthesised.
import { defineConfig } from "@zonke/stacks/config";

export default defineConfig({
  project: "zonke",
  // dev keeps state in local files; prod overrides it with the S3 backend below.
  state: { backend: "local" },
  environments: {
    dev: {
      account: "111111111111",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      cidr: "10.10.0.0/16",
      // One NAT gateway: cheaper, and dev can live with one zone's egress.
      nat: "single",
    },
    prod: {
      account: "222222222222",
      region: "eu-west-1",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      cidr: "10.20.0.0/16",
      nat: "per-az",
      state: { backend: "s3", bucket: "zonke-prod-tfstate-222222222222" },
      // Databases keep deletion protection, a final snapshot, Multi-AZ and 14 days of backups.
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
