import {
  cacheControlFor,
  contentTypeFor,
  MAX_INVALIDATION_PATHS,
  NEXTJS_SOURCES,
  objectKeyFor,
  planSync,
  type LocalFile,
  type RemoteObject,
  type RemoteState,
} from "../src";

function local(urlPath: string, sha256 = "aa"): LocalFile {
  const immutable = urlPath.startsWith("/_next/static/");
  return {
    absolutePath: `/app${urlPath}`,
    urlPath,
    key: objectKeyFor(urlPath),
    size: 10,
    sha256,
    contentType: contentTypeFor(urlPath),
    cacheControl: cacheControlFor(immutable),
    immutable,
  };
}

/** A bucket holding these files as this tool would have uploaded them. */
function remoteOf(
  files: LocalFile[],
  extraKeys: string[] = [],
  pending: string[] = [],
): RemoteState {
  const objects = new Map<string, RemoteObject>();
  for (const f of files) {
    objects.set(f.key, { etag: '"e"', size: f.size, known: { ...f } });
  }
  for (const key of extraKeys) objects.set(key, { etag: '"x"', size: 1 });
  return {
    objects,
    manifest: { files: {}, pendingInvalidation: pending },
    requests: { get: 1, list: 1, head: 0 },
  };
}

const options = { sources: NEXTJS_SOURCES, prune: false };

describe("planSync", () => {
  it("uploads nothing when hashes and headers match", () => {
    const files = [local("/_next/static/a.js"), local("/robots.txt")];
    const plan = planSync(files, remoteOf(files), options);
    expect(plan.uploads).toEqual([]);
    expect(plan.unchanged).toHaveLength(2);
    expect(plan.invalidationPaths).toEqual([]);
  });

  it("gives the reason: new, content, headers", () => {
    const before = [local("/a.txt"), local("/b.txt")];
    const remote = remoteOf(before);
    const after = [
      local("/a.txt", "bb"),
      { ...local("/b.txt"), cacheControl: "no-cache" },
      local("/c.txt"),
    ];
    const plan = planSync(after, remote, options);
    expect(plan.uploads.map((u) => [u.file.urlPath, u.reason])).toEqual([
      ["/a.txt", "content"],
      ["/b.txt", "headers"],
      ["/c.txt", "new"],
    ]);
    expect(plan.invalidationPaths).toEqual(["/a.txt", "/b.txt", "/c.txt"]);
  });

  it("treats an object with no sha256 metadata (uploaded by another tool) as changed", () => {
    const file = local("/a.txt");
    const remote = remoteOf([]);
    (remote.objects as Map<string, RemoteObject>).set(file.key, {
      etag: '"e"',
      size: 10,
      known: { sha256: undefined, contentType: file.contentType, cacheControl: file.cacheControl },
    });
    expect(planSync([file], remote, options).uploads.map((u) => u.reason)).toEqual(["content"]);
  });

  it("orders hashed uploads first and never invalidates them", () => {
    const files = [local("/a.txt"), local("/_next/static/x.js"), local("/b.txt")];
    const plan = planSync(files, remoteOf([]), options);
    expect(plan.uploads.map((u) => u.file.urlPath)).toEqual([
      "/_next/static/x.js",
      "/a.txt",
      "/b.txt",
    ]);
    expect(plan.invalidationPaths).toEqual(["/a.txt", "/b.txt"]);
  });

  it("prunes removed files only when asked, never hashed ones", () => {
    const removed = ["assets/_next/static/old.js", "assets/old.txt"];
    const files = [local("/a.txt")];
    const kept = planSync(files, remoteOf(files, removed), options);
    expect(kept.deletes).toEqual([]);
    expect(kept.retained).toEqual(removed);
    const pruned = planSync(files, remoteOf(files, removed), { ...options, prune: true });
    expect(pruned.deletes).toEqual(["assets/old.txt"]);
    expect(pruned.retained).toEqual(["assets/_next/static/old.js"]);
    expect(pruned.invalidationPaths).toEqual(["/old.txt"]);
  });

  it("carries pending paths of a failed invalidation into this one", () => {
    const files = [local("/a.txt")];
    const plan = planSync([local("/a.txt", "bb")], remoteOf(files, [], ["/earlier.txt"]), options);
    expect(plan.invalidationPaths).toEqual(["/a.txt", "/earlier.txt"]);
  });

  it(`collapses to /* above ${MAX_INVALIDATION_PATHS} paths, not at`, () => {
    const make = (n: number) => Array.from({ length: n }, (_, i) => local(`/p/${i}.html`));
    expect(
      planSync(make(MAX_INVALIDATION_PATHS), remoteOf([]), options).invalidationPaths,
    ).toHaveLength(MAX_INVALIDATION_PATHS);
    expect(
      planSync(make(MAX_INVALIDATION_PATHS + 1), remoteOf([]), options).invalidationPaths,
    ).toEqual(["/*"]);
    const pendingAll = remoteOf([], [], ["/*"]);
    expect(planSync([local("/a.txt")], pendingAll, options).invalidationPaths).toEqual(["/*"]);
  });
});
