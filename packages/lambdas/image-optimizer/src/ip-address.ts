import { isIPv4, isIPv6 } from "node:net";

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * Parses an IPv4 or IPv6 literal (brackets allowed, as in URL hostnames). Zone ids (`fe80::1%eth0`)
 * and anything `node:net` does not call an IP give undefined.
 */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return Uint8Array.from(bare.split(".").map(Number));
  if (isIPv6(bare) && !bare.includes("%")) return parseIpv6(bare);
  return undefined;
}

function parseIpv6(text: string): IpBytes {
  let head = text;
  const bytes = new Uint8Array(16);
  // A trailing dotted quad (::ffff:127.0.0.1) fills the last four bytes.
  let tailBytes: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    tailBytes = text
      .slice(lastColon + 1)
      .split(".")
      .map(Number);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = "", right] = head.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const missing = 8 - leftGroups.length - rightGroups.length;
  const all = [...leftGroups, ...Array<string>(Math.max(missing, 0)).fill("0"), ...rightGroups];
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tailBytes.length === 4) bytes.set(tailBytes, 12);
  return bytes;
}

/** True when the first `prefixLength` bits of `address` equal those of `network`. */
export function inPrefix(address: IpBytes, network: IpBytes, prefixLength: number): boolean {
  if (address.length !== network.length) return false;
  for (let bit = 0; bit < prefixLength; bit += 8) {
    const bits = Math.min(8, prefixLength - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    const i = bit / 8;
    if (((address[i] as number) & mask) !== ((network[i] as number) & mask)) return false;
  }
  return true;
}

export function formatIp(address: IpBytes): string {
  if (address.length === 4) return address.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((address[i] as number) << 8) | (address[i + 1] as number)).toString(16));
  }
  return groups.join(":");
}
