/**
 * A round-robin TCP load balancer on loopback, standing in for the one in front of several
 * instances: each new connection goes to the next target port; a target that refuses (a killed
 * instance) is skipped, so reconnecting clients land on a live instance.
 */
import net from 'node:net'

/** A running balancer. */
export interface LoadBalancer {
  readonly port: number
  /** `http://127.0.0.1:port`, to hand to clients like a server URL. */
  readonly url: string
  /** Replaces the target list (an instance restarted on a new port). */
  setTargets(ports: readonly number[]): void
  close(): Promise<void>
}

/** Starts a balancer over `ports`. */
export async function startLoadBalancer(ports: readonly number[]): Promise<LoadBalancer> {
  let targets = [...ports]
  let next = 0
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    open.add(client)
    client.on('close', () => open.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    const tryTarget = (attempt: number) => {
      if (attempt >= targets.length) {
        client.destroy()
        return
      }
      const port = targets[next++ % targets.length]!
      const upstream = net.connect(port, '127.0.0.1')
      let connected = false
      upstream.once('error', () => {
        upstream.destroy()
        // Refused: that instance is down; try the next one.
        if (!connected) tryTarget(attempt + 1)
      })
      upstream.once('connect', () => {
        connected = true
        open.add(upstream)
        upstream.on('close', () => {
          open.delete(upstream)
          client.destroy()
        })
        upstream.on('error', () => upstream.destroy())
        client.on('close', () => upstream.destroy())
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
      })
    }
    tryTarget(0)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setTargets(ports) {
      targets = [...ports]
    },
    close() {
      for (const socket of open) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
