/**
 * The "who is here" list: one avatar per user (several tabs of one user count once), in their
 * colour with initials and name, marked away when every tab of theirs is away [PRES2].
 */
import type { Awareness } from 'y-protocols/awareness'
import { initials, readPresenceUser, type PresenceUser } from './presence-user.ts'

/** One person present, merged over their tabs. */
export interface Participant extends PresenceUser {
  /** True for the local user. */
  me: boolean
  /** How many tabs (awareness clients) this user has open. */
  tabs: number
}

/** The people present in `awareness`, the local user first, then by name. */
export function participants(awareness: Awareness): Participant[] {
  const byUser = new Map<string, Participant>()
  const localId = readPresenceUser(awareness.getLocalState()?.user, awareness.clientID)?.id
  for (const [clientId, state] of awareness.getStates()) {
    const user = readPresenceUser(state.user, clientId)
    if (!user) continue
    const existing = byUser.get(user.id)
    if (existing) {
      existing.tabs += 1
      // Present if any tab is active.
      existing.away &&= user.away
    } else {
      byUser.set(user.id, { ...user, me: user.id === localId, tabs: 1 })
    }
  }
  return [...byUser.values()].sort((a, b) => Number(b.me) - Number(a.me) || a.name.localeCompare(b.name))
}

/** Keeps `list` showing the participants of `awareness`; returns a function that stops it. */
export function bindPresenceList(list: HTMLElement, awareness: Awareness): () => void {
  list.setAttribute('aria-label', 'Who is here')
  let shown = ''
  const render = () => {
    const people = participants(awareness)
    // Awareness changes with every caret move (arrow keys, clicks): rebuild only when what the list
    // shows changed, or the header is re-laid out and re-painted per key for nothing.
    const signature = JSON.stringify(people)
    if (signature === shown) return
    shown = signature
    list.replaceChildren(
      ...people.map((person) => {
        const item = document.createElement('li')
        item.className = 'participant'
        item.dataset.userId = person.id
        item.dataset.away = String(person.away)
        if (person.me) item.dataset.me = 'true'
        item.title = `${person.name}${person.me ? ' (you)' : ''}${person.away ? ' · away' : ''}${person.tabs > 1 ? ` · ${person.tabs} tabs` : ''}`
        const avatar = document.createElement('span')
        avatar.className = 'avatar'
        avatar.style.backgroundColor = person.color
        avatar.textContent = initials(person.name)
        const name = document.createElement('span')
        name.className = 'participant-name'
        name.textContent = person.me ? `${person.name} (you)` : person.name
        item.append(avatar, name)
        return item
      }),
    )
  }
  awareness.on('change', render)
  render()
  return () => awareness.off('change', render)
}
