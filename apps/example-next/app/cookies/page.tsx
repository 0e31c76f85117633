import { cookies } from "next/headers";

// cookies() makes the page dynamic: it lists what this request carried.
export default async function CookiesPage() {
  const all = (await cookies()).getAll();
  return (
    <>
      <h1>Cookies</h1>
      <p>
        The proxy (proxy.ts) adds two cookies to this page&apos;s response: <code>theme=dark</code>{" "}
        and <code>session-hint=abc123</code>, as two separate Set-Cookie headers. Next.js also
        passes cookies set by the proxy to the page, so they are listed below even on a first visit.
      </p>
      <h2>Cookies in this request</h2>
      <ul data-testid="cookie-list">
        {all.map(({ name, value }) => (
          <li key={name}>
            <code>{`${name}=${value}`}</code>
          </li>
        ))}
      </ul>
      {all.length === 0 && <p>This request carried no cookies.</p>}
    </>
  );
}
