// Read at request time, never at build time: the value is loaded from Secrets Manager into the
// server's environment when it starts, so a build (and its static HTML) never sees it.
export const dynamic = "force-dynamic";

export default function SecretPage() {
  // A demo value that is safe to show; a real secret would be used, not rendered. Never log it.
  const greeting = process.env.GREETING_SECRET;
  return (
    <>
      <h1>A secret from the environment</h1>
      {greeting ? (
        <>
          <p>
            GREETING_SECRET is <strong data-testid="secret-status">configured</strong>.
          </p>
          <p>
            Its value: <q data-testid="greeting-secret">{greeting}</q>
          </p>
        </>
      ) : (
        <>
          <p>
            GREETING_SECRET is <strong data-testid="secret-status">not configured</strong>.
          </p>
          <p>
            The value comes from AWS Secrets Manager: set it with{" "}
            <code>zonke secrets set GREETING_SECRET=...</code>, and the server reads it as the
            environment variable <code>GREETING_SECRET</code> on its next start.
          </p>
        </>
      )}
    </>
  );
}
