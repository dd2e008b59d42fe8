import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOUD_ENDPOINTS, cloudEndpoints, requireSandboxUrl, toSandboxUrl } from '../../../lib/clouds';
import { CLOUDS } from '../../../lib/registry/schema';
import { defaultDelegatedScopes, defaultScopeOf } from '../../../lib/auth/scopes';

describe('cloud endpoints', () => {
  test('every cloud of the registry schema has endpoints', () => {
    assert.deepEqual(Object.keys(CLOUD_ENDPOINTS).sort(), [...CLOUDS].sort());
  });

  const expected: [string, string, string][] = [
    ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['usgov', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['usgovhigh', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['dod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
    ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
    ['sandbox', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
  ];
  for (const [cloud, login, graph] of expected) {
    test(`${cloud}: sign-in ${login}, Graph ${graph}, scopes under ${graph}`, () => {
      const e = cloudEndpoints(cloud as never);
      assert.equal(e.loginOrigin, login);
      assert.equal(e.graphOrigin, graph);
      assert.equal(e.graphScopePrefix, graph);
      assert.equal(e.sandboxed, cloud === 'sandbox');
      assert.equal(defaultScopeOf(cloud as never, 'graph'), `${graph}/.default`);
      assert.deepEqual(defaultDelegatedScopes(cloud as never), [`${graph}/.default`, 'offline_access']);
    });
  }

  test('a sign-in asks for the app registration\'s granted permissions (/.default) and a refresh token', () => {
    assert.deepEqual(defaultDelegatedScopes('global'), ['https://graph.microsoft.com/.default', 'offline_access']);
  });

  test('the Flow API scope keeps Microsoft\'s double slash', () => {
    assert.equal(defaultScopeOf('global', 'flow'), 'https://service.flow.microsoft.com//.default');
    assert.equal(defaultScopeOf('sandbox', 'flow'), 'https://service.flow.microsoft.com//.default');
  });
});

describe('toSandboxUrl', () => {
  const sandbox = 'http://127.0.0.1:43121';
  test('rewrites sign-in, Graph and Flow origins keeping path and query', () => {
    assert.equal(toSandboxUrl('https://login.microsoftonline.com/common/discovery/instance?api-version=1.1', sandbox), `${sandbox}/common/discovery/instance?api-version=1.1`);
    assert.equal(toSandboxUrl('https://graph.microsoft.com/v1.0/users?$skiptoken=a%20b', sandbox), `${sandbox}/v1.0/users?$skiptoken=a%20b`);
    assert.equal(toSandboxUrl('https://api.flow.microsoft.com/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01', `${sandbox}/`), `${sandbox}/flow/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01`);
  });

  test('leaves other hosts alone', () => {
    assert.equal(toSandboxUrl('https://example.com/x', sandbox), 'https://example.com/x');
    assert.equal(toSandboxUrl('https://graph.microsoft.us/v1.0/me', sandbox), 'https://graph.microsoft.us/v1.0/me');
  });

  test('a sandbox connection without MM_SANDBOX_URL fails naming the variable', () => {
    assert.throws(() => requireSandboxUrl(undefined, 'Demo'), /MM_SANDBOX_URL/);
    assert.equal(requireSandboxUrl(sandbox, 'Demo'), sandbox);
  });
});
