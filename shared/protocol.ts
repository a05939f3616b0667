/**
 * Protocol constants shared by the client and the server. Pure values, no I/O.
 */

/** Name of the `Y.XmlFragment` that holds a document's body. Tiptap and Hocuspocus tooling use the same name. */
export const BODY_FRAGMENT = 'default'

/** Path of the Hocuspocus WebSocket endpoint on the server's single HTTP port. */
export const COLLAB_PATH = '/collab'

/** Path of the liveness endpoint. */
export const HEALTH_PATH = '/healthz'

/** Hocuspocus message type of the sync-status acknowledgement (see @hocuspocus/server `MessageType`). */
export const MESSAGE_TYPE_SYNC_STATUS = 8

/**
 * Name of the `Y.Map` holding document metadata that must merge like content (e.g. `title`).
 * Together with {@link BODY_FRAGMENT} these are the only root types a document may have.
 */
export const META_MAP = 'meta'

/** Key of the document title in {@link META_MAP}. */
export const TITLE_KEY = 'title'
