// @sentinel-kit/core/testing: contract suites every adapter must pass, and fakes for tests.
// Imports vitest: load it from test code only.
export { describeStorageContract } from './storage-contract.js';
export type { StorageContractSubject, StorageContractFactory } from './storage-contract.js';
export { describeDockerContract, DOCKER_CONTRACT_OUTPUT } from './docker-contract.js';
export type { DockerContractImages, DockerContractSubject, DockerContractFactory, DockerContractOptions } from './docker-contract.js';
export { createFakeRegistry, fakeDigest } from './fake-registry.js';
export type { FakeRegistry, FakeRegistryOptions } from './fake-registry.js';
export { createMemoryDocker } from '../docker/index.js';
export type {
  MemoryDocker,
  MemoryDockerOptions,
  MemoryDockerTiming,
  ImageBehavior,
  PublishImageOptions,
  PublishedImage,
  SeedContainerOptions,
  DockerCall,
  DockerMethod,
  OutputLine,
  ExecHandler,
  ExecOutcome,
} from '../docker/index.js';
export { describeVulnerabilityStoreContract, CONTRACT_MAX_RECORD_BYTES } from './vulnerability-store-contract.js';
export type { VulnerabilityStoreContractSubject, VulnerabilityStoreContractFactory } from './vulnerability-store-contract.js';
