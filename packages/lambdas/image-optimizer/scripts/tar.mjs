// A minimal reader for npm's package tarballs (.tgz): regular files only, with the pax and GNU
// long-name records npm may write. Paths lose npm's leading "package/".
import { gunzipSync } from "node:zlib";

/** @returns {Map<string, Buffer>} file path (inside the package) -> contents */
export function readPackageTarball(tgz) {
  const tar = gunzipSync(tgz);
  const files = new Map();
  let longName;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;

    if (type === "x") {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1] ?? longName;
      continue;
    }
    if (type === "L") {
      longName = body.toString("utf8").replace(/\0.*$/s, "");
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type !== "0") continue; // directories, links: npm packages need none
    const path = name.replace(/^[^/]+\//, "");
    if (path.split("/").some((segment) => segment === ".." || segment === "")) {
      throw new Error(`refusing tarball entry with an unsafe path: ${name}`);
    }
    files.set(path, Buffer.from(body));
  }
  return files;
}

function text(header, start, length) {
  return header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
}
