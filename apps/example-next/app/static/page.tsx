// Generated once at build time: the same HTML for every request.
export const dynamic = "force-static";

export default function StaticPage() {
  return (
    <>
      <h1>A static page</h1>
      <p>
        Built at <time>{new Date().toISOString()}</time>; this time only changes with a new build.
      </p>
    </>
  );
}
