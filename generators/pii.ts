/**
 * The personal data a transaction carries when PII generation is on (`pii: true` in the
 * transactions config; the pipeline target turns it on with `target.pii`): a card number, an
 * e-mail address and an IP address, beside the `deviceId` and `country` every transaction has.
 *
 * Off by default, and drawn from its own seeded stream (`fork('pii')`, then one fork per user or
 * device): turning it on adds three fields and shifts no other value, so every output pipelab
 * promises stays the same for a seed stays the same, with PII on or off.
 *
 * Each value is a function of the seed and the user (card, e-mail) or the device (IP), so a user
 * keeps one card and one address across the run — a card-testing episode uses its victim's card —
 * and an attacker's new device shows a new IP. None of them can be a real person's: card numbers
 * are Luhn-valid in the 400000 test BIN, e-mail domains are RFC 2606's reserved example domains,
 * and IP addresses lie in the RFC 5737 / RFC 3849 documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
import { Rng } from './rng.ts';

/** the extra fields of a transaction with PII generation on, in wire order after the others */
export interface TransactionPiiFields {
  /** 16 digits, Luhn-valid, test BIN 400000 */
  cardNumber: string;
  email: string;
  /** IPv4 dotted or IPv6 (about 1 device in 8), documentation ranges */
  ipAddress: string;
}

const FIRST = ['ana', 'ben', 'chloe', 'dev', 'emma', 'femi', 'gus', 'hana', 'ivan', 'jia', 'kai', 'lena', 'mo', 'nia'];
const LAST = ['ito', 'silva', 'novak', 'okafor', 'smith', 'garcia', 'kim', 'rossi', 'meyer', 'haddad', 'lund', 'ng'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example'];
const NET4 = ['192.0.2', '198.51.100', '203.0.113'];

/** the Luhn check digit of a string of digits */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export class TransactionPiiDraw {
  private readonly root: Rng;

  constructor(seed: number) {
    this.root = new Rng(seed).fork('pii');
  }

  /** the user's card number and e-mail, the device's IP address */
  draw(userId: string, deviceId: string): TransactionPiiFields {
    const u = this.root.fork(`u:${userId}`);
    let body = '400000';
    for (let i = 0; i < 9; i++) body += String(u.int(10));
    const first = FIRST[u.int(FIRST.length)]!;
    const last = LAST[u.int(LAST.length)]!;
    const email = `${first}.${last}${u.int(1000)}@${DOMAINS[u.int(DOMAINS.length)]}`;
    const d = this.root.fork(`d:${deviceId}`);
    const ipAddress =
      d.int(8) === 0
        ? `2001:db8:${d.int(0x10000).toString(16)}::${(1 + d.int(0xfffe)).toString(16)}`
        : `${NET4[d.int(NET4.length)]}.${1 + d.int(254)}`;
    return { cardNumber: body + String(luhnDigit(body)), email, ipAddress };
  }

  /** adds the fields to a transaction (in place) */
  decorate<T extends { userId: string; deviceId: string }>(tx: T): T & TransactionPiiFields {
    return Object.assign(tx, this.draw(tx.userId, tx.deviceId));
  }
}
