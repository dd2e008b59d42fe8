// The store opened on first use (opening derives the SQLCipher key: not worth paying in a process
// that never touches it, such as `mm mcp` answering tools/list), and an audit sink writing into it.
import type { AuditSink } from '../audit';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { openStore, type Store } from './index';

export interface LazyStore {
  store(): Store;
  audit: AuditSink;
  close(): void;
}

export function lazyStore(config: Pick<Config, 'stateDir' | 'env'>, logger?: Logger): LazyStore {
  let opened: Store | undefined;
  const store = () => (opened ??= openStore({ stateDir: config.stateDir, key: config.env.MM_DB_KEY, logger }));
  return {
    store,
    audit: { record: (entry) => store().audit.record(entry) },
    close: () => opened?.close(),
  };
}
