/**
 * The bench clients' WebSocket: sends made in one task after the first leave together, in one
 * write, when the task ends, as a browser's network stack coalesces a script's sends while its
 * first write is under way (and as the server writes, SYNC2). A plain `ws` socket makes a system
 * call per message: typing the trace, that was 30% of the typing client's CPU, for every server
 * alike. `BENCH_CLIENT_WRITE_PER_MESSAGE=1` turns the coalescing off.
 */
import type { Socket } from 'node:net'
import { WebSocket } from 'ws'

export class TaskCoalescingWebSocket extends WebSocket {
  private corked = false

  override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
    ;(super.send as (...args: unknown[]) => void)(data, ...rest)
    const socket = (this as unknown as { _socket?: Socket })._socket
    if (this.corked || !socket || process.env.BENCH_CLIENT_WRITE_PER_MESSAGE === '1') return
    this.corked = true
    socket.cork()
    process.nextTick(() => {
      this.corked = false
      socket.uncork()
    })
  }
}
