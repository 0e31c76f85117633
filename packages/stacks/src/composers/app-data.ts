import type { Construct } from "constructs";
import {
  AppSecret,
  Database,
  databaseSecretSource,
  type Network,
  type SecretSource,
} from "@zonke/modules";
import type { AppConfig, EnvironmentConfig, ZonkeConfig } from "../config/schema";
import { appResourceNames } from "../resource-names";

export interface AppData {
  readonly secret: AppSecret;
  /** Admit the app's servers and migrator with `database.allowFrom` once they exist. */
  readonly database?: Database;
  /** What the app's servers load: its secret, and the database credentials behind `DB_`. */
  readonly secretSources: SecretSource[];
  /** Plain settings for the servers: where the database is. */
  readonly environment: Record<string, string>;
}

/**
 * The data every app gets, whatever runs its code: its secret (`<project>/<env>/<app>`, a
 * container without a value) and, when the config asks for one, its PostgreSQL database in the
 * environment's isolated subnets, admitting only what the architecture lets in with `allowFrom`.
 * Architectures compose it; none copies it. Names come from `appResourceNames`, which the `zonke`
 * CLI uses to find the secret.
 */
export function composeAppData(
  scope: Construct,
  options: {
    readonly config: ZonkeConfig;
    readonly envName: string;
    readonly env: EnvironmentConfig;
    readonly appConfig: AppConfig;
    readonly network: Network;
    /** Servers on Lambda default to an RDS Proxy. */
    readonly serversOnLambda: boolean;
  },
): AppData {
  const { config, envName, env, appConfig, network } = options;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const secret = new AppSecret(scope, "Secrets", {
    name: names.secret,
    keys: appConfig.secrets,
  });
  const secretSources: SecretSource[] = [{ arn: secret.arn, keys: appConfig.secrets }];
  if (!appConfig.database) return { secret, secretSources, environment: {} };

  const database = new Database(scope, "Database", {
    identifier: `${names.prefix}-db`,
    network: { vpcId: network.vpcId, isolatedSubnetIds: network.isolatedSubnetIds },
    engineVersion: appConfig.database.engineVersion,
    instanceClass: appConfig.database.instanceClass,
    allocatedStorageGiB: appConfig.database.allocatedStorageGiB,
    production: env.production,
    proxy: appConfig.database.proxy ?? options.serversOnLambda,
  });
  return {
    secret,
    database,
    secretSources: [...secretSources, databaseSecretSource(database.secretArn)],
    environment: {
      DB_HOST: database.host,
      DB_PORT: String(database.port),
      DB_NAME: database.databaseName,
    },
  };
}
