/**
 * Where `zonke build` leaves what it made for the next stages (in the workspace, which the
 * pipeline's Build stage hands on as its artifact; `.zonke/` is git-ignored):
 *
 * - `.zonke/images/<env>/<app>.digest`: the digest (`sha256:...`, one line) of the image it
 *   pushed; `zonke plan` deploys it (`-var image_digest=...`).
 * - `<app path>/staticfiles/`: a Django app's collected static files, copied out of the image it
 *   pushed (collectstatic ran there, with the image's code and ManifestStaticFilesStorage), where
 *   `zonke assets upload` takes them from (and where Django's own `STATIC_ROOT` convention puts
 *   them; the image build leaves that folder out of the image).
 *
 * Paths are relative to the config's folder (the workspace root), like `.zonke/state`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";

export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function digestFile(root: string, env: string, app: string): string {
  return path.join(root, ".zonke", "images", env, `${app}.digest`);
}

export function staticFilesDir(root: string, appPath: string): string {
  return path.resolve(root, appPath, "staticfiles");
}

export function writeDigest(file: string, digest: string): void {
  if (!IMAGE_DIGEST.test(digest)) throw new Error(`not an image digest: ${digest}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${digest}\n`);
}

/**
 * The digest `zonke build` recorded, or undefined when there is no file. A file that holds
 * anything else is a mistake to fix (exit 2), never silently ignored: the plan would deploy
 * another image than the one just built.
 */
export function readDigest(file: string, shownAs: string = file): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UsageError(
      `${shownAs}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const digest = text.trim();
  if (!IMAGE_DIGEST.test(digest)) {
    throw new UsageError(
      `${shownAs} does not hold an image digest (sha256: and 64 hex digits); run zonke build again, or delete the file`,
    );
  }
  return digest;
}
