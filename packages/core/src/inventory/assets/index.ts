export { createAssetStore } from './asset-store.js';
export type { Asset, AssetKind, AssetStore, Organization, UpsertAssetInput } from './asset-store.js';
