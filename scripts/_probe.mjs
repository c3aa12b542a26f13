import { serve } from '/work/main/scripts/lib/serve.mjs';
import { launch } from '/work/main/scripts/lib/browser.mjs';
const log = [];
const server = await serve({ root: '/work/main/dist', isolate: process.env.ISO === '1', serviceWorker: true, onRequest: (m, p) => log.push(`${m} ${p}`) });
const b = await launch();
b.page.on('console', (m) => console.log('console:', m.type(), m.text().slice(0, 200)));
b.page.on('pageerror', (e) => console.log('pageerror:', e.message));
const t = Date.now();
await b.page.goto(server.url);
await b.page.waitForFunction(() => document.querySelector('tessera-studio')?.shadowRoot?.querySelector('app-status')?.shadowRoot?.querySelector('#offline-ready'), null, { timeout: 60000 });
console.log('offline ready after', Date.now() - t, 'ms; isolated', await b.page.evaluate(() => crossOriginIsolated), 'requests', log.length);
const m = await b.page.evaluate(async () => {
  const t = window.tessera;
  return Object.keys(t).slice(0, 50).join(',');
});
console.log(m);
await b.close(); await server.close();
