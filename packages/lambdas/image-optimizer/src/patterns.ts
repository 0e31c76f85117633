import type { ImageConfig, LocalPattern, RemotePattern } from "./image-config";

/** Remote and local patterns compiled once at init. */
export interface CompiledPatterns {
  /** True when some remote pattern allows this (already parsed, http(s)) URL. */
  allowsRemote(url: URL): boolean;
  /** True when local patterns allow this path (with its search, e.g. `/a.png?v=1`). */
  allowsLocal(pathname: string, search: string): boolean;
  /** True when any remote pattern allows plain http. */
  readonly allowsHttp: boolean;
}

export function compilePatterns(config: ImageConfig): CompiledPatterns {
  const remote = config.remotePatterns.map(compileRemote);
  const local = config.localPatterns?.map(compileLocal);
  return {
    allowsRemote: (url) => remote.some((match) => match(url)),
    allowsLocal: (pathname, search) =>
      local === undefined || local.some((match) => match(pathname, search)),
    allowsHttp: config.remotePatterns.some((p) => p.protocol === "http"),
  };
}

function compileRemote(pattern: RemotePattern): (url: URL) => boolean {
  const hostname = new RegExp(pattern.hostname);
  const pathname = new RegExp(pattern.pathname);
  return (url) =>
    url.protocol === `${pattern.protocol}:` &&
    // URL.port is "" for the scheme's default port; a missing pattern port means exactly that.
    url.port === pattern.port &&
    hostname.test(url.hostname) &&
    (pattern.search === undefined || pattern.search === url.search) &&
    pathname.test(url.pathname);
}

function compileLocal(pattern: LocalPattern): (pathname: string, search: string) => boolean {
  const regex = new RegExp(pattern.pathname);
  return (pathname, search) =>
    (pattern.search === undefined || pattern.search === search) && regex.test(pathname);
}
