// Open pages in Debian's headless Chromium through playwright-core and report what a user sees.
//
//   node browser.cjs spec.json out.json
//
// spec: {"pages": [{"url": "file:///…", "screenshot": "/…/x.png", "selector": "mark"}]}
// out:  one entry per page: title, innerText, every element matching `selector` (tag, id, class,
//       title, text, computed background), every link, every request the page made, and the requests
//       refused because they left the machine (anything but file:, data:, blob:, localhost).
// Called by tests/integration/test_native_stack.py; playwright-core comes from var/integration/node.
'use strict';
const fs = require('fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const LOCAL = /^(file:|data:|blob:|about:|https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/)/;

(async () => {
  const [specFile, outFile] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  // a new, empty profile (--user-data-dir): playwright passes it for a persistent context
  const context = await chromium.launchPersistentContext(spec.userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const refusedAll = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (LOCAL.test(url)) return route.continue();
    refusedAll.push(url);
    return route.abort('blockedbyclient');
  });
  const results = [];
  try {
    for (const p of spec.pages) {
      const requests = [];
      const failed = [];
      const page = await context.newPage();
      page.on('request', (r) => requests.push(r.url()));
      page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure() && r.failure().errorText}`));
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const response = await page.goto(p.url, { waitUntil: 'load', timeout: 30000 });
      await page.waitForTimeout(300);
      const found = await page.$$eval(p.selector || 'mark', (els) => els.map((e) => ({
        tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, title: e.getAttribute('title'),
        text: e.textContent, background: getComputedStyle(e).backgroundColor,
        visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length),
      })));
      const links = await page.$$eval('a', (els) => els.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
      const rows = await page.$$eval('tr', (els) => els.map((tr) => Array.from(tr.cells).map((c) => c.textContent.trim())));
      if (p.screenshot) await page.screenshot({ path: p.screenshot, fullPage: false });
      results.push({
        url: p.url, status: response ? response.status() : null, title: await page.title(),
        text: await page.evaluate(() => document.body.innerText), elements: found, links, rows,
        requests, refused: requests.filter((u) => !LOCAL.test(u)), failed, errors,
      });
      await page.close();
    }
  } finally {
    await context.close();
  }
  results.push({ url: 'all pages', refused: refusedAll, requests: [], elements: [], links: [], rows: [] });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 1));
})().catch((err) => { console.error(err); process.exit(1); });
