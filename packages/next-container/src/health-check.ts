/**
 * The container health check that works in this image, for the ECS task definition
 * (`healthCheck.command`): Node.js 22 has `fetch`, so no curl or wget is needed in the image. It
 * asks the server on 127.0.0.1 at `$PORT` (the image's 3000 unless the task sets another) and
 * exits 0 only for a 2xx answer (after redirects), 1 for anything else, a refused connection or
 * no answer within `timeoutMs` (keep it under the task definition's `timeout`, 5 s by default).
 */
export function healthCheckCommand(path = "/", timeoutMs = 4000): string[] {
  if (!/^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/.test(path) || path.includes("'")) {
    throw new Error(
      `health check path "${path}" must start with / and hold only URL characters (no quotes or spaces)`,
    );
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    throw new Error(`health check timeout ${timeoutMs} ms must be a whole number of at least 100`);
  }
  const script =
    `fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'${path}',{signal:AbortSignal.timeout(${timeoutMs})})` +
    ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";
  return ["CMD", "node", "-e", script];
}
