// secure_score: Microsoft Secure Score (Graph v1.0 security/secureScores and
// secureScoreControlProfiles): today's score against the maximum, the score by category, the
// improvement actions that gain the most for the least cost and user impact, and the daily trend.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { isToolResult, toolError, toolResult } from '../results';
import { bounded, graphQuery, page, postureConnection, readAll } from './posture-common';

const TOOL = 'secure_score';

export const secureScoreShape = {
  connection: connectionNameSchema,
  days: z.number().int().min(1).max(90).optional().describe('Trend days (90)'),
  actions: z.number().int().min(1).max(20).optional().describe('Actions listed (5)'),
};

interface ControlScore {
  controlName: string;
  controlCategory: string;
  score: number;
}

interface Score {
  createdDateTime: string;
  currentScore: number;
  maxScore: number;
  controlScores?: ControlScore[];
}

interface Profile {
  id: string;
  title: string;
  controlCategory: string;
  maxScore: number | string;
  rank?: number;
  implementationCost?: string;
  userImpact?: string;
  actionUrl?: string;
  deprecated?: boolean;
}

const EFFORT: Record<string, number> = { low: 0, moderate: 1, high: 2 };
const effort = (v: string | undefined) => EFFORT[(v ?? '').toLowerCase()] ?? 1;
const round = (n: number) => Math.round(n * 100) / 100;
const pct = (score: number, max: number) => (max > 0 ? round((100 * score) / max) : 0);

export function registerSecureScoreTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    TOOL,
    {
      description: 'Secure Score: current/max, by category, cheapest improvement actions, daily trend.',
      inputSchema: secureScoreShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = postureConnection(deps, TOOL, args.connection, 'secure score');
      if (isToolResult(connection)) return connection;
      const days = args.days ?? 90;
      const read = await readAll({ deps, extra, tool: TOOL, connection }, [
        { endpoint: `/security/secureScores?${graphQuery({ $top: 1 })}`, permission: 'SecurityEvents.Read.All' },
        { endpoint: `/security/secureScores?${graphQuery({ $top: days, $select: 'createdDateTime,currentScore,maxScore' })}`, permission: 'SecurityEvents.Read.All' },
        {
          endpoint: `/security/secureScoreControlProfiles?${graphQuery({ $select: 'id,title,controlCategory,maxScore,rank,implementationCost,userImpact,actionUrl,deprecated' })}`,
          permission: 'SecurityEvents.Read.All',
        },
      ]);
      if (isToolResult(read)) return read;
      const latest = page<Score>(read[0]).rows[0];
      if (!latest) return toolError(`secure_score: connection '${connection}' has no Secure Score yet (Microsoft computes it daily once the tenant has workloads); call again tomorrow.`);
      const history = page<Score>(read[1]).rows;
      const profiles = page<Profile>(read[2]).rows.filter((p) => !p.deprecated);
      const earned = new Map((latest.controlScores ?? []).map((c) => [c.controlName, Number(c.score) || 0]));

      const categories = new Map<string, { score: number; max: number }>();
      for (const p of profiles) {
        const c = categories.get(p.controlCategory) ?? { score: 0, max: 0 };
        c.max += Number(p.maxScore) || 0;
        c.score += earned.get(p.id) ?? 0;
        categories.set(p.controlCategory, c);
      }
      const byCategory = [...categories].map(([category, c]) => ({ category, score: round(c.score), maxScore: round(c.max), percent: pct(c.score, c.max) }));

      const actions = profiles
        .map((p) => ({ id: p.id, title: p.title, category: p.controlCategory, gain: round((Number(p.maxScore) || 0) - (earned.get(p.id) ?? 0)), cost: p.implementationCost ?? null, userImpact: p.userImpact ?? null, rank: p.rank ?? null, url: p.actionUrl ?? null }))
        .filter((a) => a.gain > 0)
        .sort((a, b) => effort(a.cost ?? undefined) + effort(a.userImpact ?? undefined) - (effort(b.cost ?? undefined) + effort(b.userImpact ?? undefined)) || b.gain - a.gain || (a.rank ?? 999) - (b.rank ?? 999))
        .slice(0, args.actions ?? 5);

      const trend = history
        .map((s) => ({ date: s.createdDateTime.slice(0, 10), score: round(Number(s.currentScore)), maxScore: round(Number(s.maxScore)), percent: pct(Number(s.currentScore), Number(s.maxScore)) }))
        .sort((a, b) => a.date.localeCompare(b.date));
      const first = trend[0];
      const current = { score: round(latest.currentScore), maxScore: round(latest.maxScore), percent: pct(latest.currentScore, latest.maxScore), date: latest.createdDateTime.slice(0, 10) };
      const change = first ? round(current.score - first.score) : 0;

      const lines = [`Secure Score ${current.score} / ${current.maxScore} (${current.percent}%) on ${current.date}.`];
      lines.push(`By category: ${byCategory.map((c) => `${c.category} ${c.score}/${c.maxScore} (${c.percent}%)`).join('; ') || 'no control profiles'}.`);
      lines.push('Improvement actions (least effort first, then most points):');
      for (const a of actions) lines.push(`  +${a.gain} ${a.title} [${a.category}; cost ${a.cost ?? '?'}, user impact ${a.userImpact ?? '?'}] ${a.url ?? ''}`.trimEnd());
      if (first) {
        const low = trend.reduce((m, t) => (t.score < m.score ? t : m), first);
        const high = trend.reduce((m, t) => (t.score > m.score ? t : m), first);
        lines.push(`Trend over ${trend.length} day(s): ${change >= 0 ? '+' : ''}${change} since ${first.date}; low ${low.score} (${low.date}), high ${high.score} (${high.date}).`);
        // Weekly points in the text; every day is in structuredContent.
        lines.push(`Weekly: ${trend.filter((_, i) => (trend.length - 1 - i) % 7 === 0).map((t) => `${t.date} ${t.score}`).join(', ')}`);
      }
      return toolResult(bounded(lines), { connection, current, byCategory, actions, trend, change });
    },
  );
}
