// Microsoft Graph (and the Power Automate API) per connection: requests, paging, $batch, typed
// errors, lookups by natural key, send guards, signature stripping and response trimming.
export { GraphClient, ConnectionGraph, createGraphClient } from './client';
export type { AccessTokenSource, GraphClientOptions, GraphResponse, GraphVersion, HttpMethod, RequestOptions, Resource } from './client';
export { GraphError, toGraphError, parseRetryAfter, graphErrorFromResponse, isNetworkFailure, NETWORK_ERROR_STATUS } from './errors';
export { collectPages, DEFAULT_MAX_ITEMS, type PageOptions, type PagedResult } from './paging';
export { BATCH_LIMIT, type BatchOptions, type BatchRequest, type BatchResult } from './batch';
export { AmbiguousMatchError, externalAddresses, findGroupByMailNickname, findUserByUpn, isAlreadyExists, verifiedDomainNames } from './lookup';
export { stripMessageSignatures, stripSignature, stripHtmlSignature, stripTextSignature } from './signature';
export { trimResponse, type TrimmedResponse } from './trim';
export { isGuardedSend, sendKind, graphPath, graphPathRefusal, draftPreview, PREVIEW_BODY_CHARS, type DraftPreview, type SendKind } from './send-guards';
export { htmlToText } from './html-text';
export type { AutoReply, DateTimeTimeZone } from './mailbox-settings';
