export { FeatureComputer } from './compute.ts';
export { MemoryFeatureStore, type MemoryFeatureStoreOptions } from './memory.ts';
export { RedisFeatureStore, type RedisFeatureStoreOptions } from './redis.ts';
export {
  FEATURE_KEY_PREFIX,
  DEFAULT_TTL_MS,
  featureKey,
  recordLookupsInto,
  type FeatureStore,
  type FeatureStoreOptions,
  type FeatureStoreStats,
} from './store.ts';
export { FeatureUpdater } from './updater.ts';
