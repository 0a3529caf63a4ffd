/**
 * Avro schemas of the generated events. The .avsc files beside this module are the same
 * schemas for other tools (kcat, schema registries); test/generators/serialize.test.ts checks
 * they agree with these objects. Field order = the Transaction / UserEvent interfaces' order.
 */
export const TRANSACTION_AVSC = {
  type: 'record',
  name: 'Transaction',
  namespace: 'pipelab',
  doc: 'A card payment with fraud ground truth (pipelab generators/transactions.ts)',
  fields: [
    { name: 'id', type: 'string', doc: 'unique per stream: t<seed base36>-<sequence>' },
    { name: 'userId', type: 'string' },
    { name: 'deviceId', type: 'string' },
    { name: 'merchantId', type: 'string' },
    { name: 'amount', type: 'double', doc: 'in currency units, 2 decimals' },
    { name: 'currency', type: 'string', doc: 'ISO 4217' },
    { name: 'country', type: 'string', doc: 'ISO 3166-1 alpha-2, where the payment happened' },
    { name: 'channel', type: { type: 'enum', name: 'Channel', symbols: ['online', 'pos', 'mobile', 'atm'] } },
    { name: 'eventTime', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'isFraud', type: 'boolean' },
    { name: 'fraudPattern', type: 'string', doc: 'none | card-testing | account-takeover | geo-velocity' },
  ],
} as const;

export const USER_EVENT_AVSC = {
  type: 'record',
  name: 'UserEvent',
  namespace: 'pipelab',
  doc: 'A clickstream event (pipelab generators/user-events.ts)',
  fields: [
    { name: 'id', type: 'string', doc: 'unique per stream: e<seed base36>-<sequence>' },
    { name: 'userId', type: 'string' },
    { name: 'sessionId', type: 'string' },
    {
      name: 'type',
      type: {
        type: 'enum',
        name: 'UserEventType',
        symbols: [
          'login',
          'view',
          'search',
          'click',
          'add_to_cart',
          'remove_from_cart',
          'checkout',
          'purchase',
          'logout',
        ],
      },
    },
    { name: 'page', type: 'string' },
    { name: 'eventTime', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'device', type: { type: 'enum', name: 'DeviceType', symbols: ['desktop', 'mobile', 'tablet'] } },
  ],
} as const;
