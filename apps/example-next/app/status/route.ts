// A health check: always answered by the server at request time, never cached.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(
    // Next.js inlines NEXT_RUNTIME at build time: "nodejs" here, "edge" in the edge runtime.
    { ok: true, time: new Date().toISOString(), runtime: process.env.NEXT_RUNTIME ?? "unknown" },
    { headers: { "Cache-Control": "no-store" } },
  );
}
