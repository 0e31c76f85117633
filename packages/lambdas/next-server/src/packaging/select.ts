/**
 * What of the standalone build ships. Left out, each for a reason the packager reports:
 *
 * - sharp and `@img/*`: images are served by the separate image optimiser, and Next.js only
 *   requires sharp when `/_next/image` is asked of this server, which CloudFront never does;
 * - source maps, TypeScript declarations, `.next/cache` (build caches): never read by the server;
 * - the build's file traces (the `*.nft.json` files in `.next`): only `next build` reads them
 *   (next/dist/build/nft.js and build/utils.js; nothing under next/dist/server names them);
 * - the app's `.next/static` and `public/` (if copied in): CloudFront serves them from S3, and the
 *   server's file-system routes for them are then simply empty;
 * - READMEs and changelogs inside `node_modules`: documentation no code requires. Licence and
 *   notice files stay.
 */
const RULES: ReadonlyArray<readonly [string, (path: string, appPath: string) => boolean]> = [
  [
    "sharp and @img (the image optimiser's job)",
    (p) => /(?:^|\/)node_modules\/(?:sharp|@img)\//.test(p),
  ],
  ["source maps", (p) => p.endsWith(".map")],
  ["TypeScript declarations", (p) => /\.d\.[cm]?ts$/.test(p)],
  ["build caches (.next/cache)", (p) => /(?:^|\/)\.next\/cache\//.test(p)],
  [
    "file traces of the build (.next/**/*.nft.json)",
    (p) => /(?:^|\/)\.next\/.*\.nft\.json$/.test(p),
  ],
  [
    "static assets (served from S3)",
    (p, app) => under(p, app, ".next/static/") || under(p, app, "public/"),
  ],
  [
    "READMEs and changelogs",
    (p) =>
      /(?:^|\/)node_modules\/.*\/(?:readme|changelog|history)(?:\.(?:md|markdown|txt|rst))?$/i.test(
        p,
      ),
  ],
];

/** Why a file (path relative to the standalone root, `/` separators) is left out, or undefined. */
export function exclusionReason(path: string, appPath: string): string | undefined {
  for (const [reason, matches] of RULES) if (matches(path, appPath)) return reason;
  return undefined;
}

function under(path: string, appPath: string, prefix: string): boolean {
  return path.startsWith(appPath === "." ? prefix : `${appPath}/${prefix}`);
}
