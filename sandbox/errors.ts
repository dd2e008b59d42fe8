// Graph's error envelope: {error:{code,message,innerError:{date,request-id,client-request-id}}}.
// Handlers throw GraphError; the Graph dispatcher turns it into the envelope with the request's ids.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Graph's date in innerError: ISO 8601 without fractional seconds. */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
}

export function errorBody(code: string, message: string, ids: RequestIds, now: number) {
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(now), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
}

// The codes and messages the sandbox uses, named once so handlers stay short.
export const notFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, code = 'Request_BadRequest') => new GraphError(400, code, message);

export const unsupportedQuery = (message = 'Unsupported Query.') => new GraphError(400, 'Request_UnsupportedQuery', message);

export const insufficientPrivileges = () =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export const invalidToken = (message: string) =>
  new GraphError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });

export const noRoute = (method: string, path: string) =>
  new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? path}'.`, {
    'x-sandbox-route': `${method} ${path}`,
  });

export const methodNotAllowed = () =>
  new GraphError(405, 'Request_BadRequest', 'The requested method is not supported for this resource.');

/** Graph's 429; without `retryAfter` no Retry-After header (identity protection sends none). */
export const tooManyRequests = (retryAfter?: string) =>
  new GraphError(429, 'TooManyRequests', 'Please retry again later.', retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
