/**
 * Which webhook destinations the server may call. With `WEBHOOK_ALLOW_PRIVATE=false` (what a
 * shared deployment wants) URLs whose host resolves to a loopback, private, link-local or
 * otherwise internal address are refused, so registering a webhook cannot be used to probe the
 * server's own network. Checked at delivery time, after DNS resolution, not only on registration.
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

const internal = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6')
}

/** True when `address` (an IP literal) is loopback, private, link-local, multicast or reserved. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) return isInternalAddress(address.slice(7))
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/** Resolves `url`'s host and returns why it may not be called, or `null` when it may. */
export async function internalDestinationProblem(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address)
  const blocked = addresses.find(isInternalAddress)
  return blocked === undefined ? null : `destination ${host} resolves to internal address ${blocked}`
}
