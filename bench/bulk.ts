// npm run bench:bulk: only the bulk provisioning figure, for large one-off runs
// (BENCH_BULK_USERS=5000 npm run bench:bulk): users per second, duplicates, lost, and the largest
// single run's history in events and bytes (the workflow continues as new every 500 users).
import { ensureTemporalCli } from '../lib/temporal/cli';
import { freePort, startDevServer, type DevServer } from '../lib/temporal/dev-server';
import { benchBulkProvisioning } from './provisioning';

const say = (line: string) => process.stderr.write(`${line}\n`);
let server: DevServer | undefined;
let address = process.env.TEMPORAL_ADDRESS;
if (!address) {
  const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, say);
  server = await startDevServer({ cli, address: `127.0.0.1:${await freePort()}`, namespace: 'default', uiPort: await freePort() });
  address = server.address;
}
const users = Number(process.env.BENCH_BULK_USERS ?? 1000);
say(`bulk provisioning of ${users} users under the scaled throttling profile…`);
const bulk = await benchBulkProvisioning({ users, address });
process.stdout.write(`${JSON.stringify(bulk, null, 2)}\n`);
await server?.stop();
