/**
 * Hocuspocus extension: once a connection has authenticated, its frames are paid for from its
 * user's rate-limit budget instead of its address's (`ChannelGuard.identify`). Before, everyone
 * behind one NAT shared one address budget: an office of 20 fast typists (about 20 messages a
 * second each, an update and a presence update per keystroke) needed more than the whole
 * default address budget. Unauthenticated traffic stays held to the address's budget; an
 * address's authenticated connections together to a ceiling ten times larger.
 */
import type { Extension, connectedPayload } from '@hocuspocus/server'
import type { ConnectionContext } from '../auth/authentication.ts'
import { GuardedSocket } from './channel-guard.ts'

/** Creates the extension (install it after `authentication`). */
export function userBudgets(): Extension {
  return {
    extensionName: 'user-budgets',
    async connected({ connection, context }: connectedPayload) {
      const user = (context as ConnectionContext | undefined)?.user
      // Every transport hands Hocuspocus a GuardedSocket; anything else has no guard to tell.
      const socket: unknown = connection.webSocket
      if (user && socket instanceof GuardedSocket) socket.identify(user.id)
    },
  }
}
