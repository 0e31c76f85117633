import { inPrefix, parseIp, type IpBytes } from "./ip-address";

/**
 * Decides which resolved addresses the remote fetcher may connect to. The production handler
 * uses `PUBLIC_UNICAST_ONLY`; there is no switch to loosen it. Tests that need a local upstream
 * build their own policy object and pass it to the fetcher explicitly.
 */
export interface AddressPolicy {
  readonly name: string;
  /** `address` is an IPv4 or IPv6 literal as DNS or a URL gives it. */
  isAllowed(address: string): boolean;
}

type Range = readonly [network: string, prefixLength: number];

/** IPv4 space that is not public unicast (RFC 6890 special-purpose registry, plus multicast). */
const DENIED_V4: readonly Range[] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, including the instance metadata service
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
];

/** Only global unicast IPv6 (2000::/3) is allowed, minus these special blocks. */
const DENIED_V6_GLOBAL: readonly Range[] = [
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: tunnels to an embedded IPv4 address
  ["3fff::", 20], // documentation
];

/** IPv6 forms that carry an IPv4 address in their last 32 bits: judged by that address. */
const EMBEDS_V4: readonly Range[] = [
  ["::ffff:0:0", 96], // IPv4-mapped
  ["64:ff9b::", 96], // NAT64 well-known prefix
];

const parsedRanges = (ranges: readonly Range[]) =>
  ranges.map(([network, prefix]) => [parseIp(network) as IpBytes, prefix] as const);
const deniedV4 = parsedRanges(DENIED_V4);
const deniedV6Global = parsedRanges(DENIED_V6_GLOBAL);
const embedsV4 = parsedRanges(EMBEDS_V4);
const globalUnicast = parseIp("2000::") as IpBytes;

function isPublicUnicast(address: IpBytes): boolean {
  if (address.length === 4) {
    return !deniedV4.some(([network, prefix]) => inPrefix(address, network, prefix));
  }
  if (embedsV4.some(([network, prefix]) => inPrefix(address, network, prefix))) {
    return isPublicUnicast(address.subarray(12));
  }
  // Loopback, unspecified, IPv4-compatible, unique-local (fc00::/7, incl. the EC2 metadata
  // fd00:ec2::254), link-local and multicast all fall outside 2000::/3.
  return (
    inPrefix(address, globalUnicast, 3) &&
    !deniedV6Global.some(([network, prefix]) => inPrefix(address, network, prefix))
  );
}

/** The default: public unicast addresses only; anything unparsable is refused. */
export const PUBLIC_UNICAST_ONLY: AddressPolicy = {
  name: "public-unicast-only",
  isAllowed(address: string): boolean {
    const bytes = parseIp(address);
    return bytes !== undefined && isPublicUnicast(bytes);
  },
};
