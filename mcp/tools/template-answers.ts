// Text for the model about a saved template: what sanitising removed, which variables a send needs.
import type { SavedTemplate } from '../../lib/templates';

export function describeSave(saved: SavedTemplate): string {
  const lines = [
    saved.template.variables.length
      ? `Variables a send must supply: ${saved.template.variables.join(', ')}.`
      : 'The template uses no variables.',
  ];
  if (saved.removed.length) lines.push(`Removed while sanitising the HTML: ${saved.removed.join('; ')}.`);
  lines.push(...saved.warnings);
  return lines.join('\n');
}
