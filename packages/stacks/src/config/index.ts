// The light entry user config files import (`@zonke/stacks/config`): types and defineConfig only.
export { defineConfig } from "./define";
export type { ZonkeConfigInput, ZonkeConfig, AppConfig, EnvironmentConfig } from "./schema";
