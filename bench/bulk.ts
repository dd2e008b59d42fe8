// npm run bench:bulk: only the bulk provisioning figure, for large one-off runs
// (BENCH_BULK_USERS=10000 npm run bench:bulk): users per second, duplicates, lost, and the largest
// single run's history in events and bytes (the workflow continues as new every 500 users), written
// to bench/results/bulk-<users>.md.
import { benchMachine, benchTemporal, writeResults } from './harness';
import { benchBulkProvisioning, bulkRows } from './provisioning';

const say = (line: string) => process.stderr.write(`${line}\n`);
const temporal = await benchTemporal(say);
const users = Number(process.env.BENCH_BULK_USERS ?? 1000);
say(`bulk provisioning of ${users} users under the scaled throttling profile…`);
const bulk = await benchBulkProvisioning({ users, address: temporal.address });
process.stdout.write(`${JSON.stringify(bulk, null, 2)}\n`);
// bench/results/bulk-<users>.md: the figure of a large one-off run, kept beside the whole bench's.
const { markdown } = writeResults(bulkRows(bulk), { ...benchMachine(), temporal: 'dev server started by the bench (in memory)' }, [], `bulk-${users}`);
process.stdout.write(`written: ${markdown}\n`);
await temporal.stop();
