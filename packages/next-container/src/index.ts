export {
  prepareContext,
  renderDockerfile,
  exclusionReason,
  isRefused,
  DOCKERFILE_TEMPLATE,
} from "./prepare-context";
export type { PrepareContextOptions, PreparedContext, LeftOut } from "./prepare-context";
export { locateStandalone, type StandaloneBuild } from "./standalone";
export { findEngine, buildCommand, PLATFORMS, type Engine, type Platform } from "./engine";
export { healthCheckCommand } from "./health-check";
export { ImageError, UsageError, NoEngineError } from "./errors";
export { main } from "./cli";
