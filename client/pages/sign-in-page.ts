/**
 * `/signin`: sign in with username (or email) and password, or register. On success the page goes
 * to `?next=` (a path on this site) or home [ACCT1].
 */
import { safeNext } from '../accounts/safe-next.ts'
import { register, signIn } from '../api/auth-api.ts'
import { resetSession } from '../session.ts'
import { el } from './dom.ts'

/** Renders the page; `navigate` opens a path in the app. */
export function renderSignInPage(root: HTMLElement, navigate: (path: string) => void): void {
  document.title = 'Sign in · Collab'
  const next = safeNext(new URLSearchParams(location.search).get('next'))
  let mode: 'signin' | 'register' = new URLSearchParams(location.search).get('mode') === 'register' ? 'register' : 'signin'

  const heading = el('h1', {})
  const login = input('login', 'Username or email', 'text', 'username')
  const username = input('username', 'Username', 'text', 'username')
  const email = input('email', 'Email (optional)', 'email', 'email')
  const name = input('name', 'Display name (optional)', 'text', 'name')
  const password = input('password', 'Password', 'password', 'current-password')
  const submit = el('button', { type: 'submit', className: 'primary', id: 'auth-submit' })
  const toggle = el('button', { type: 'button', className: 'link-button', id: 'auth-toggle' })
  const message = el('p', { className: 'auth-message', role: 'alert', id: 'auth-message' })
  const form = el('form', { className: 'auth-form', id: 'auth-form' }, [heading, login.label, username.label, email.label, name.label, password.label, message, submit, toggle])
  root.append(el('header', { className: 'topbar' }, [homeLink()]), el('main', { className: 'auth' }, [form]))

  const show = () => {
    const registering = mode === 'register'
    heading.textContent = registering ? 'Create an account' : 'Sign in'
    submit.textContent = registering ? 'Create account' : 'Sign in'
    toggle.textContent = registering ? 'I have an account: sign in' : 'New here? Create an account'
    login.label.hidden = registering
    username.label.hidden = !registering
    email.label.hidden = !registering
    name.label.hidden = !registering
    login.field.required = !registering
    username.field.required = registering
    password.field.minLength = registering ? 8 : 1
    password.field.autocomplete = registering ? 'new-password' : 'current-password'
    message.textContent = ''
  }
  toggle.addEventListener('click', () => {
    mode = mode === 'register' ? 'signin' : 'register'
    show()
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    submit.disabled = true
    message.textContent = ''
    void (async () => {
      try {
        if (mode === 'register') {
          await register({
            username: username.field.value.trim(),
            password: password.field.value,
            ...(email.field.value.trim() && { email: email.field.value.trim() }),
            ...(name.field.value.trim() && { name: name.field.value.trim() }),
          })
        } else {
          await signIn(login.field.value.trim(), password.field.value)
        }
        // The next token must come from the new session, not a cached guest one.
        resetSession()
        navigate(next)
      } catch (error) {
        message.textContent = (error as Error).message
        submit.disabled = false
      }
    })()
  })
  show()
  ;(mode === 'register' ? username : login).field.focus()
}

function input(id: string, text: string, type: string, autocomplete: string): { label: HTMLLabelElement; field: HTMLInputElement } {
  const field = el('input', { id: `auth-${id}`, type, autocomplete: autocomplete as AutoFill, name: id })
  const label = el('label', { className: 'auth-field' }, [el('span', {}, [text]), field])
  return { label, field }
}

function homeLink(): HTMLAnchorElement {
  const link = el('a', { className: 'brand', href: '/' }, ['Collab'])
  link.dataset.link = ''
  return link
}
