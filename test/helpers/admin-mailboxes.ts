// Mailboxes for the mailbox and tracking suites: licensed users added to a seed, and a mailbox's
// settings (and the tenant's read-receipt counts) straight from the tenant state, to compare before and after.
import type { Sandbox } from '../../sandbox';
import { defaultMailboxSettings, graphUser, newMailbox, SKU_E3, type Json, type TenantSnapshot } from '../../sandbox/state';
import { upn } from './admin';

/** Adds licensed users with ready mailboxes to a snapshot (E3 seats raised to fit), read receipts as given. */
export function addMailboxUsers(snapshot: TenantSnapshot, readReceipts: ('DoNotAutomaticallySend' | 'AlwaysSend' | 'NeverSend')[]): string[] {
  const created = Date.UTC(2024, 1, 1);
  const upns: string[] = [];
  readReceipts.forEach((readReceiptResponse, i) => {
    const alias = `staff${String(i).padStart(3, '0')}`;
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const address = upn(alias);
    snapshot.users[id] = {
      graph: graphUser(
        {
          id,
          userPrincipalName: address,
          displayName: `Staff ${i}`,
          mailNickname: alias,
          mail: address,
          proxyAddresses: [`SMTP:${address}`],
          usageLocation: 'US',
          assignedLicenses: [{ skuId: SKU_E3, disabledPlans: [] }],
        },
        created,
      ),
      password: 'Sandbox-Password-1',
      roles: [],
      mailboxSettings: defaultMailboxSettings(),
      messages: [],
      mailbox: { ...newMailbox(), messageConfiguration: { readReceiptResponse } },
    };
    upns.push(address);
  });
  snapshot.skus[SKU_E3].enabledUnits += readReceipts.length;
  return upns;
}

/** A mailbox's settings as the tenant holds them (the records Graph and Exchange both answer from). */
export function mailboxView(sandbox: Sandbox, address: string) {
  const u = sandbox.state.findUser(address);
  if (!u?.mailbox) throw new Error(`no mailbox ${address}`);
  return {
    automaticReplies: structuredClone(u.mailboxSettings.automaticRepliesSetting as Json),
    readReceiptResponse: u.mailbox.messageConfiguration.readReceiptResponse,
    forwardingSmtpAddress: u.mailbox.forwardingSmtpAddress,
    deliverToMailboxAndForward: u.mailbox.deliverToMailboxAndForward,
  };
}

/** ReadReceiptResponse counts over the tenant's user mailboxes, straight from its state. */
export function readReceiptCounts(sandbox: Sandbox): Record<string, number> {
  const counts: Record<string, number> = { DoNotAutomaticallySend: 0, AlwaysSend: 0, NeverSend: 0 };
  for (const u of Object.values(sandbox.state.data.users)) {
    if (u.mailbox?.recipientTypeDetails === 'UserMailbox') counts[u.mailbox.messageConfiguration.readReceiptResponse] += 1;
  }
  return counts;
}
