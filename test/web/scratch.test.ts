import { launchBrowser, startWebConfab, ARTIFACTS } from './harness';
import { join, openRoom, stats } from './pageActions';
import { join as pathJoin } from 'node:path';

jest.setTimeout(150000);
test('scratch', async () => {
  const web = await startWebConfab();
  const a = await launchBrowser();
  const b = await launchBrowser();
  try {
    await a.page.goto(web.url + '/team?debug');
    await a.page.waitForSelector('#display-name');
    await join(a.page, 'Alice');
    await openRoom(b.page, web.url, 'team');
    await join(b.page, 'Bob');
    await web.bot('Carol', web.roomJid('team'));
    await a.page.waitForTimeout(4000);
    await a.page.click('[data-action="mic"]');
    await a.page.click('[data-action="camera"]');
    await b.page.waitForTimeout(2000);
    console.log(
      'B tiles after mute',
      await b.page.$$eval('.tile', (t) => t.map((x) => x.outerHTML.slice(0, 200))),
    );
    await a.page.click('[data-action="camera"]');
    await a.page.click('[data-action="screen"]');
    await b.page
      .waitForSelector('.tile[data-kind="screen"]', { timeout: 15000 })
      .catch(() => console.log('no screen tile'));
    await b.page.waitForTimeout(3000);
    console.log(
      'B stats',
      JSON.stringify(
        (await stats(b.page)).inbound.map((s) => [s.content, s.framesDecoded, s.packets]),
      ),
    );
    await b.page.screenshot({ path: pathJoin(ARTIFACTS, 'scratch-screen.png') });
    await a.page.click('[data-action="screen"]');
    await b.page
      .waitForSelector('.tile[data-kind="screen"]', { state: 'detached', timeout: 15000 })
      .catch(() => console.log('screen tile stays'));
    await a.page.click('[data-action="screen"]');
    await b.page.waitForTimeout(4000);
    console.log(
      'second share tiles',
      await b.page.$$eval('.tile', (t) => t.map((x) => (x as HTMLElement).dataset.kind)),
    );
    console.log('A toasts', await a.page.$$eval('.toast', (t) => t.map((x) => x.textContent)));
    await a.page.click('[data-action="chat"]');
    await a.page.screenshot({ path: pathJoin(ARTIFACTS, 'scratch-a.png') });
  } finally {
    console.log('A LOGS\n' + (await a.logs()));
    console.log('B LOGS\n' + (await b.logs()));
    await a.close();
    await b.close();
    await web.stop();
  }
});
