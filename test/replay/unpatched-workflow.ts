// @temporalio/workflow as workflow code saw it before any patch was written: patched() is false and
// records nothing, so every `if (patched(ID)) { new } else { old }` takes the old branch, exactly as
// the code before that change ran. Only the previous bundle of the upgrade test uses it.
export * from '@temporalio/workflow/lib/index.js';

export function patched(_patchId: string): boolean {
  return false;
}

export function deprecatePatch(_patchId: string): void {}
