import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "zonke example",
  description: "A Next.js app deployed by zonke",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <a href="/">zonke example</a> · <a href="/static">static page</a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
