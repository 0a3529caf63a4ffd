/**
 * What a transaction stream tells transactionToJson about the event it built last (lastBuilt), and the
 * JSON pieces of its users and merchants, cached by slot (JsonPieces). Kept apart from the stream so
 * serialize.ts reads them without importing the stream's module for more than its types.
 */
import type { MerchantPopulation, UserPopulation } from './population.ts';

/**
 * The pieces of the users and merchants of one stream, by slot, kept as notes beside their ids in the
 * populations (user note 2, merchant note 1: built with UserPopulation(o, 1), MerchantPopulation(o, 'm', 1)).
 */
export class JsonPieces {
  /** false when a population is too large to cache its ids: the stream then leaves lastBuilt.middle -1 */
  readonly usable: boolean;
  constructor(
    private readonly users: UserPopulation,
    private readonly merchants: MerchantPopulation,
  ) {
    this.usable = users.cached && merchants.cached;
  }
  /** `","userId":"u1","deviceId":"d1-0","merchantId":"`: a user with their primary device */
  user(slot: number): string {
    let j = this.users.noteAt(slot, 2);
    if (j === undefined) {
      const pop = this.users;
      j = flat(`","userId":"${pop.idAt(slot)}","deviceId":"${pop.primaryAt(slot)}","merchantId":"`);
      pop.setNote(slot, 2, j);
    }
    return j;
  }
  /** `m7","amount":` */
  merchant(slot: number): string {
    let j = this.merchants.noteAt(slot, 1);
    if (j === undefined) {
      j = flat(`${this.merchants.idAt(slot)}","amount":`);
      this.merchants.setNote(slot, 1, j);
    }
    return j;
  }
}

/** s as one flat string (V8 keeps a concatenation as a tree until a read flattens it) */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/**
 * The transaction a stream built last and the strings it wrote into it, which need no JSON escapes
 * (generated ids: letters, digits, '.' and '-'). transactionToJson skips its escape checks for that
 * object while those fields still hold these very strings; anything else is checked. For a normal
 * payment it also says where its JSON pieces are: `pieces` by the `user` slot (-1 when the payment
 * is from another than the user's primary device) and the `merchant` slot, and `middle` is the
 * payment's country × CHANNELS.length + channel (-1: not a normal payment, or no pieces).
 */
export const lastBuilt = {
  /** the Transaction object itself (compared by identity only) */
  tx: null as object | null,
  id: '',
  userId: '',
  deviceId: '',
  merchantId: '',
  pieces: null as JsonPieces | null,
  user: -1,
  merchant: -1,
  middle: -1,
};
