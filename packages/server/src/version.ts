/** Version reported by the server; kept in step with package.json by the release process. */
export const SERVER_VERSION = '0.1.0';
