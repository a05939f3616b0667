/**
 * What a document may contain, phrased in terms of its Yjs representation (y-prosemirror's):
 * elements named after schema nodes, text with formatting attributes named after schema marks
 * (`name` or, for marks that may overlap, `name--<hash>`), node attributes as element
 * attributes, and only the root types the app writes ({@link BODY_FRAGMENT}, {@link META_MAP}).
 *
 * These are local rules — each checks one element, child, attribute or mark — so the server can
 * apply them to exactly what an update changes. Rules that depend on siblings (content order,
 * required children) are left out on purpose: concurrent edits from honest clients can merge
 * into such states, and the editor repairs them on load.
 */
import type { MarkType, NodeType } from 'prosemirror-model'
import { safeHref } from './links.ts'
import { BODY_FRAGMENT, META_MAP, TITLE_KEY } from './protocol.ts'
import { schema } from './schema.ts'

/** Root types a document may have, and the Yjs type each must be. */
export const ALLOWED_ROOTS: Readonly<Record<string, 'xml-fragment' | 'map'>> = { [BODY_FRAGMENT]: 'xml-fragment', [META_MAP]: 'map' }

/** Keys of {@link META_MAP} and the longest value of each. */
export const META_KEYS: Readonly<Record<string, { maxLength: number }>> = { [TITLE_KEY]: { maxLength: 1000 } }

/** Marker for a text child in {@link childProblem}. */
export const TEXT_CHILD = '#text'

const childTypes = new Map<NodeType, Set<NodeType>>()

/** Every node type that may appear anywhere in `parent`'s content expression. */
function allowedChildren(parent: NodeType): Set<NodeType> {
  let allowed = childTypes.get(parent)
  if (allowed) return allowed
  allowed = new Set()
  const seen = new Set<unknown>()
  const visit = (match: NodeType['contentMatch']) => {
    if (seen.has(match)) return
    seen.add(match)
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i)
      allowed!.add(edge.type)
      visit(edge.next)
    }
  }
  visit(parent.contentMatch)
  childTypes.set(parent, allowed)
  return allowed
}

/** Problem with an element named `nodeName`, or `null`. */
export function elementProblem(nodeName: string): string | null {
  const type = schema.nodes[nodeName]
  if (!type || type === schema.topNodeType || type.isText) return `unknown node type "${nodeName.slice(0, 40)}"`
  return null
}

/**
 * Problem with a child (`TEXT_CHILD` for text, else an element name) inside `parentName`
 * (`null`: the body fragment, i.e. the `doc` node), or `null`.
 */
export function childProblem(parentName: string | null, child: string): string | null {
  const parent = parentName === null ? schema.topNodeType : schema.nodes[parentName]
  if (!parent) return `unknown node type "${String(parentName).slice(0, 40)}"`
  const type = child === TEXT_CHILD ? schema.nodes.text : schema.nodes[child]
  if (!type) return `unknown node type "${child.slice(0, 40)}"`
  if (!allowedChildren(parent).has(type)) return `"${type.name}" may not appear in "${parent.name}"`
  return null
}

/** Problem with attribute `key` = `value` on an element named `nodeName`, or `null`. */
export function attributeProblem(nodeName: string, key: string, value: unknown): string | null {
  const type = schema.nodes[nodeName]
  if (!type) return `unknown node type "${nodeName.slice(0, 40)}"`
  if (!type.spec.attrs || !Object.hasOwn(type.spec.attrs, key)) return `"${nodeName}" has no attribute "${key.slice(0, 40)}"`
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return `attribute "${key}" must be a string, number or boolean`
  if (typeof value === 'string' && value.length > 1000) return `attribute "${key}" is too long`
  return null
}

/**
 * Problem with a formatting attribute `key` (a mark, possibly `name--hash`) with value `value`
 * (the mark's attrs, or `true`; `null` removes the mark) on text inside `parentName`, or `null`.
 */
export function markProblem(parentName: string | null, key: string, value: unknown): string | null {
  const name = /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key
  const markType: MarkType | undefined = schema.marks[name]
  if (!markType) return `unknown mark "${name.slice(0, 40)}"`
  if (value === null) return null
  // `true` is the Y.Text convention (`format(i, n, { bold: true })`); y-prosemirror reads it as no attributes.
  if (value !== true && (typeof value !== 'object' || Array.isArray(value))) return `mark "${name}" attributes must be an object`
  const parent = parentName === null ? undefined : schema.nodes[parentName]
  if (parent && !parent.allowsMarkType(markType)) return `mark "${name}" is not allowed in "${parent.name}"`
  const attrs = (value === true ? {} : value) as Record<string, unknown>
  for (const [attr, attrValue] of Object.entries(attrs)) {
    if (!markType.spec.attrs || !Object.hasOwn(markType.spec.attrs, attr)) return `mark "${name}" has no attribute "${attr.slice(0, 40)}"`
    if (attrValue !== null && typeof attrValue !== 'string' && typeof attrValue !== 'number' && typeof attrValue !== 'boolean') {
      return `mark "${name}" attribute "${attr}" must be a string, number or boolean`
    }
  }
  if (name === 'link' && safeHref(attrs.href) === null) return 'link href must be an http:, https: or mailto: URL'
  return null
}

/** Problem with `key` = `value` in the meta map, or `null`. */
export function metaProblem(key: string, value: unknown): string | null {
  const rule = META_KEYS[key]
  if (!rule) return `unknown meta key "${key.slice(0, 40)}"`
  if (value === undefined) return null
  if (typeof value !== 'string') return `meta "${key}" must be a string`
  if (value.length > rule.maxLength) return `meta "${key}" is over ${rule.maxLength} characters`
  return null
}
