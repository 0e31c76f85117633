import type { NextConfig } from "next";

const config: NextConfig = {
  // A self-contained server (traced node_modules) that the Lambda adapter and containers run.
  output: "standalone",
  poweredByHeader: false,
  images: {
    formats: ["image/avif", "image/webp"],
    qualities: [50, 75, 90],
    remotePatterns: [{ protocol: "https", hostname: "images.unsplash.com", pathname: "/photo-*" }],
  },
};

export default config;
