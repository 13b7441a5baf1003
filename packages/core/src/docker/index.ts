export { createMemoryDocker } from './memory-docker.js';
export type {
  MemoryDocker,
  MemoryDockerOptions,
  MemoryDockerTiming,
  ImageBehavior,
  OutputLine,
  PublishImageOptions,
  PublishedImage,
  SeedContainerOptions,
  DockerMethod,
  DockerCall,
  ExecContext,
  ExecHandler,
  ExecOutcome,
} from './memory-docker.js';
