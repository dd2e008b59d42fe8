// What every workflow of the project answers to the `status` query: the phase it is in and, when it
// waits on a person, what for. MCP tools and operators read the same view.
import { defineQuery } from '@temporalio/workflow';

export type WaitingFor =
  | { kind: 'sign-in'; connection: string; userCode: string; verificationUri: string; expiresAt: string; message: string }
  | { kind: 'confirmation'; preview: string; hash: string; expiresAt: string; confirmWith: 'assistant' | 'human' }
  | { kind: 'throttling'; until: string }
  | { kind: 'children'; done: number; failed: number; remaining: number };

export interface WorkflowView {
  phase: string;
  waitingFor?: WaitingFor;
  progress?: { done: number; total: number; message?: string };
}

export const statusQuery = defineQuery<WorkflowView>('status');
