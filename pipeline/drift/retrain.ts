/**
 * The drift loop's default trainer: the pipeline's own trainFraudModel on the recent labelled
 * transactions, small and fast (few epochs, seeded; the last 30 % of the rows are held out for
 * the threshold and metrics, as trainFraudModel does without separate streams).
 */
import { trainFraudModel } from '../model/train.ts';
import type { TransactionInput } from '../types.ts';
import type { LoopModel } from './loop.ts';

export interface RetrainOptions {
  seed?: number;
  /** default 8 */
  epochs?: number;
}

export function fraudRetrainer(
  o: RetrainOptions = {},
): (txs: TransactionInput[], version: string) => Promise<LoopModel> {
  return async (txs, version) => {
    const { model } = await trainFraudModel(txs, {
      version,
      seed: o.seed ?? 1,
      epochs: o.epochs ?? 8,
      data: { generator: 'drift-loop (recent pipeline traffic)', seed: o.seed ?? 1 },
    });
    return model;
  };
}
