// $filter and $orderby per property on directory objects, as "Advanced query capabilities on Microsoft
// Entra ID objects" (learn.microsoft.com/graph/aad-advanced-queries) documents them: sections "Support
// for filter by properties of Microsoft Entra ID (directory) objects" (user and group tables: eq null,
// companyName, range operators, endsWith) and "Support for sorting" ($orderby on displayName and
// userPrincipalName by default); "Query scenarios that require advanced query capabilities" for
// $count. Without ConsistencyLevel: eventual + $count=true Graph answers 400 Request_UnsupportedQuery;
// with them, 200. $count=true alone is ignored, not an error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

describe('advanced query parameters per property', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const get = async (path: string, advanced = false) => {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, { headers: { Authorization: `Bearer ${token}`, ...(advanced ? { ConsistencyLevel: 'eventual' } : {}) } });
    return { status: r.status, body: (await r.json()) as { value?: unknown[]; '@odata.count'?: number; error?: { code: string; message: string } } };
  };
  const withCount = (path: string) => `${path}${path.includes('?') ? '&' : '?'}$count=true`;

  const needAdvanced: [string, RegExp][] = [
    ['/users?$filter=usageLocation eq null', /property 'usageLocation' of resource 'User'/],
    ['/users?$filter=jobTitle eq null', /property 'jobTitle'/],
    ["/users?$filter=companyName eq 'Contoso'", /property 'companyName'/],
    ["/users?$filter=displayName ge 'M'", /property 'displayName'/],
    ["/users?$filter=endswith(displayName,'Vance')", /Operator 'endsWith'/],
    ['/users?$orderby=createdDateTime', /Sorting not supported/],
    ['/groups?$filter=createdDateTime ge 2020-01-01T00:00:00Z', /property 'createdDateTime' of resource 'Group'/],
    ['/groups?$orderby=createdDateTime', /Sorting not supported/],
  ];

  for (const [path, message] of needAdvanced) {
    test(`aad-advanced-queries: ${path} → 400 Request_UnsupportedQuery without ConsistencyLevel + $count, 200 with them`, async () => {
      const plain = await get(path);
      assert.equal(plain.status, 400, JSON.stringify(plain.body));
      assert.equal(plain.body.error?.code, 'Request_UnsupportedQuery');
      assert.match(plain.body.error?.message ?? '', message);
      assert.equal((await get(path, true)).status, 400, 'the header alone is not enough');
      const advanced = await get(withCount(path), true);
      assert.equal(advanced.status, 200, JSON.stringify(advanced.body));
      assert.equal(typeof advanced.body['@odata.count'], 'number');
    });
  }

  test('aad-advanced-queries: default-supported filters and sorts answer 200 without advanced parameters (eq, startswith, in, any(), createdDateTime ge on users, $orderby=displayName)', async () => {
    for (const path of [
      "/users?$filter=userPrincipalName eq 'adele.vance@contoso.example'",
      "/users?$filter=startswith(displayName,'A')",
      "/users?$filter=mail in ('adele.vance@contoso.example','alex.wilber@contoso.example')",
      "/users?$filter=jobTitle eq 'Engineer'",
      '/users?$filter=createdDateTime ge 2020-01-01T00:00:00Z',
      '/users?$orderby=displayName',
      "/groups?$filter=mailNickname eq 'sales' or displayName eq 'Sales'",
      "/groups?$filter=displayName eq 'Sales' and resourceProvisioningOptions/Any(x:x eq 'Team')",
      '/groups?$orderby=displayName',
    ]) {
      const r = await get(path);
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    }
  });

  test('aad-advanced-queries § $count: $count=true without ConsistencyLevel is ignored (200, no @odata.count), with it counted', async () => {
    const plain = await get('/users?$count=true');
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body['@odata.count'], undefined);
    const counted = await get('/users?$count=true', true);
    assert.equal(counted.body['@odata.count'], counted.body.value?.length);
  });
});
