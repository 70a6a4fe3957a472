import net from "node:net";
import type { TrustProxy } from "../config.js";

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped === null ? address : mapped[1]!;
}

/**
 * The client's address: the socket's peer, or, behind proxies the configuration trusts, the address the
 * nearest untrusted hop gave in X-Forwarded-For. Each proxy appends the peer it saw, so the list is read
 * from the right; everything left of the trusted part was written by the client and is ignored. A header
 * entry that is not an address ends the walk at the last proven hop.
 */
export function createClientAddress(trust: TrustProxy): (peer: string | undefined, forwardedFor: string | string[] | undefined) => string {
  const trusted = new net.BlockList();
  if (trust.kind === "addresses") for (const { address, prefix, family } of trust.subnets) trusted.addSubnet(address, prefix, family);
  const isTrusted = (address: string) => {
    const version = net.isIP(address);
    return version !== 0 && trusted.check(address, version === 4 ? "ipv4" : "ipv6");
  };
  return (peer, forwardedFor) => {
    const socket = plainAddress(peer ?? "unknown");
    if (trust.kind === "none" || forwardedFor === undefined) return socket;
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    // Nearest hop first: the socket's peer, then X-Forwarded-For right to left.
    const chain = [socket, ...header.split(",").map((entry) => plainAddress(entry.trim())).reverse()];
    let client = 0;
    while (client + 1 < chain.length && (trust.kind === "hops" ? client < trust.hops : isTrusted(chain[client]!))) {
      if (net.isIP(chain[client + 1]!) === 0) break;
      client += 1;
    }
    return chain[client]!;
  };
}
