// Writes the example's images (run once; the outputs are committed): photo-like pictures made of
// gradients, hills and grain, so that encoders see realistic detail. Deterministic (seeded).
//   node scripts/make-images.mjs
import { createRequire } from "node:module";
import * as path from "node:path";

const sharp = createRequire(import.meta.url)("sharp");
const out = path.join(import.meta.dirname, "../public/images");

function random(seed) {
  return () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function landscape(file, width, height, seed) {
  const next = random(seed);
  const pixels = Buffer.alloc(width * height * 3);
  const ridges = Array.from({ length: 4 }, (_, i) => ({
    base: 0.45 + i * 0.12,
    amp: 0.05 + next() * 0.08,
    freq: 2 + next() * 6,
    phase: next() * 6.28,
    colour: [40 + i * 25 + next() * 30, 90 + i * 20 + next() * 40, 40 + i * 10 + next() * 20],
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      let colour = [110 + 120 * v, 160 + 70 * v, 235 - 40 * v]; // sky
      for (const r of ridges) {
        const edge =
          r.base + r.amp * Math.sin(u * r.freq + r.phase) + 0.02 * Math.sin(u * 40 + r.phase);
        if (v > edge) colour = r.colour.map((c) => c * (0.8 + 0.4 * (v - edge)));
      }
      const grain = (next() - 0.5) * 22;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.max(0, Math.min(255, colour[c] + grain));
    }
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88, mozjpeg: true })
    .toFile(path.join(out, file));
}

await landscape("hero.jpg", 2400, 1600, 7);
await landscape("texture.jpg", 1600, 1067, 42);
await sharp({
  create: { width: 512, height: 512, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
})
  .composite([
    {
      input: Buffer.from(
        '<svg width="512" height="512"><circle cx="256" cy="256" r="200" fill="#0b7a75"/><text x="256" y="300" font-size="140" text-anchor="middle" fill="#fff">z</text></svg>',
      ),
    },
  ])
  .png()
  .toFile(path.join(out, "logo.png"));
console.log("wrote hero.jpg, texture.jpg, logo.png");
