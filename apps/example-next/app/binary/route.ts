// Every byte value once (0x00..0xFF): a response that is corrupted by any text decoding on the
// way (for example a Lambda adapter that forgets base64), so tests can compare it exactly.
export const dynamic = "force-dynamic";

const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

export function GET() {
  return new Response(bytes, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Cache-Control": "no-store",
    },
  });
}
