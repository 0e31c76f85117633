import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

/** Source images made by sharp itself (or by hand where sharp would be slow). */
export interface Fixtures {
  png: Buffer; // 800x600, with alpha
  jpeg: Buffer; // 800x600
  webp: Buffer; // 800x600
  avif: Buffer; // 300x200
  staticGif: Buffer; // 40x30
  animatedGif: Buffer; // 20x20, 3 frames
  animatedWebp: Buffer; // 20x20, 3 frames
  smallPng: Buffer; // 100x80: narrower than every allowed width
  noisePng: Buffer; // 384x384 of noise: compresses badly
  hugePng: Buffer; // 20000x20000 single colour, about 50 kB
  truncatedJpeg: Buffer;
  randomBytes: Buffer;
  html: Buffer;
  svg: Buffer;
}

export async function makeFixtures(): Promise<Fixtures> {
  const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
    sharp({
      create: { width, height, channels, background: { r: 200, g: 40, b: 40, alpha: 0.8 } },
    });
  const jpeg = await solid(800, 600).jpeg({ quality: 90 }).toBuffer();
  return {
    png: await solid(800, 600, 4).png().toBuffer(),
    jpeg,
    webp: await solid(800, 600).webp().toBuffer(),
    avif: await solid(300, 200).avif().toBuffer(),
    staticGif: await solid(40, 30).gif().toBuffer(),
    animatedGif: await frames().gif({ loop: 0 }).toBuffer(),
    animatedWebp: await frames().webp({ loop: 0 }).toBuffer(),
    smallPng: await solid(100, 80).png().toBuffer(),
    noisePng: await sharp(randomBytes(384 * 384 * 3), {
      raw: { width: 384, height: 384, channels: 3 },
    })
      .png()
      .toBuffer(),
    hugePng: singleColourPng(20000, 20000),
    truncatedJpeg: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    randomBytes: randomBytes(2048),
    html: Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>"),
    svg: Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
        '<image href="file:///etc/passwd"/><script>alert(1)</script></svg>',
    ),
  };
}

/** Three 20x20 frames stacked as pages. */
function frames(): sharp.Sharp {
  const width = 20;
  const pageHeight = 20;
  const raw = Buffer.alloc(width * pageHeight * 3 * 4);
  for (let i = 0; i < raw.length; i += 4) {
    const frame = Math.floor(i / (width * pageHeight * 4));
    raw[i] = frame * 100;
    raw[i + 3] = 255;
  }
  return sharp(raw, { raw: { width, height: pageHeight * 3, channels: 4, pageHeight } });
}

/**
 * A valid 1-bit greyscale PNG, written by hand: sharp needs seconds to encode 400 megapixels,
 * zlib needs milliseconds to deflate the same 50 MB of zeros.
 */
function singleColourPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + pixels
  const pixels = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
