// Drives the dashboard in Debian's headless Chromium with playwright-core, as a person with a wallet would:
// waits until the accuracy chart shows the commits it is given and a contributor's reward appears in the
// rounds, connects the wallet (an EIP-1193 provider injected into the page that forwards to the chain's node, where the
// account is unlocked: anvil signs with its key), signs in, asks to join (nothing to send for a registered
// contributor), claims its rewards with a transaction the wallet sends, and saves a screenshot.
//
// usage: node dashboard-check.mjs DASHBOARD_URL RPC_URL ACCOUNT COMMIT_IDS SCREENSHOT
//   COMMIT_IDS: the ids of the commits the chart must show (the aggregated ones), comma-separated
// Prints one JSON line with what it saw; exits 1 with the reason when something is missing.
import { chromium } from 'playwright-core';

const [url, rpcUrl, account, commitIds, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node dashboard-check.mjs DASHBOARD_URL RPC_URL ACCOUNT COMMIT_IDS SCREENSHOT');
  process.exit(2);
}
const expectedCommits = commitIds.split(',');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = 90_000;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // what works as root on a closed network (see shared/TOOLCHAIN.md): no sandbox, no background connections
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(({ rpcUrl, account }) => {
    let id = 0;
    window.ethereum = {
      isTestWallet: true,
      async request({ method, params = [] }) {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account];
        const response = await fetch(rpcUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
        const body = await response.json();
        if (body.error) throw new Error(body.error.message);
        return body.result;
      },
    };
  }, { rpcUrl, account });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', error => consoleErrors.push(error.message));
  await page.goto(url, { waitUntil: 'domcontentloaded' });

  await page.waitForFunction(expected => {
    const shown = [...document.querySelectorAll('#accuracy-chart circle.point')].map(c => c.dataset.commit);
    return shown.length === expected.length && expected.every(id => shown.includes(id));
  }, expectedCommits, { timeout });
  const chart = await page.$$eval('#accuracy-chart circle.point',
    points => points.map(p => ({ commit: p.dataset.commit, accuracy: Number(p.dataset.accuracy) })));

  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=reward]')]
    .some(cell => BigInt(cell.dataset.wei) > 0n), null, { timeout });
  const rewards = await page.$$eval('[data-testid=reward]', cells => cells.filter(c => BigInt(c.dataset.wei) > 0n)
    .map(c => ({ wei: c.dataset.wei, text: c.textContent })));

  // the page follows the gateway's server-sent events rather than polling
  await page.waitForFunction(() => document.querySelector('#live').textContent === 'live', null, { timeout });
  const live = await page.textContent('#live');

  await page.click('#connect');
  await page.waitForFunction(a => document.querySelector('#wallet-state').textContent.toLowerCase()
    .includes(a.toLowerCase()), account, { timeout });
  await page.click('#sign-in');
  await page.waitForFunction(() => document.querySelector('#wallet-state').textContent.startsWith('Signed in as'),
    null, { timeout });
  await page.waitForSelector('[data-testid=wallet-claimable]', { timeout });
  const claimable = await page.textContent('[data-testid=wallet-claimable]');
  const history = await page.textContent('[data-testid=history-rewarded]');

  // a registered contributor with free stake needs no transaction to join; claiming sends one from the wallet
  await page.click('#join');
  await page.waitForFunction(() => document.querySelector('#wallet-message').textContent.includes('nothing to send'),
    null, { timeout });
  const joined = await page.textContent('#wallet-message');
  await page.click('#claim');
  await page.waitForFunction(() => document.querySelector('#wallet-message').textContent.startsWith('Done: claim'),
    null, { timeout });
  const claimed = await page.textContent('#wallet-message');
  await page.waitForFunction(() => document.querySelector('[data-testid=wallet-claimable]').textContent === '0 COT'
    && document.querySelector('[data-testid=total-paid]').textContent !== '0 COT', null, { timeout });
  const branchNodes = await page.$$eval('#branch-graph circle.commit', nodes => nodes.length);

  await page.screenshot({ path: screenshot, fullPage: true });
  if (consoleErrors.length) throw new Error(`errors in the page: ${consoleErrors.join('; ')}`);
  console.log(JSON.stringify({ chart, rewards, claimable, history, branchNodes, joined, claimed, live,
    signedIn: await page.textContent('#wallet-state') }));
} catch (error) {
  console.error(`dashboard check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
