// Signals, updates and their payloads, defined once and imported by workflows, activities, clients.
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface DeviceCodeView {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresAt: string;
}

/** The device code of a pending sign-in, from the activity running MSAL (or a child sign-in workflow). */
export const signInCodeSignal = defineSignal<[DeviceCodeView]>('signInCode');

export interface ConfirmationInput {
  /** The hash shown with the preview: a stale or wrong hash is rejected. */
  hash: string;
  approve: boolean;
  /** Who decides: the assistant (confirm tool) or a person (mm approve, MCP elicitation). */
  by: 'assistant' | 'human';
  note?: string;
}

export interface ConfirmationOutcome {
  accepted: boolean;
  decision: 'approved' | 'rejected';
}

/** Confirms or rejects an action waiting for confirmation; its validator checks hash and who decides. */
export const confirmUpdate = defineUpdate<ConfirmationOutcome, [ConfirmationInput]>('confirm');
