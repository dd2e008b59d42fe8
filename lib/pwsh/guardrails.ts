// The command policy of the session pool (mm-readme.md "Command guardrails" and "Send Guards").
// A command is parsed (tokenizer.ts, syntax.ts), never matched as raw text: every command in every
// pipeline, statement, script block, subexpression and literal Invoke-Expression string is judged
// after aliases and module qualifiers are resolved. It fails closed: whatever makes code from data
// or cannot be judged before it runs (a command name computed at run time, `& $x`, iex of a
// non-literal, script blocks built from text, functions, the function: drive, Add-Type, modules or
// scripts loaded from a path, jobs, runspaces, other processes, names that are not plain ASCII, or
// input our tokenizer might read differently from PowerShell's) is refused with the reason.
// Destructive cmdlets (Remove-*, Disable-*) are not refused but wait for confirmation.
import { Findings, judgeSource } from './guardrail-judge';

export type Verdict = 'allow' | 'warn' | 'block' | 'confirm';

export interface SendPreview {
  cmdlet: string;
  preview: string;
}

export interface GuardrailVerdict {
  verdict: Verdict;
  reasons: string[];
  sends?: SendPreview[];
  /** Destructive commands: they wait for confirmation whatever the send guards say. */
  destructive?: string[];
}

/** Judges one command line (or script) before it is sent to a pwsh session. */
export function checkCommand(command: string): GuardrailVerdict {
  const findings = new Findings();
  judgeSource(command, { findings, nesting: 0, via: '' });
  if (findings.blocks.length) return { verdict: 'block', reasons: findings.blocks };
  if (findings.sends.length || findings.destructive.length) {
    const reasons = [
      ...findings.sends.map((s) => `${s.cmdlet} sends a message: show the preview and re-run with confirmation to send it`),
      ...findings.destructive,
      ...findings.warnings,
    ];
    return { verdict: 'confirm', reasons, sends: findings.sends, destructive: findings.destructive };
  }
  if (findings.warnings.length) return { verdict: 'warn', reasons: findings.warnings };
  return { verdict: 'allow', reasons: [] };
}
