// mm compliance: scan now, read results, manage the connection's Temporal Schedule, print the report.
// Scans run on a worker (mm worker / mm up); results and reports are read from the store here.
import fs from 'node:fs';
import type { Command } from 'commander';
import { htmlReport, markdownReport } from '../lib/compliance/report';
import { describeResults, queryResults } from '../lib/compliance/results';
import { reportFromStore, reportPaths } from '../lib/compliance/scan-report';
import { isScheduleNotFound, actOnSchedule, backfillSchedule, listSchedules, ScheduleInputError, upsertSchedule, type ScheduleAction } from '../lib/compliance/schedules';
import { Registry, UnknownConnectionError } from '../lib/registry';
import { openStore } from '../lib/store';
import { connectClient } from '../lib/temporal/connection';
import { TASK_QUEUE } from '../lib/temporal/names';
import { describeSchedule } from '../mcp/tools/compliance-schedule';
import { summarizeScan } from '../mcp/tools/compliance-common';
import { complianceScan, runOperation, scheduledScan } from '../mcp/operations';
import { commandContext, say } from './context';

const out = (text: string) => process.stdout.write(`${text}\n`);

function fail(message: string): void {
  say(`mm: ${message}`);
  process.exitCode = 1;
}

function connectionName(registryPath: string, name: string): string | undefined {
  try {
    return new Registry(registryPath).forMcp(name).name;
  } catch (err) {
    if (err instanceof UnknownConnectionError) {
      fail(err.message);
      return undefined;
    }
    throw err;
  }
}

export function registerComplianceCommand(program: Command): void {
  const compliance = program.command('compliance').description('Compliance scans, results, schedules and reports of a connection');

  compliance
    .command('scan')
    .argument('<connection>')
    .description('Scan now (needs a running worker: mm worker or mm up)')
    .option('--wait <seconds>', 'how long to wait for the result', '120')
    .action(async (name: string, options: { wait: string }) => {
      const { config } = commandContext('compliance');
      const connection = connectionName(config.registryPath, name);
      if (!connection) return;
      const client = await connectClient(config.temporal);
      try {
        const answer = await runOperation({ client: async () => client, taskQueue: TASK_QUEUE }, complianceScan, { connection }, { origin: 'cli' }, { waitMs: Number(options.wait) * 1000 });
        if (answer.status === 'done') out(summarizeScan(answer.result));
        else if (answer.waitingFor?.kind === 'sign-in') out(`Sign in: ${answer.waitingFor.message}\nThen follow workflow ${answer.workflowId}.`);
        else if (answer.waitingFor?.kind === 'confirmation') out(`${answer.waitingFor.preview}\nApprove with: mm approve ${answer.workflowId}`);
        else if (answer.status === 'running') out(`Still running as workflow ${answer.workflowId}.`);
        else fail(`scan ${answer.status}: ${answer.error ?? ''}`);
      } finally {
        await client.connection.close();
      }
    });

  compliance
    .command('results')
    .argument('<connection>')
    .description('The latest results; --check for one check’s history; --since for the drift since a date')
    .option('--check <id>', 'history of this check')
    .option('--since <date>', 'ISO date: drift since then')
    .option('--json', 'print JSON')
    .action((name: string, options: { check?: string; since?: string; json?: boolean }) => {
      const { config } = commandContext('compliance');
      const connection = connectionName(config.registryPath, name);
      if (!connection) return;
      const since = options.since ? new Date(options.since) : undefined;
      if (since && Number.isNaN(since.getTime())) return fail(`--since: "${options.since}" is not a date.`);
      const store = openStore({ stateDir: config.stateDir, key: config.env.MM_DB_KEY });
      try {
        const answer = queryResults(store.compliance, { connection, checkId: options.check, since });
        out(options.json ? JSON.stringify(answer, null, 2) : describeResults(answer));
      } finally {
        store.close();
      }
    });

  compliance
    .command('report')
    .argument('<connection>')
    .description('Print the latest report (Markdown), or with --html the path of its HTML page')
    .option('--html', 'print the HTML file path (written if missing)')
    .action((name: string, options: { html?: boolean }) => {
      const { config } = commandContext('compliance');
      const connection = connectionName(config.registryPath, name);
      if (!connection) return;
      const store = openStore({ stateDir: config.stateDir, key: config.env.MM_DB_KEY });
      try {
        const report = reportFromStore(store.compliance, connection);
        if (!report) {
          fail(`no compliance scan of ${connection} yet: run mm compliance scan ${connection}.`);
          return;
        }
        if (!options.html) {
          out(markdownReport(report));
          return;
        }
        const paths = reportPaths(config.stateDir, connection, report.scanId);
        if (!fs.existsSync(paths.html)) {
          fs.mkdirSync(paths.dir, { recursive: true });
          fs.writeFileSync(paths.html, htmlReport(report));
        }
        out(paths.html);
      } finally {
        store.close();
      }
    });

  compliance
    .command('schedule')
    .argument('<connection>')
    .description('Create or update the scan schedule (--cron or --every), or --pause, --unpause, --trigger, --describe, --delete, --backfill-from/--backfill-to')
    .option('--cron <expr>', 'cron "min hour dom month dow", e.g. "0 2 * * *"')
    .option('--every <interval>', 'interval, e.g. 24h, 30m')
    .option('--tz <zone>', 'IANA time zone (default UTC)')
    .option('--note <text>', 'note kept on the schedule')
    .option('--pause')
    .option('--unpause')
    .option('--trigger', 'scan now through the schedule')
    .option('--describe')
    .option('--delete')
    .option('--backfill-from <iso>')
    .option('--backfill-to <iso>')
    .action(async (name: string, o: Record<string, string | boolean | undefined>) => {
      const { config, logger } = commandContext('compliance');
      const connection = connectionName(config.registryPath, name);
      if (!connection) return;
      const action = (['pause', 'unpause', 'trigger', 'describe', 'delete'] as ScheduleAction[]).find((a) => o[a]);
      const client = await connectClient(config.temporal);
      try {
        if (o.backfillFrom || o.backfillTo) {
          out(describeSchedule(await backfillSchedule(client, connection, new Date(String(o.backfillFrom)), new Date(String(o.backfillTo)))));
        } else if (action) {
          const view = await actOnSchedule(client, connection, action, o.note as string | undefined);
          out(view ? describeSchedule(view) : `Deleted the compliance schedule of ${connection}.`);
        } else {
          const r = await upsertSchedule(client, { connection, cron: o.cron as string | undefined, every: o.every as string | undefined, timeZone: o.tz as string | undefined, note: o.note as string | undefined, start: scheduledScan(connection, TASK_QUEUE) });
          out(`${r.created ? 'Created' : 'Updated'} ${describeSchedule(r.view)}`);
        }
        logger.info({ connection, action: action ?? 'upsert' }, 'compliance schedule');
      } catch (err) {
        if (err instanceof ScheduleInputError) return fail(err.message);
        if (isScheduleNotFound(err)) return fail(`no compliance schedule for ${connection}: create one with mm compliance schedule ${connection} --cron "0 2 * * *".`);
        throw err;
      } finally {
        await client.connection.close();
      }
    });

  compliance
    .command('schedules')
    .description('List the compliance schedules')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { config } = commandContext('compliance');
      const client = await connectClient(config.temporal);
      try {
        const views = await listSchedules(client);
        out(options.json ? JSON.stringify(views, null, 2) : views.length ? views.map(describeSchedule).join('\n\n') : 'No compliance schedule.');
      } finally {
        await client.connection.close();
      }
    });
}
