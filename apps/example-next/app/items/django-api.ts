// Server-side call to the Django API. Every failure becomes a value the page can show: the page
// must render (and say why) when Django is down, slow or misconfigured, never crash.

export type Item = { id: string | number; name: string };

export type ItemsResult =
  | { status: "not configured" }
  | { status: "unavailable"; detail: string }
  | { status: "ok"; items: Item[] };

const TIMEOUT_MS = 3000;

export async function fetchItems(baseUrl: string | undefined): Promise<ItemsResult> {
  if (!baseUrl) return { status: "not configured" };
  let url: URL;
  try {
    url = new URL(`${baseUrl.replace(/\/+$/, "")}/api/items/`);
  } catch {
    return { status: "unavailable", detail: "DJANGO_API_URL is not a valid URL" };
  }

  let response: Response;
  try {
    // The timeout signal also covers reading the body below.
    response = await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return unavailable(describe(error));
  }
  if (!response.ok) {
    await response.body?.cancel(); // free the connection
    return unavailable(`the API answered HTTP ${response.status}`);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return unavailable(
      error instanceof SyntaxError ? "the response was not JSON" : describe(error),
    );
  }
  // Django REST framework answers a plain list, or { count, next, previous, results } when paged.
  const list = Array.isArray(body) ? body : isRecord(body) ? body.results : undefined;
  if (!Array.isArray(list) || !list.every(isItem)) {
    return unavailable("the JSON was not a list of items with id and name");
  }
  return { status: "ok", items: list };
}

function unavailable(detail: string): ItemsResult {
  // Logged without the URL or any response body: enough to debug, nothing sensitive.
  console.error(`[items] Django API unavailable: ${detail}`);
  return { status: "unavailable", detail };
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `no answer within ${TIMEOUT_MS / 1000} s (timeout)`;
  }
  // Node's fetch wraps network failures: TypeError("fetch failed") whose cause says why, e.g.
  // { code: "ECONNREFUSED" }, or Error("bad port") for ports the fetch standard blocks (like 9).
  const cause = error instanceof Error ? error.cause : undefined;
  if (isRecord(cause) && typeof cause.code === "string") return `network error (${cause.code})`;
  if (cause instanceof Error) return `network error (${cause.message})`;
  return `network error (${error instanceof Error ? error.message : String(error)})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isItem(value: unknown): value is Item {
  return (
    isRecord(value) &&
    (typeof value.id === "number" || typeof value.id === "string") &&
    typeof value.name === "string"
  );
}
