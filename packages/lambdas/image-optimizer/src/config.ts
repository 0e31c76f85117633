import { readFileSync } from "node:fs";
import { normaliseImageConfig, type ImageConfig } from "./image-config";

/**
 * Reads the `config.json` the build put next to `index.js`. Runs once, at init: a missing or bad
 * file fails the function's initialisation with a message, rather than every request.
 */
export function loadImageConfig(file: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the image config ${file}: ${(error as Error).message}`);
  }
  return normaliseImageConfig(json).config;
}
