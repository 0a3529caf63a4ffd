// Minimal types for the parts of autocannon 9 the http target uses (autocannon ships none, and
// @types/autocannon describes v7).
declare module 'autocannon' {
  interface AutocannonInstance {
    on(
      event: 'response',
      fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): void;
    on(event: 'reqError', fn: (error: Error) => void): void;
    on(event: 'done', fn: (result: Record<string, unknown>) => void): void;
    on(event: 'error', fn: (error: Error) => void): void;
    stop(): void;
  }
  function autocannon(opts: Record<string, unknown>): AutocannonInstance;
  export default autocannon;
}
