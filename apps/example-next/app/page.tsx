import Image from "next/image";
import { headers } from "next/headers";
import hero from "../public/images/hero.jpg";

// Rendered per request: shows when and for which host the server rendered it.
export default async function Home() {
  const requestHeaders = await headers();
  const renderedAt = new Date().toISOString();
  return (
    <>
      <h1>Hello from zonke</h1>
      <p>
        Rendered at <time data-testid="rendered-at">{renderedAt}</time> for{" "}
        <span data-testid="host">
          {requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host")}
        </span>
        .
      </p>
      <div className="gallery">
        <Image
          src={hero}
          alt="A generated landscape (local, statically imported)"
          priority
          sizes="(max-width: 768px) 100vw, 50vw"
        />
        <Image
          src="/images/texture.jpg"
          alt="A generated texture (local, public folder)"
          width={1600}
          height={1067}
          sizes="(max-width: 768px) 100vw, 50vw"
        />
        <Image
          src="https://images.unsplash.com/photo-1506744038136-46273834b3fb"
          alt="A remote photo"
          width={1200}
          height={800}
          sizes="(max-width: 768px) 100vw, 50vw"
        />
      </div>
    </>
  );
}
