export { createEventBus } from './event-bus.js';
export type { EventBus, EventBusOptions, EventListener, PublishInput, SentinelEvent } from './event-bus.js';
