import Link from "next/link";

// Shown for unknown paths (with status 404) and for notFound() calls.
export default function NotFound() {
  return (
    <>
      <h1 data-testid="not-found">Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Go to the home page</Link>.
      </p>
    </>
  );
}
