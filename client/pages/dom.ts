/**
 * A small element builder. Text always goes in as text nodes, never as HTML: titles and names
 * come from other people.
 */

/** Creates `<tag>` with `props` assigned and `children` (strings become text) appended. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Omit<HTMLElementTagNameMap[K], 'style'>> & Record<string, unknown> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'role') element.setAttribute('role', String(value))
    else (element as unknown as Record<string, unknown>)[key] = value
  }
  element.append(...children)
  return element
}
