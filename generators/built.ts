/**
 * What a transaction stream tells transactionToJson about the event it built last (lastBuilt), and the
 * JSON pieces of its users and merchants, cached by slot (JsonPieces). Kept apart from the stream so
 * serialize.ts reads them without importing the stream's module for more than its types.
 */
import type { MerchantPopulation, UserPopulation } from './population.ts';

/** the pieces of the users and merchants of one stream, by slot (generators/population.ts) */
export class JsonPieces {
  private readonly users: string[];
  private readonly merchants: string[];
  /** false when a population is too large to cache its ids: the stream then leaves lastBuilt.middle -1 */
  readonly usable: boolean;
  constructor(
    private readonly userPop: UserPopulation,
    private readonly merchantPop: MerchantPopulation,
  ) {
    this.usable = userPop.cached && merchantPop.cached;
    this.users = new Array<string>(this.usable ? userPop.size : 0);
    this.merchants = new Array<string>(this.usable ? merchantPop.size : 0);
  }
  /** `","userId":"u1","deviceId":"d1-0","merchantId":"`: a user with their primary device */
  user(slot: number): string {
    const c = this.users;
    let j = c[slot];
    if (j === undefined) {
      const pop = this.userPop;
      j = flat(`","userId":"${pop.idAt(slot)}","deviceId":"${pop.primaryAt(slot)}","merchantId":"`);
      c[slot] = j;
    }
    return j;
  }
  /** `m7","amount":` */
  merchant(slot: number): string {
    const c = this.merchants;
    let j = c[slot];
    if (j === undefined) {
      j = flat(`${this.merchantPop.idAt(slot)}","amount":`);
      c[slot] = j;
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
