import { NextResponse, type NextRequest } from "next/server";

// Next.js 16 "proxy" (formerly middleware). It exercises what adapters tend to get wrong: a
// redirect that sets a cookie, and a pass-through response that carries two Set-Cookie headers.
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname === "/old-home") {
    const response = NextResponse.redirect(new URL("/", request.url)); // 307 by default
    response.cookies.set("visited", "1", { path: "/", httpOnly: true, sameSite: "lax" });
    return response;
  }
  const response = NextResponse.next();
  if (pathname === "/cookies") {
    // Next.js also hands these to the page's cookies(), so the page sees them on the first visit.
    response.cookies.set("theme", "dark", { path: "/", sameSite: "lax" });
    response.cookies.set("session-hint", "abc123", { path: "/", sameSite: "lax" });
  }
  return response;
}

// Run only for these two paths, not for every page, asset and image request.
export const config = {
  matcher: ["/old-home", "/cookies"],
};
