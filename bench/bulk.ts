// npm run bench:bulk: only the bulk provisioning figure, for large one-off runs
// (BENCH_BULK_USERS=5000 npm run bench:bulk): users per second, duplicates, lost, and the largest
// single run's history in events and bytes (the workflow continues as new every 500 users).
import { benchTemporal } from './harness';
import { benchBulkProvisioning } from './provisioning';

const say = (line: string) => process.stderr.write(`${line}\n`);
const temporal = await benchTemporal(say);
const users = Number(process.env.BENCH_BULK_USERS ?? 1000);
say(`bulk provisioning of ${users} users under the scaled throttling profile…`);
const bulk = await benchBulkProvisioning({ users, address: temporal.address });
process.stdout.write(`${JSON.stringify(bulk, null, 2)}\n`);
await temporal.stop();
