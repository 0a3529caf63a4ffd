/**
 * Keeps the feature store current from the transaction stream: folds each transaction into the
 * FeatureComputer and writes the user's new features in one batched write. The stream
 * processor calls `ingest` per polled batch; training calls FeatureComputer directly.
 */
import type { TransactionInput, UserFeatures } from '../types.ts';
import { FeatureComputer } from './compute.ts';
import type { FeatureStore } from './store.ts';

export class FeatureUpdater {
  readonly computer: FeatureComputer;
  constructor(
    readonly store: FeatureStore,
    computer?: FeatureComputer,
  ) {
    this.computer = computer ?? new FeatureComputer();
  }

  /**
   * update state and the store for a batch; returns each transaction's features, in order. `part`: the
   * input partition the batch came from (FeatureComputer.retainParts)
   */
  async ingest(txs: readonly TransactionInput[], part?: string): Promise<UserFeatures[]> {
    const feats = txs.map((t) => this.computer.update(t, part));
    // last write per user wins within the batch (the store holds the newest state)
    const latest = new Map<string, UserFeatures>();
    for (let i = 0; i < txs.length; i++) latest.set(txs[i]!.userId, feats[i] as UserFeatures);
    await this.store.putMany([...latest].map(([userId, features]) => ({ userId, features })));
    return feats;
  }
}
