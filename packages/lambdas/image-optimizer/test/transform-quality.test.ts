import sharp from "sharp";
import { avifQuality } from "../src/transform";

describe("avifQuality", () => {
  it.each([
    [75, 47],
    [50, 31],
    [90, 56],
    [1, 1],
    [100, 63],
  ])("maps quality %i to AVIF quality %i (WebP-equivalent)", (quality, expected) => {
    expect(avifQuality(quality)).toBe(expected);
  });

  it("makes a smaller AVIF than encoding at the nominal quality", async () => {
    const photo = await sharp({
      create: {
        width: 800,
        height: 600,
        channels: 3,
        background: "#808080",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    const scaled = await sharp(photo)
      .avif({ quality: avifQuality(75), effort: 3 })
      .toBuffer();
    const nominal = await sharp(photo).avif({ quality: 75, effort: 3 }).toBuffer();
    expect(scaled.length).toBeLessThan(nominal.length);
  });
});
