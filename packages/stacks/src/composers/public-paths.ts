import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError } from "@zonke/modules";

/**
 * CloudFront allows 25 cache behaviours per distribution by default; zonke itself uses three
 * (`/_next/static/*`, `/_next/image*`, and one per extra path origin), so public entries get 20.
 */
export const MAX_PUBLIC_PATTERNS = 20;

/**
 * Path patterns for an app's `public/` folder, served from the assets bucket: one per top-level
 * entry (`/favicon.ico`, `/images/*`), so a request for anything else never reaches S3. Names
 * CloudFront patterns cannot express literally (`*`, `?`) are refused, with the file named.
 */
export function publicPathPatterns(appDir: string): string[] {
  const publicDir = path.join(appDir, "public");
  if (!fs.existsSync(publicDir)) return [];
  const patterns = fs
    .readdirSync(publicDir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .map((entry) => {
      if (/[*?\s]/.test(entry.name)) {
        throw new ValidationError(
          `public/${entry.name} in ${appDir} cannot be served: CloudFront path patterns cannot match "*", "?" or spaces literally; rename it`,
        );
      }
      return entry.isDirectory() ? `/${entry.name}/*` : `/${entry.name}`;
    })
    .sort();
  if (patterns.length > MAX_PUBLIC_PATTERNS) {
    throw new ValidationError(
      `${publicDir} has ${patterns.length} top-level entries; CloudFront allows ${MAX_PUBLIC_PATTERNS} here. Group public files into folders (e.g. public/assets/)`,
    );
  }
  return patterns;
}
