// The last middleware of the Graph client: sends the request with fetch, to the sandbox when the
// connection's cloud is "sandbox". The client itself keeps https://graph.microsoft.com (on plain
// http it attaches no token and breaks paging), so only the origin changes here, for every URL
// including @odata.nextLink and Location answers.
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { toSandboxUrl } from '../clouds';
import { observeGraphAnswer } from '../metrics';
import { NETWORK_ERROR_NAME } from './errors';

export class TransportHandler implements Middleware {
  constructor(private readonly sandboxUrl?: string) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const target = this.sandboxUrl ? toSandboxUrl(url, this.sandboxUrl) : url;
    const request = typeof context.request === 'string' || target === url ? target : new Request(target, context.request);
    try {
      context.response = await fetch(request, context.options);
      observeGraphAnswer(context.options?.method ?? 'GET', context.response.status, context.response.headers.get('retry-after'));
    } catch (error) {
      observeGraphAnswer(context.options?.method ?? 'GET', 0, null);
      // Named so toGraphError classifies it as a network failure after the SDK re-wraps it.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const failure = new Error(`No answer from ${new URL(url).host}: ${cause ?? (error as Error).message}`, { cause: error });
      failure.name = NETWORK_ERROR_NAME;
      throw failure;
    }
  }

  setNext(): void {
    // Terminal: nothing comes after the network.
  }
}
