// Imported first by the CLI entry, before cdktf: start-up and synth costs of cdktf 0.21 that the
// command need not pay. The library (src/index.ts) does neither. cdktf is archived upstream, so
// neither is fixed there; both are skipped silently if cdktf's internals move (e.g. under cdktn).
import Module from "node:module";

const cdktfRequire = Module.createRequire(require.resolve("cdktf"));

/**
 * cdktf loads `archiver` (zip support for archive assets) when it is imported, about a third of
 * cdktf's load time, yet zips assets in a child `node` process that loads its own copy. The synth
 * process only needs a placeholder (which loads the real module should it ever be called).
 */
function deferArchiver(): void {
  const modulePath = cdktfRequire.resolve("archiver");
  if (require.cache[modulePath]) return;
  const placeholder = new Module(modulePath);
  placeholder.filename = modulePath;
  placeholder.loaded = true;
  placeholder.exports = function archiver(...args: unknown[]) {
    delete require.cache[modulePath];
    const real = cdktfRequire("archiver") as (...a: unknown[]) => unknown;
    return real(...args);
  };
  require.cache[modulePath] = placeholder;
}

/**
 * `App({ stackTraces: false })` stops cdktf recording a stack trace per construct, but not the one
 * it records for every token it creates, used only to say where a token was made when it cannot
 * be resolved. Skip those too (the synthesised JSON does not change).
 */
function skipTokenStackTraces(): void {
  const stackTrace = cdktfRequire("./tokens/private/stack-trace") as {
    captureStackTrace: () => string[];
  };
  stackTrace.captureStackTrace = () => [];
}

for (const speedUp of [deferArchiver, skipTokenStackTraces]) {
  try {
    speedUp();
  } catch {
    // cdktf moved things: run at the ordinary speed.
  }
}
