// The Exchange Online admin REST endpoint the EXO v3 module calls for every cmdlet:
// POST /adminapi/beta/{tenantId}/InvokeCommand {"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{…}}}.
// Answers {"@odata.context", "value":[…]} as the module expects with X-ResponseFormat: json, and
// errors in the "|ExceptionType|message" form the module prints.
import type { Principal } from '../auth';
import { SANDBOX_TENANT_ID } from '../constants';
import { newId, type Json, type TenantState } from '../state';
import { CmdletError, COMMON, unknownParameter, type Cmdlet, type ExoReply, type Params } from './cmdlet';
import { MAILBOX_CMDLETS } from './mailboxes';
import { ORG_APP_CMDLETS } from './org-apps';
import { ORGANIZATION_CMDLETS } from './organization';

export const CMDLETS: Record<string, Cmdlet> = { ...MAILBOX_CMDLETS, ...ORG_APP_CMDLETS, ...ORGANIZATION_CMDLETS };

const EXCHANGE_ADMIN_ROLES = ['Global Administrator', 'Exchange Administrator'];

function errorReply(err: CmdletError, requestId: string): ExoReply {
  return {
    status: err.status,
    body: {
      error: {
        code: err.status === 403 ? 'Forbidden' : 'BadRequest',
        message: `|${err.exceptionType}|${err.message}`,
        details: [{ code: 'Context', target: '', message: `Ex${requestId.slice(0, 6).toUpperCase()}|${err.exceptionType}|${err.message}` }],
        innererror: { message: err.message, type: err.exceptionType },
      },
    },
  };
}

/** Runs one InvokeCommand request for an already-authenticated principal. */
export function invokeCommand(state: TenantState, principal: Principal, body: unknown, query: URLSearchParams, baseUrl: string): ExoReply {
  const requestId = newId();
  const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | undefined)?.CmdletInput;
  if (!input || typeof input.CmdletName !== 'string') {
    return errorReply(new CmdletError('Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The request body must contain CmdletInput with CmdletName.'), requestId);
  }
  const name = Object.keys(CMDLETS).find((k) => k.toLowerCase() === String(input.CmdletName).toLowerCase());
  if (!name) {
    return errorReply(
      new CmdletError(
        'System.Management.Automation.CommandNotFoundException',
        `The term '${input.CmdletName}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
      ),
      requestId,
    );
  }
  const cmdlet = CMDLETS[name];
  const params: Params = {};
  for (const [k, v] of Object.entries((input.Parameters as Params | undefined) ?? {})) {
    const canonical = [...cmdlet.parameters, ...COMMON].find((x) => x.toLowerCase() === k.toLowerCase());
    if (!canonical) return errorReply(unknownParameter(k, name), requestId);
    params[canonical] = v;
  }
  if (principal.kind === 'user' && !principal.directoryRoles.some((r) => EXCHANGE_ADMIN_ROLES.includes(r)) && name !== 'Get-AzContext') {
    return errorReply(new CmdletError('Microsoft.Exchange.Configuration.Tasks.ManagementAccessDeniedException', `The user '${principal.upn}' isn't assigned to any management roles that allow running ${name}.`, 403), requestId);
  }
  try {
    const rows = cmdlet.run(state, params, principal);
    const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(query.get('prefer') ?? '')?.[1] ?? 1000);
    const skip = Number(query.get('$skip') ?? 0);
    const page = rows.slice(skip, skip + pageSize);
    const reply: Json = {
      '@odata.context': `${baseUrl}/adminapi/beta/${SANDBOX_TENANT_ID}/$metadata#Collection(Exchange.GenericHashTable)`,
      'adminapi.warnings@odata.type': '#Collection(String)',
      '@adminapi.warnings': [],
      value: page,
    };
    if (skip + pageSize < rows.length) reply['@odata.nextLink'] = `https://outlook.office365.com/adminapi/beta/${SANDBOX_TENANT_ID}/InvokeCommand?$skip=${skip + pageSize}`;
    return { status: 200, body: reply };
  } catch (err) {
    if (err instanceof CmdletError) return errorReply(err, requestId);
    throw err;
  }
}
