export const openApiDocument = { openapi: '3.1.0', info: { title: 'Collab API', version: '0.1.0' }, paths: {} }
