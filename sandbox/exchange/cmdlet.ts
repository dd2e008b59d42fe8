// What every InvokeCommand cmdlet shares: its shape, the error it throws (CmdletError, answered in the
// "|ExceptionType|message" form the EXO module prints), and parameter conversions.
import type { Principal } from '../auth';
import type { Json, TenantState } from '../state';

export interface ExoReply {
  status: number;
  body: Json;
}

export class CmdletError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const SERVER = 'SN6PR01MB0000.PROD.OUTLOOK.COM';

export const notFound = (identity: string) =>
  new CmdletError('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException', `The operation couldn't be performed because object '${identity}' couldn't be found on '${SERVER}'.`);

export const unknownParameter = (name: string, cmdlet: string) =>
  new CmdletError('System.Management.Automation.ParameterBindingException', `A parameter cannot be found that matches parameter name '${name}'. (${cmdlet})`);

export const invalidValue = (name: string, value: unknown, allowed: string[]) =>
  new CmdletError(
    'System.Management.Automation.ParameterBindingValidationException',
    `Cannot bind parameter '${name}'. Cannot convert value "${String(value)}" to type. Error: "Unable to match the identifier name ${String(value)} to a valid enumerator name. Specify one of the following enumerator names and try again: ${allowed.join(', ')}"`,
  );

export type Params = Record<string, unknown>;

export interface Cmdlet {
  /** Parameters the cmdlet accepts (case-insensitive), beyond the common ones. */
  parameters: string[];
  /** Roles whose holders may run it (delegated); app-only needs Exchange.ManageAsApp. */
  run: (state: TenantState, p: Params, principal: Principal) => Json[];
}

export const COMMON = ['ErrorAction', 'WarningAction', 'Confirm', 'Verbose', 'Debug', 'WhatIf', 'ResultSize', 'InformationAction'];

export function bool(name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'True' || v === 'true' || v === '$true') return true;
  if (v === 'False' || v === 'false' || v === '$false') return false;
  throw new CmdletError('System.Management.Automation.ParameterBindingArgumentTransformationException', `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${String(v)}" to type "System.Boolean".`);
}

export function limit(p: Params, rows: Json[], defaultSize = 1000): Json[] {
  const size = p.ResultSize;
  if (size === undefined) return rows.slice(0, defaultSize);
  if (String(size).toLowerCase() === 'unlimited') return rows;
  const n = Number(size);
  if (!Number.isInteger(n) || n < 1) throw new CmdletError('System.Management.Automation.ParameterBindingException', `Cannot bind parameter 'ResultSize' to the value "${String(size)}".`);
  return rows.slice(0, n);
}

export function parseDate(name: string, v: unknown): number {
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw new CmdletError('System.Management.Automation.ParameterBindingArgumentTransformationException', `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${String(v)}" to type "System.DateTime".`);
  return t;
}
