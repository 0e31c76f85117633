// @zonke/deploy: deploy steps run after the build. Static assets: syncAssets uploads a build to
// the app's assets bucket and invalidates what changed; planSync is the pure decision behind it.
export { syncAssets, type AwsClients, type SyncOptions, type SyncResult } from "./sync";
export {
  planSync,
  type PlanOptions,
  type PlannedUpload,
  type SyncPlan,
  type UploadReason,
} from "./plan";
export { collectLocalFiles, hashFile, type LocalFile } from "./local-files";
export {
  readRemoteState,
  SHA256_METADATA,
  type RemoteObject,
  type RemoteState,
} from "./remote-state";
export {
  MANIFEST_KEY,
  parseManifest,
  serialiseManifest,
  type Manifest,
  type ManifestEntry,
} from "./manifest";
export {
  APP_KINDS,
  NEXTJS_SOURCES,
  normaliseUrlPrefix,
  sourcesFor,
  staticSources,
  type AppKind,
  type AssetSource,
} from "./sources";
export { ASSETS_PREFIX, invalidationPathFor, objectKeyFor, urlPathFor } from "./keys";
export {
  cacheControlFor,
  contentTypeFor,
  DEFAULT_CONTENT_TYPE,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
} from "./headers";
export {
  INVALIDATE_EVERYTHING,
  invalidationPaths,
  MAX_INVALIDATION_PATHS,
} from "./invalidation-paths";
export { formatSummary } from "./summary";
export { AwsError, UsageError } from "./errors";
