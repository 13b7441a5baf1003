// What the e2e global setup provides to tests (`inject('dockerHost')`…).
declare module 'vitest' {
  export interface ProvidedContext {
    /** `unix:///tmp/sk-stack-…/docker.sock` of the stack's Docker Engine. */
    dockerHost: string;
    /** `127.0.0.1:<port>` of the stack's registry (plain http; Docker trusts loopback registries). */
    registryAddr: string;
    /** The stack directory. */
    e2eDir: string;
    /** Pushed, not-locally-present images for the DockerPort contract. */
    contractImages: { healthy: string; exits: string; unhealthy: string; runs: string };
  }
}

export {};
