/**
 * The editor's Share dialog (owners only): invite people by username or email with a role, make a
 * share link with a role (its address is shown once, to copy), and list both with buttons that
 * remove a person or revoke a link [ACCT6][ACCT7]. Revoking closes their open editors at once.
 */
import type { TokenSource } from '../api/documents-api.ts'
import { createLink, invite, listLinks, listMembers, removeMember, revokeLink, type LinkInfo, type MemberInfo } from '../api/sharing-api.ts'
import { el } from '../pages/dom.ts'

/** Opens the dialog for document `name` in `host`; resolves when it closes. */
export function openShareDialog(host: HTMLElement, name: string, token: TokenSource): Promise<void> {
  const dialog = el('dialog', { className: 'share-dialog', id: 'share-dialog' })
  const message = el('p', { className: 'share-message', role: 'alert' })
  const members = el('ul', { className: 'share-list', id: 'share-members' })
  const links = el('ul', { className: 'share-list', id: 'share-links' })
  const who = el('input', { id: 'share-invite-user', type: 'text', placeholder: 'Username or email', required: true })
  who.setAttribute('aria-label', 'Username or email to invite')
  const inviteRole = roleSelect('share-invite-role')
  const inviteForm = el('form', { className: 'share-row' }, [who, inviteRole, el('button', { type: 'submit', className: 'primary', id: 'share-invite-submit' }, ['Invite'])])
  const linkRole = roleSelect('share-link-role')
  const makeLink = el('button', { type: 'button', className: 'primary', id: 'share-create-link' }, ['Create link'])
  const linkUrl = el('input', { id: 'share-link-url', type: 'text', readOnly: true, hidden: true })
  linkUrl.setAttribute('aria-label', 'Share link address')
  const copy = el('button', { type: 'button', id: 'share-copy', hidden: true }, ['Copy'])
  const close = el('button', { type: 'button', className: 'cancel', id: 'share-close' }, ['Done'])
  dialog.append(
    el('h2', {}, ['Share']),
    el('h3', {}, ['People']),
    members,
    inviteForm,
    el('h3', {}, ['Links']),
    el('p', { className: 'share-hint' }, ['Anyone with a link can open the document with its role, until you revoke it.']),
    links,
    el('div', { className: 'share-row' }, [linkRole, makeLink]),
    el('div', { className: 'share-row' }, [linkUrl, copy]),
    message,
    el('div', { className: 'dialog-actions' }, [close]),
  )
  host.appendChild(dialog)
  dialog.showModal()

  const fail = (error: unknown) => (message.textContent = (error as Error).message)
  const refresh = async () => {
    const [people, live] = await Promise.all([listMembers(token, name), listLinks(token, name)])
    members.replaceChildren(...people.map(memberRow))
    links.replaceChildren(...live.map(linkRow))
    if (live.length === 0) links.append(el('li', { className: 'empty' }, ['No links.']))
  }
  const memberRow = (member: MemberInfo) => {
    const item = el('li', {}, [el('span', { className: 'share-who' }, [member.user.name]), el('span', { className: 'share-role' }, [member.role + (member.source === 'link' ? ' (link)' : '')])])
    item.dataset.userId = member.user.id
    if (member.role !== 'owner') {
      const remove = el('button', { type: 'button', className: 'share-remove' }, ['Remove'])
      remove.addEventListener('click', () => void removeMember(token, name, member.user.id).then(refresh).catch(fail))
      item.append(remove)
    }
    return item
  }
  const linkRow = (link: LinkInfo) => {
    const revoke = el('button', { type: 'button', className: 'share-revoke' }, ['Revoke'])
    revoke.addEventListener('click', () => void revokeLink(token, name, link.id).then(refresh).catch(fail))
    const item = el('li', {}, [el('span', { className: 'share-role' }, [`${link.role} link`]), el('span', { className: 'share-when' }, [new Date(link.createdAt).toLocaleString()]), revoke])
    item.dataset.linkId = link.id
    return item
  }

  inviteForm.addEventListener('submit', (event) => {
    event.preventDefault()
    message.textContent = ''
    void invite(token, name, who.value.trim(), inviteRole.value as 'viewer' | 'editor')
      .then(() => {
        who.value = ''
        return refresh()
      })
      .catch(fail)
  })
  makeLink.addEventListener('click', () => {
    message.textContent = ''
    void createLink(token, name, linkRole.value as 'viewer' | 'editor')
      .then((link) => {
        linkUrl.value = new URL(link.path!, location.origin).href
        linkUrl.hidden = false
        copy.hidden = false
        linkUrl.select()
        return refresh()
      })
      .catch(fail)
  })
  copy.addEventListener('click', () => void navigator.clipboard?.writeText(linkUrl.value).catch(() => linkUrl.select()))
  void refresh().catch(fail)

  return new Promise((resolve) => {
    const finish = () => {
      dialog.close()
      dialog.remove()
      resolve()
    }
    close.addEventListener('click', finish)
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault()
      finish()
    })
  })
}

function roleSelect(id: string): HTMLSelectElement {
  const select = el('select', { id }, [el('option', { value: 'viewer' }, ['can view']), el('option', { value: 'editor' }, ['can edit'])])
  select.setAttribute('aria-label', 'Role')
  return select
}
