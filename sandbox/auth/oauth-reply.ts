// Entra's OAuth error answer: error, error_description starting AADSTS{code} with the trace and
// correlation ids and timestamp, error_codes, trace_id, correlation_id, timestamp, error_uri.
import crypto from 'node:crypto';

export interface OAuthReply {
  status: number;
  body: Record<string, unknown>;
}

export function aadError(status: number, error: string, code: number, description: string): OAuthReply {
  const now = new Date();
  const trace = crypto.randomUUID();
  const correlation = crypto.randomUUID();
  const stamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${stamp}`,
      error_codes: [code],
      timestamp: stamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
