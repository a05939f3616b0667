/**
 * Accounts and their sign-in sessions, in the same database as history (SQLite by default,
 * PostgreSQL when configured).
 *
 * Three kinds of account: `local` (username + scrypt password), `guest` (made when a visitor
 * opens a share link without signing in; lives as long as its session) and `external` (a user
 * seen in a valid token from the team's identity provider, remembered so owners can invite them).
 * Session ids are 256 random bits; only their SHA-256 is stored, so a copy of the database does
 * not hold live sessions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import { dummyHash, hashPassword, verifyPassword } from './password.ts'

/** What kind of account. */
export type AccountKind = 'local' | 'guest' | 'external'

/** An account as the rest of the server sees it (never the hash). */
export interface Account {
  id: string
  username: string | null
  email: string | null
  /** Display name shown to collaborators. */
  name: string
  kind: AccountKind
  createdAt: Date
}

/** A new session: the raw id goes into the cookie and is never stored. */
export interface NewSession {
  id: string
  expiresAt: Date
}

/** Thrown when a username or email is taken. */
export class AccountConflict extends Error {
  override name = 'AccountConflict'
}

interface AccountRow {
  id: string
  username: string | null
  email: string | null
  name: string
  kind: AccountKind
  password_hash: string | null
  created_at: number | string
}

/** Creates the account tables if missing. */
export async function migrateAccounts(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS auth_accounts (
      id TEXT PRIMARY KEY,
      username TEXT UNIQUE,
      email TEXT UNIQUE,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      password_hash TEXT,
      created_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS auth_sessions (
      id_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS auth_sessions_account ON auth_sessions (account_id);
  `)
}

/** Reads and writes accounts and sessions. */
export class AccountStore {
  private readonly db: Database
  // External users already remembered by this process: one upsert per user, not per connection.
  private readonly knownExternal = new Map<string, string>()

  constructor(db: Database) {
    this.db = db
  }

  /** Registers a local account; throws {@link AccountConflict} when the username or email is taken. */
  async register(input: { username: string; email: string | null; name: string; password: string }): Promise<Account> {
    const username = input.username.toLowerCase()
    const email = input.email?.toLowerCase() ?? null
    const taken = await this.db.query<{ username: string | null; email: string | null }>(
      'SELECT username, email FROM auth_accounts WHERE username = ? OR (email IS NOT NULL AND email = ?)',
      [username, email ?? ''],
    )
    if (taken.some((row) => row.username === username)) throw new AccountConflict(`the username "${username}" is taken`)
    if (taken.length > 0) throw new AccountConflict('an account with this email exists')
    const account: Account = { id: `u_${randomUUID()}`, username, email, name: input.name, kind: 'local', createdAt: new Date() }
    const hash = await hashPassword(input.password)
    try {
      await this.db.run('INSERT INTO auth_accounts (id, username, email, name, kind, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        account.id,
        username,
        email,
        account.name,
        'local',
        hash,
        account.createdAt.getTime(),
      ])
    } catch (error) {
      // Two registrations racing for one name: the unique index decides.
      if (/unique|duplicate/i.test((error as Error).message)) throw new AccountConflict('the username or email is taken')
      throw error
    }
    return account
  }

  /** The local account `login` (username or email) names, if `password` is right; else `null`. */
  async checkPassword(login: string, password: string): Promise<Account | null> {
    const key = login.trim().toLowerCase()
    const rows = await this.db.query<AccountRow>("SELECT * FROM auth_accounts WHERE kind = 'local' AND (username = ? OR email = ?)", [key, key])
    const row = rows[0]
    // Hash even for unknown users, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()))
    return row && ok ? fromRow(row) : null
  }

  /** Makes a guest account called `name` (a visitor opening a share link). */
  async createGuest(name: string): Promise<Account> {
    const account: Account = { id: `g_${randomUUID()}`, username: null, email: null, name, kind: 'guest', createdAt: new Date() }
    await this.db.run("INSERT INTO auth_accounts (id, name, kind, created_at) VALUES (?, ?, 'guest', ?)", [account.id, name, account.createdAt.getTime()])
    return account
  }

  /** Remembers a user seen in an external identity provider's token (name and email kept current). */
  async rememberExternal(user: { id: string; name: string; email: string | null }): Promise<void> {
    const fingerprint = `${user.name}\n${user.email ?? ''}`
    if (this.knownExternal.get(user.id) === fingerprint) return
    this.knownExternal.set(user.id, fingerprint)
    const email = user.email?.toLowerCase() ?? null
    try {
      await this.db.run(
        `INSERT INTO auth_accounts (id, email, name, kind, created_at) VALUES (?, ?, ?, 'external', ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email`,
        [user.id, email, user.name, Date.now()],
      )
    } catch {
      // The email belongs to another account: keep the user without it.
      await this.db.run(
        `INSERT INTO auth_accounts (id, name, kind, created_at) VALUES (?, ?, 'external', ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
        [user.id, user.name, Date.now()],
      )
    }
  }

  /** The account with id `id`, or `null`. */
  async get(id: string): Promise<Account | null> {
    const rows = await this.db.query<AccountRow>('SELECT * FROM auth_accounts WHERE id = ?', [id])
    return rows[0] ? fromRow(rows[0]) : null
  }

  /** The account a person is invited by: username, email or id (guests cannot be invited). */
  async findForInvite(who: string): Promise<Account | null> {
    const key = who.trim()
    const rows = await this.db.query<AccountRow>("SELECT * FROM auth_accounts WHERE kind <> 'guest' AND (username = ? OR email = ? OR id = ?)", [
      key.toLowerCase(),
      key.toLowerCase(),
      key,
    ])
    return rows[0] ? fromRow(rows[0]) : null
  }

  /** Starts a session for `accountId` lasting `maxAgeMs`. */
  async createSession(accountId: string, maxAgeMs: number): Promise<NewSession> {
    const id = randomBytes(32).toString('base64url')
    const now = Date.now()
    const expiresAt = new Date(now + maxAgeMs)
    await this.db.run('INSERT INTO auth_sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [hashSessionId(id), accountId, now, expiresAt.getTime()])
    return { id, expiresAt }
  }

  /** The account of a live session, or `null` for unknown or expired ones. */
  async sessionAccount(sessionId: string): Promise<Account | null> {
    const rows = await this.db.query<AccountRow & { expires_at: number | string }>(
      'SELECT a.*, s.expires_at FROM auth_sessions s JOIN auth_accounts a ON a.id = s.account_id WHERE s.id_hash = ?',
      [hashSessionId(sessionId)],
    )
    const row = rows[0]
    if (!row || Number(row.expires_at) <= Date.now()) return null
    return fromRow(row)
  }

  /** Ends a session (sign out). */
  async deleteSession(sessionId: string): Promise<void> {
    await this.db.run('DELETE FROM auth_sessions WHERE id_hash = ?', [hashSessionId(sessionId)])
  }

  /** Removes expired sessions; returns how many. */
  async pruneSessions(now = Date.now()): Promise<number> {
    return this.db.run('DELETE FROM auth_sessions WHERE expires_at <= ?', [now])
  }
}

function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url')
}

function fromRow(row: AccountRow): Account {
  return { id: row.id, username: row.username, email: row.email, name: row.name, kind: row.kind, createdAt: new Date(Number(row.created_at)) }
}
