import { fetchItems } from "./django-api";

// Calls Django on every request (no-store fetch), so the page is rendered per request too.
export const dynamic = "force-dynamic";

export default async function ItemsPage() {
  const result = await fetchItems(process.env.DJANGO_API_URL);
  return (
    <>
      <h1>Items from the Django API</h1>
      <p>
        API status: <strong data-testid="api-status">{result.status}</strong>
      </p>
      {result.status === "not configured" && (
        <p>
          Set the environment variable <code>DJANGO_API_URL</code> (for example{" "}
          <code>http://127.0.0.1:8000</code>) so that this page can call{" "}
          <code>$DJANGO_API_URL/api/items/</code>.
        </p>
      )}
      {result.status === "unavailable" && (
        <p className="error" data-testid="api-error">
          {`The Django API is unavailable: ${result.detail}. Please try again later.`}
        </p>
      )}
      {result.status === "ok" &&
        (result.items.length === 0 ? (
          <p>The API returned no items.</p>
        ) : (
          <ul data-testid="item-list">
            {result.items.map((item) => (
              <li key={item.id}>{item.name}</li>
            ))}
          </ul>
        ))}
    </>
  );
}
