/**
 * Link safety. A collaborator can write any attribute straight into the CRDT, so every place
 * that turns an href into something clickable (paste, render, server validation) asks here.
 */

/** URL schemes a link may use. Everything else (javascript:, data:, vbscript:, file:) is refused. */
export const ALLOWED_LINK_SCHEMES = ['http:', 'https:', 'mailto:'] as const

/**
 * Returns the href if it is an absolute http(s) or mailto URL, else `null`.
 * Whitespace and control characters are stripped first, as browsers do before resolving a scheme
 * (`java\nscript:` is `javascript:` to a browser).
 */
export function safeHref(href: unknown): string | null {
  if (typeof href !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const cleaned = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  let url: URL
  try {
    url = new URL(cleaned)
  } catch {
    return null
  }
  return (ALLOWED_LINK_SCHEMES as readonly string[]).includes(url.protocol) ? href.trim() : null
}
