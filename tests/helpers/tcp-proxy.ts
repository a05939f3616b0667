/**
 * A loopback TCP proxy the test controls, to make a real database unreachable for a server
 * without touching the database: `cut()` drops every connection and refuses new ones (accepted,
 * then reset at once, as a dead network path looks to a client), `restore()` lets them through.
 */
import net from 'node:net'

/** A running proxy. */
export interface TcpProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number
  /** Connections forwarded so far. */
  readonly forwarded: number
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** Starts a proxy on a free loopback port that forwards to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let blocked = false
  let forwarded = 0
  const pairs = new Set<[net.Socket, net.Socket]>()
  const server = net.createServer((client) => {
    if (blocked) {
      client.resetAndDestroy()
      return
    }
    forwarded++
    const upstream = net.connect(targetPort, targetHost)
    const pair: [net.Socket, net.Socket] = [client, upstream]
    pairs.add(pair)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    get forwarded() {
      return forwarded
    },
    cut() {
      blocked = true
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy()
        upstream.destroy()
      }
      pairs.clear()
    },
    restore() {
      blocked = false
    },
    close() {
      blocked = true
      for (const [client, upstream] of pairs) {
        client.destroy()
        upstream.destroy()
      }
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
