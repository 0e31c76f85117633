import Image from "next/image";

// Rendered per request like the other pages; the image itself is cached by the optimiser.
export const dynamic = "force-dynamic";

export default function ImagesPage() {
  return (
    <>
      <h1>A remote image</h1>
      <p>
        This photo comes from images.unsplash.com. The browser asks <code>/_next/image</code> for
        it; the image optimiser fetches the original, resizes it and converts it to AVIF or WebP.
        Only hosts and paths listed in <code>images.remotePatterns</code> (next.config.ts) are
        allowed, so the optimiser is not an open proxy. Without internet access the image cannot
        load; the local images are on the home page.
      </p>
      <Image
        src="https://images.unsplash.com/photo-1506744038136-46273834b3fb"
        alt="A remote photo of a landscape (images.unsplash.com)"
        width={1200}
        height={800}
        sizes="(max-width: 768px) 100vw, 60rem"
        data-testid="remote-image"
      />
    </>
  );
}
