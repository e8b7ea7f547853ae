import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, demoPapersFile, startApp } from '../src/app.ts';
import { createConfig } from '../src/config.ts';
import { importFile } from '../src/core/ingest/import-file.ts';
import { FakeTelegramBotApi, makeUser, privateChat } from './fakes/telegram-bot-api.ts';
import { templateDataDir } from './support/cli.ts';
import { silentLog } from './support/core.ts';

/** `npm start` as an operator runs it: the whole app, configured only through the environment. */
describe('the app with a Telegram token', () => {
  const data = templateDataDir();
  let telegram: FakeTelegramBotApi;
  let app: App;

  beforeAll(async () => {
    telegram = await FakeTelegramBotApi.start({ maxHoldMs: 300 });
    const config = createConfig({
      PAPERBOY_DATA_DIR: data.dataDir,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      INGEST_ON_START: 'false',
    });
    app = await startApp({ config, log: silentLog });
    await importFile({ db: app.db.db, path: demoPapersFile });
  });
  afterAll(async () => {
    await app.stop();
    await telegram.close();
    data.remove();
  });

  it('starts the Telegram adapter and answers commands', async () => {
    expect(app.adapters).toEqual(['telegram']);
    expect(app.ports.has('telegram')).toBe(true);
    const alice = makeUser(42, 'Alice');
    const mark = telegram.calls.length;
    telegram.userSays(alice, privateChat(alice), '/search grokking');
    const reply = await telegram.waitForCall('sendMessage', { after: mark, where: (c) => c.payload.chat_id === 42 });
    expect(String(reply.payload.text)).toContain('Grokking: Generalization Beyond Overfitting');
  });
});
