/**
 * Access changes as events: whoever changes who may open a document (sharing routes) announces it
 * here, and every server instance re-checks its own open connections to that document
 * (`recheckConnections`). On one instance the announcement is a direct call; with Redis
 * scale-out it also travels to the other instances (`server/scale/redis-access-changes.ts`), so a
 * revoked user is disconnected wherever they are connected, not only on the instance that
 * handled the request.
 */

/** Which connections to re-check: those of `userIds` to `document`. */
export interface AccessChange {
  readonly document: string
  readonly userIds: readonly string[]
}

/** Re-checks this instance's connections for one change (what it resolves to is ignored). */
export type AccessChangeHandler = (change: AccessChange) => Promise<unknown>

/** Where access changes are announced and handled. */
export interface AccessChanges {
  /**
   * Handles `change` on this instance, then tells the other instances (if any). Resolves once
   * this instance's connections are re-checked and the change is published; never rejects for
   * the other instances' sake (a failed publish is logged; they still re-check at the
   * connection's next token refresh).
   */
  announce(change: AccessChange): Promise<void>
  /** Sets the handler that re-checks this instance's connections (one per instance). */
  handle(handler: AccessChangeHandler): void
  /** Stops listening for other instances' changes. */
  close(): Promise<void>
}

/** Access changes within one process. */
export function localAccessChanges(): AccessChanges {
  let handler: AccessChangeHandler | undefined
  return {
    async announce(change) {
      await handler?.(change)
    },
    handle(next) {
      handler = next
    },
    async close() {},
  }
}
