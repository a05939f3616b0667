/**
 * Where to go after signing in: `?next=` only when it is a path on this site, so a link like
 * `/signin?next=https://evil.example` (or `//evil.example`, `/\evil.example`) cannot send a
 * freshly signed-in person elsewhere (an open redirect).
 */

/** `next` when it is a same-site path, else `/`. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  // Browsers treat tabs and newlines as absent: `/\t/evil.example` is `//evil.example`.
  if (/[\t\n\r]/.test(next)) return '/'
  return next
}
