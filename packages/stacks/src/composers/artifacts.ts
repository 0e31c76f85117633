import * as path from "node:path";
import { readLambdaArtifact, ValidationError, type LambdaArtifact } from "@zonke/modules";

/**
 * Where an app's own Lambda packages are built (they carry its code or its settings): by
 * `zonke-build-apps` (src/build-apps.ts, run by `npm start`), into `<app>/.zonke/build/<package>/`.
 */
export const APP_BUILD_DIR = ".zonke/build";

/** A package built for one app, e.g. `next-server` (the app itself) or `image-optimizer`. */
export function appArtifact(appDir: string, appName: string, packageName: string): LambdaArtifact {
  const file = path.join(appDir, APP_BUILD_DIR, packageName, "artifact.json");
  try {
    return readLambdaArtifact(file);
  } catch (error) {
    throw new ValidationError(
      `app "${appName}" has no ${packageName} package at ${file}; build the apps first ` +
        `(npm start does, or npx zonke-build-apps) (${(error as Error).message})`,
    );
  }
}

/** A package that is the same for every app (warmer, edge signer), built by `npm run build`. */
export function sharedArtifact(packageName: string): LambdaArtifact {
  let file: string;
  try {
    file = require.resolve(`@zonke/${packageName}/artifact`);
  } catch {
    throw new ValidationError(
      `@zonke/${packageName} is not built; run npm run build (or npm start) first`,
    );
  }
  return readLambdaArtifact(file);
}
