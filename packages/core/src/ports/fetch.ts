/** The `fetch` every outbound HTTP call goes through; inject a fake or msw in tests. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
