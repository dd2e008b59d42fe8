// The guardrail corpus (ways to reach a cmdlet the policy refuses or holds): every form with
// X = Install-Module (must be refused) and X = Remove-Mailbox (must be refused or wait for
// confirmation); neither may ever run unconfirmed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand } from '../../../lib/pwsh/guardrails';

interface Target {
  cmdlet: string;
  module: string;
  args: string;
  /** The arguments without the first parameter's value (for the pipeline-input form). */
  piped: { value: string; rest: string };
  splat: { table: string; rest: string };
}

const INSTALL: Target = {
  cmdlet: 'Install-Module',
  module: 'PowerShellGet',
  args: '-Name Evil -Force',
  piped: { value: 'Evil', rest: '-Force' },
  splat: { table: "@{Name='Evil'}", rest: '-Force' },
};
const REMOVE: Target = {
  cmdlet: 'Remove-Mailbox',
  module: 'ExchangeOnlineManagement',
  args: '-Identity victim@contoso.example -Confirm:$false',
  piped: { value: 'victim@contoso.example', rest: '-Confirm:$false' },
  splat: { table: "@{Identity='victim@contoso.example'}", rest: '-Confirm:$false' },
};

const b64 = (text: string) => Buffer.from(text, 'utf16le').toString('base64');

/** One form: a name and the command it builds for a target. */
const FORMS: [string, (t: Target) => string][] = [
  ['plain', (t) => `${t.cmdlet} ${t.args}`],
  ['lower-case', (t) => `${t.cmdlet.toLowerCase()} ${t.args}`],
  ['module-qualified', (t) => `${t.module}\\${t.cmdlet} ${t.args}`],
  ['Set-Alias', (t) => `Set-Alias zz ${t.cmdlet}; zz ${t.args}`],
  ['New-Item alias:', (t) => `New-Item alias:zz -Value ${t.cmdlet}; zz ${t.args}`],
  ['iex single-quoted', (t) => `iex '${t.cmdlet} ${t.args}'`],
  ['Invoke-Expression double-quoted', (t) => `Invoke-Expression "${t.cmdlet} ${t.args.replace(/\$/g, '`$')}"`],
  ['Invoke-Expression -Command', (t) => `Invoke-Expression -Command '${t.cmdlet} ${t.args}'`],
  ['iex of a concatenation', (t) => `iex ('${t.cmdlet.slice(0, 8)}' + '${t.cmdlet.slice(8)} ${t.args}')`],
  ['iex of a variable', (t) => `$c='${t.cmdlet} ${t.args}'; iex $c`],
  ['iex of a here-string', (t) => `iex @'\n${t.cmdlet} ${t.args}\n'@`],
  ['iex of base64', (t) => `iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${b64(`${t.cmdlet} ${t.args}`)}')))`],
  ['backtick in the name', (t) => `${t.cmdlet.slice(0, 2)}\`${t.cmdlet.slice(2)} ${t.args}`],
  ['en dash', (t) => `${t.cmdlet.replace('-', '\u2013')} ${t.args}`],
  ['em dash', (t) => `${t.cmdlet.replace('-', '\u2014')} ${t.args}`],
  ['Cyrillic look-alike letter', (t) => `${t.cmdlet.replace('e', '\u0435')} ${t.args}`],
  ['Greek look-alike letter', (t) => `${t.cmdlet.replace('o', '\u03bf')} ${t.args}`],
  ['wildcard through Get-Command', (t) => `& (Get-Command ${t.cmdlet.slice(0, -1)}?) ${t.args}`],
  ['Get-Command of the literal name', (t) => `& (Get-Command ${t.cmdlet}) ${t.args}`],
  ['& { }', (t) => `& { ${t.cmdlet} ${t.args} }`],
  ["& 'X'", (t) => `& '${t.cmdlet}' ${t.args}`],
  ['& of a concatenation', (t) => `& ('${t.cmdlet.slice(0, 7)}' + '${t.cmdlet.slice(7)}') ${t.args}`],
  ['& of -f', (t) => `& ('{1}{0}' -f '${t.cmdlet.slice(7)}','${t.cmdlet.slice(0, 7)}') ${t.args}`],
  ['& of a variable', (t) => `$f='${t.cmdlet}'; & $f ${t.args}`],
  ['. { }', (t) => `. { ${t.cmdlet} ${t.args} }`],
  ['{ }.Invoke()', (t) => `{ ${t.cmdlet} ${t.args} }.Invoke()`],
  ['[scriptblock]::Create().Invoke()', (t) => `[scriptblock]::Create('${t.cmdlet} ${t.args}').Invoke()`],
  ['Invoke-Command -ScriptBlock { }', (t) => `Invoke-Command -ScriptBlock { ${t.cmdlet} ${t.args} }`],
  ['icm { } positional', (t) => `icm { ${t.cmdlet} ${t.args} }`],
  ['Invoke-Command of [scriptblock]::Create', (t) => `Invoke-Command -ScriptBlock ([scriptblock]::Create('${t.cmdlet} ${t.args}'))`],
  ['ForEach-Object -Parallel', (t) => `1 | ForEach-Object -Parallel { ${t.cmdlet} ${t.args} }`],
  ['Get-Command | ForEach-Object { & $_ }', (t) => `Get-Command ${t.cmdlet} | ForEach-Object { & $_ ${t.args} }`],
  ['Parser::ParseInput then Invoke-Command', (t) =>
    `$sb = [System.Management.Automation.Language.Parser]::ParseInput('${t.cmdlet} ${t.args}',[ref]$null,[ref]$null).GetScriptBlock(); Invoke-Command -ScriptBlock $sb`],
  ['Parser::ParseInput then ForEach-Object -Process', (t) =>
    `$sb = [System.Management.Automation.Language.Parser]::ParseInput('${t.cmdlet} ${t.args}',[ref]$null,[ref]$null).GetScriptBlock(); 1 | ForEach-Object -Process $sb`],
  ['$ExecutionContext.InvokeCommand.InvokeScript', (t) => `$ExecutionContext.InvokeCommand.InvokeScript('${t.cmdlet} ${t.args}')`],
  ['$ExecutionContext in a variable', (t) => `$e = $ExecutionContext; $e.InvokeCommand.InvokeScript('${t.cmdlet} ${t.args}')`],
  ['[powershell]::Create().AddScript', (t) => `[powershell]::Create().AddScript('${t.cmdlet} ${t.args}').Invoke()`],
  ['runspace with AddScript', (t) =>
    `$r = [runspacefactory]::CreateRunspace(); $r.Open(); $p = [System.Management.Automation.PowerShell]::Create(); $p.Runspace = $r; $null = $p.AddScript('${t.cmdlet} ${t.args}'); $p.Invoke()`],
  ['function definition', (t) => `function Foo { ${t.cmdlet} ${t.args} }; Foo`],
  ['filter definition', (t) => `filter Foo { ${t.cmdlet} ${t.args} }; 1 | Foo`],
  ['Set-Content function:', (t) => `Set-Content -Path function:Foo -Value '${t.cmdlet} ${t.args}'; Foo`],
  ['${function:} assignment', (t) => `\${function:Foo} = '${t.cmdlet} ${t.args}'; Foo`],
  ['Add-Type with C#', (t) =>
    `Add-Type -TypeDefinition 'public class P { public static void R() { System.Management.Automation.PowerShell.Create().AddScript("${t.cmdlet} ${t.args.replace(/\$/g, '$')}").Invoke(); } }'; [P]::R()`],
  ['Import-Module of a path', () => `Import-Module ./path/x.psm1`],
  ['dot-sourcing a path', () => `. ./path/x.ps1`],
  ['pwsh -EncodedCommand', (t) => `pwsh -EncodedCommand ${b64(`${t.cmdlet} ${t.args}`)}`],
  ['Start-Process pwsh', (t) => `Start-Process pwsh -ArgumentList '-c','${t.cmdlet} ${t.args}'`],
  ['Start-Job { }', (t) => `Start-Job { ${t.cmdlet} ${t.args} }`],
  ['Start-Job -ScriptBlock $s', (t) => `$s = { ${t.cmdlet} ${t.args} }; Start-Job -ScriptBlock $s`],
  ['Start-ThreadJob { }', (t) => `Start-ThreadJob -ScriptBlock { ${t.cmdlet} ${t.args} }`],
  ['background operator', (t) => `${t.cmdlet} ${t.args} &`],
  ['comments', (t) => `<# c #> ${t.cmdlet} <# c #> ${t.args} # t`],
  ['line continuation', (t) => `${t.cmdlet} \`\n  ${t.args}`],
  ['between other statements', (t) => `Get-Date; ${t.cmdlet} ${t.args}; Get-Date`],
  ['after &&', (t) => `Get-Date && ${t.cmdlet} ${t.args}`],
  ['pipeline input', (t) => `'${t.piped.value}' | ${t.cmdlet} ${t.piped.rest}`],
  ['splatting', (t) => `$p=${t.splat.table}; ${t.cmdlet} @p ${t.splat.rest}`],
  ['assignment', (t) => `$null = ${t.cmdlet} ${t.args}`],
  ['subexpression in a string', (t) => `Write-Output "$(${t.cmdlet} ${t.args.replace(/\$/g, '`$')})"`],
  ['inside if', (t) => `if ($true) { ${t.cmdlet} ${t.args} }`],
  ['inside try', (t) => `try { ${t.cmdlet} ${t.args} } catch { }`],
  ['ForEach-Object { } alias %', (t) => `1 | % { ${t.cmdlet} ${t.args} }`],
];

/** Would the session pool run it without a confirmation? Sends aside, 'allow' and 'warn' run. */
function runsUnconfirmed(command: string): boolean {
  const v = checkCommand(command);
  return v.verdict === 'allow' || v.verdict === 'warn';
}

for (const target of [INSTALL, REMOVE]) {
  describe(`guardrail corpus: ${target.cmdlet}`, () => {
    let stopped = 0;
    after(() => console.log(`# corpus ${target.cmdlet}: ${stopped}/${FORMS.length} refused or held for confirmation`));
    for (const [form, build] of FORMS) {
      const command = build(target);
      test(`${form}: ${command.replace(/\n/g, '\\n')}`, () => {
        const v = checkCommand(command);
        if (!runsUnconfirmed(command)) stopped++;
        if (target === INSTALL) assert.equal(v.verdict, 'block', `${command} → ${JSON.stringify(v)}`);
        else assert.ok(v.verdict === 'block' || v.verdict === 'confirm', `${command} → ${JSON.stringify(v)}`);
        assert.equal(runsUnconfirmed(command), false);
      });
    }
  });
}
