import Image from "next/image";
import Link from "next/link";
import { headers } from "next/headers";
import hero from "../public/images/hero.jpg";

// Rendered per request (headers() makes it dynamic): shows when and for which host it rendered.
export default async function Home() {
  const requestHeaders = await headers();
  const renderedAt = new Date().toISOString();
  // Behind CloudFront the viewer's host arrives as x-forwarded-host; Host is the origin's.
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  return (
    <>
      <h1>Hello from zonke</h1>
      <p>
        Rendered at <time data-testid="rendered-at">{renderedAt}</time> for{" "}
        <span data-testid="host">{host}</span>.
      </p>
      {/* Local images only, so they load offline; the remote one lives on /images. `preload` is
          Next 16's name for the deprecated `priority`: the hero is the LCP image. */}
      <div className="gallery">
        <Image
          src={hero}
          alt="A generated landscape (local, statically imported)"
          preload
          sizes="(max-width: 768px) 100vw, 50vw"
          data-testid="hero-image"
        />
        <Image
          src="/images/texture.jpg"
          alt="A generated texture (local, public folder)"
          width={1600}
          height={1067}
          sizes="(max-width: 768px) 100vw, 50vw"
          data-testid="texture-image"
        />
      </div>
      <p>
        A remote image (images.unsplash.com) is on <Link href="/images">the images page</Link>.
      </p>
    </>
  );
}
