import { createHash } from "node:crypto";
import type { NextRequest } from "next/server";

// Echoes what reached the server, so adapter tests can check that query strings and bodies
// (including binary ones) survive CloudFront -> Lambda -> Next.js unchanged.
export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "no-store" };

export function GET(request: NextRequest) {
  // A Map keeps first-seen key order and repeated values in order; Object.fromEntries then
  // defines own properties, so a key such as "__proto__" is data, not a prototype change.
  const query = new Map<string, string[]>();
  for (const [key, value] of request.nextUrl.searchParams) {
    const values = query.get(key);
    if (values) values.push(value);
    else query.set(key, [value]);
  }
  return Response.json({ query: Object.fromEntries(query) }, { headers: noStore });
}

export async function POST(request: NextRequest) {
  // Read bytes, not text: a text decode would replace invalid UTF-8 and change the hash.
  const body = new Uint8Array(await request.arrayBuffer());
  return Response.json(
    {
      bytes: body.byteLength,
      sha256: createHash("sha256").update(body).digest("hex"),
      contentType: request.headers.get("content-type"),
    },
    { headers: noStore },
  );
}
