// Names derived from a team's display name, deterministic so a repeated request finds what the first
// one created (no random suffixes). Pure: used by the workflow and the MCP tool alike.

/** The group's mailNickname: letters and digits of the name, lower-cased, at most 56 characters. */
export function teamMailNickname(displayName: string): string {
  const nick = displayName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase()
    .slice(0, 56);
  return nick || 'team';
}
