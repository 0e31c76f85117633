import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "zonke example",
  description: "A Next.js app deployed by zonke",
};

// Pages use <Link> (client navigation); route handlers and the proxy redirect use plain <a>,
// because they answer with JSON, bytes or a redirect rather than a page.
const pages = [
  ["/", "home"],
  ["/static", "static"],
  ["/images", "images"],
  ["/form", "form"],
  ["/cookies", "cookies"],
  ["/secret", "secret"],
  ["/items", "items"],
] as const;
const endpoints = [
  ["/status", "status"],
  ["/echo?a=1&a=2&b=x%20y", "echo"],
  ["/binary", "binary"],
  ["/old-home", "old home (redirect)"],
] as const;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <nav data-testid="nav">
            {pages.map(([href, label]) => (
              <Link key={href} href={href}>
                {label}
              </Link>
            ))}
            {endpoints.map(([href, label]) => (
              <a key={href} href={href}>
                {label}
              </a>
            ))}
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
