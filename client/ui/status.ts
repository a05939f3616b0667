/**
 * The save-status indicator. "All changes saved" only when the server has acknowledged every
 * local change (the server acknowledges only once a change is on disk).
 */
import type { HocuspocusProvider } from '@hocuspocus/provider'

/** Keeps `element` showing the provider's connection and save state. */
export function bindStatus(element: HTMLElement, provider: HocuspocusProvider): void {
  let refused: string | null = null
  const socket = provider.configuration.websocketProvider
  const render = () => {
    let state: string
    let text: string
    if (refused) {
      state = 'error'
      text = `Access denied: ${refused}`
    } else if (socket.status !== 'connected') {
      state = socket.status === 'connecting' ? 'connecting' : 'offline'
      text = socket.status === 'connecting' ? 'Connecting…' : 'Offline'
    } else if (!provider.synced) {
      state = 'syncing'
      text = 'Syncing…'
    } else if (provider.hasUnsyncedChanges) {
      state = 'saving'
      text = 'Saving…'
    } else {
      state = 'saved'
      text = `All changes saved · ${new Date().toLocaleTimeString()}`
    }
    element.dataset.state = state
    element.textContent = text
  }
  provider.on('status', render)
  provider.on('synced', render)
  provider.on('unsyncedChanges', render)
  provider.on('authenticationFailed', ({ reason }: { reason: string }) => {
    refused = reason
    render()
  })
  render()
}
