/**
 * The path patterns a deployment serves from the app's `public/` folder: one per top-level entry
 * (`/favicon.ico`, `/images/*`). The rule of `publicPathPatterns` in @zonke/stacks
 * (src/composers/public-paths.ts), which that package does not export.
 */
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";

export function publicPathPatterns(appDir: string): string[] {
  const publicDir = path.join(appDir, "public");
  if (!existsSync(publicDir)) return [];
  return readdirSync(publicDir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .map((entry) => (entry.isDirectory() ? `/${entry.name}/*` : `/${entry.name}`))
    .sort();
}
