/**
 * Per-document roles and share links, in the same database as history.
 *
 * `auth_document_roles` holds one row per (document, user): the owner (the creator), people an
 * owner invited, and people who opened a share link (`source` is `link:<id>`, so revoking the
 * link removes exactly the access it gave). `auth_share_links` keeps only a SHA-256 of each
 * link's secret: the link is shown once, when it is made.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import { isRole, strongerRole, type Role } from '../../shared/roles.ts'

/** Where a person's role came from. */
export type RoleSource = 'owner' | 'invite' | `link:${string}`

/** One person's access to a document. */
export interface Member {
  userId: string
  role: Role
  source: RoleSource
  grantedBy: string | null
  grantedAt: Date
}

/** A share link (without its secret). */
export interface ShareLink {
  id: string
  document: string
  role: Role
  createdBy: string
  createdAt: Date
}

/** Creates the tables if missing. */
export async function migrateRoles(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS auth_document_roles (
      document TEXT NOT NULL,
      user_id TEXT NOT NULL,
      role TEXT NOT NULL,
      source TEXT NOT NULL,
      granted_by TEXT,
      granted_at BIGINT NOT NULL,
      PRIMARY KEY (document, user_id)
    );
    CREATE INDEX IF NOT EXISTS auth_document_roles_user ON auth_document_roles (user_id);
    CREATE TABLE IF NOT EXISTS auth_share_links (
      id TEXT PRIMARY KEY,
      document TEXT NOT NULL,
      role TEXT NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      created_by TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS auth_share_links_document ON auth_share_links (document);
  `)
}

interface MemberRow {
  user_id: string
  role: string
  source: string
  granted_by: string | null
  granted_at: number | string
}

interface LinkRow {
  id: string
  document: string
  role: string
  created_by: string
  created_at: number | string
}

/** Reads and writes roles and share links. */
export class RoleStore {
  private readonly db: Database

  constructor(db: Database) {
    this.db = db
  }

  /** The role recorded for `userId` on `document`, or `null`. */
  async roleOf(document: string, userId: string): Promise<Role | null> {
    const rows = await this.db.query<{ role: string }>('SELECT role FROM auth_document_roles WHERE document = ? AND user_id = ?', [document, userId])
    const role = rows[0]?.role
    return isRole(role) ? role : null
  }

  /** True when someone owns `document`. */
  async hasOwner(document: string): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM auth_document_roles WHERE document = ? AND role = 'owner'", [document])).length > 0
  }

  /** Documents `userId` holds a role on. */
  async documentsOf(userId: string): Promise<string[]> {
    return (await this.db.query<{ document: string }>('SELECT document FROM auth_document_roles WHERE user_id = ?', [userId])).map((row) => row.document)
  }

  /** Everyone with a role on `document`, owner first. */
  async members(document: string): Promise<Member[]> {
    const rows = await this.db.query<MemberRow>('SELECT * FROM auth_document_roles WHERE document = ? ORDER BY granted_at, user_id', [document])
    return rows
      .map((row) => ({ userId: row.user_id, role: row.role as Role, source: row.source as RoleSource, grantedBy: row.granted_by, grantedAt: new Date(Number(row.granted_at)) }))
      .sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner'))
  }

  /** Records the creator as owner. */
  async setOwner(document: string, userId: string): Promise<void> {
    await this.db.run(
      `INSERT INTO auth_document_roles (document, user_id, role, source, granted_by, granted_at) VALUES (?, ?, 'owner', 'owner', ?, ?)
       ON CONFLICT (document, user_id) DO UPDATE SET role = 'owner', source = 'owner'`,
      [document, userId, userId, Date.now()],
    )
  }

  /** Gives `userId` `role` by invitation (replacing a role from a link; never the owner's). */
  async invite(document: string, userId: string, role: Exclude<Role, 'owner'>, by: string): Promise<void> {
    await this.db.run(
      `INSERT INTO auth_document_roles (document, user_id, role, source, granted_by, granted_at) VALUES (?, ?, ?, 'invite', ?, ?)
       ON CONFLICT (document, user_id) DO UPDATE SET role = excluded.role, source = 'invite', granted_by = excluded.granted_by, granted_at = excluded.granted_at
       WHERE auth_document_roles.role <> 'owner'`,
      [document, userId, role, by, Date.now()],
    )
  }

  /** Removes `userId`'s role on `document` (never the owner's); true when one was removed. */
  async remove(document: string, userId: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM auth_document_roles WHERE document = ? AND user_id = ? AND role <> 'owner'", [document, userId])) > 0
  }

  /** Makes a share link; resolves to the link and its secret (shown once). */
  async createLink(document: string, role: Exclude<Role, 'owner'>, by: string): Promise<{ link: ShareLink; secret: string }> {
    const secret = randomBytes(32).toString('base64url')
    const link: ShareLink = { id: randomUUID(), document, role, createdBy: by, createdAt: new Date() }
    await this.db.run('INSERT INTO auth_share_links (id, document, role, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      link.id,
      document,
      role,
      hashSecret(secret),
      by,
      link.createdAt.getTime(),
    ])
    return { link, secret }
  }

  /** The live links of `document`, oldest first. */
  async links(document: string): Promise<ShareLink[]> {
    return (await this.db.query<LinkRow>('SELECT * FROM auth_share_links WHERE document = ? ORDER BY created_at, id', [document])).map(linkFromRow)
  }

  /** The live link whose secret is `secret`, or `null`. */
  async linkBySecret(secret: string): Promise<ShareLink | null> {
    const rows = await this.db.query<LinkRow>('SELECT * FROM auth_share_links WHERE secret_hash = ?', [hashSecret(secret)])
    return rows[0] ? linkFromRow(rows[0]) : null
  }

  /**
   * Gives `userId` the link's role, unless they already hold one at least as strong (a link never
   * lowers an invited role). A stronger link role replaces a weaker invite: revoking that link
   * then removes the person's access entirely (the earlier invite is not restored).
   */
  async acceptLink(link: ShareLink, userId: string): Promise<Role> {
    const current = await this.roleOf(link.document, userId)
    if (strongerRole(current, link.role) === current && current !== null) return current
    await this.db.run(
      `INSERT INTO auth_document_roles (document, user_id, role, source, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (document, user_id) DO UPDATE SET role = excluded.role, source = excluded.source, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      [link.document, userId, link.role, `link:${link.id}`, link.createdBy, Date.now()],
    )
    return link.role
  }

  /** Deletes a link and every role it gave; resolves to the users who lost that role (null: no such link). */
  async revokeLink(document: string, linkId: string): Promise<string[] | null> {
    return this.db.transaction(async (tx) => {
      const removed = await tx.run('DELETE FROM auth_share_links WHERE document = ? AND id = ?', [document, linkId])
      if (removed === 0) return null
      const users = (await tx.query<{ user_id: string }>('SELECT user_id FROM auth_document_roles WHERE document = ? AND source = ?', [document, `link:${linkId}`])).map(
        (row) => row.user_id,
      )
      await tx.run('DELETE FROM auth_document_roles WHERE document = ? AND source = ?', [document, `link:${linkId}`])
      return users
    })
  }

  /** Forgets every role and link of a deleted document. */
  async deleteDocument(document: string): Promise<void> {
    await this.db.run('DELETE FROM auth_document_roles WHERE document = ?', [document])
    await this.db.run('DELETE FROM auth_share_links WHERE document = ?', [document])
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

function linkFromRow(row: LinkRow): ShareLink {
  return { id: row.id, document: row.document, role: row.role as Role, createdBy: row.created_by, createdAt: new Date(Number(row.created_at)) }
}
