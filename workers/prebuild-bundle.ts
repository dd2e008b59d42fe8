// Builds the workflow bundle into its cache once (the container image runs this at build time, so a
// worker starts without bundling).
import { silentLogger } from '../lib/logger';
import { workflowBundle } from './bundle';

const { codePath } = await workflowBundle(silentLogger);
process.stdout.write(`workflow bundle: ${codePath}\n`);
