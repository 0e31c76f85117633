import type { ZonkeConfigInput } from "./schema";

/**
 * Declares a zonke config with type checking and editor completion:
 * `export default defineConfig({ project: "shop", environments: {...}, apps: [...] })`.
 */
export function defineConfig(config: ZonkeConfigInput): ZonkeConfigInput {
  return config;
}
