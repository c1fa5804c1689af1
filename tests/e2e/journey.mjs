// tests/e2e/journey.mjs - the portal in a real browser, as a new user meets it.
//
// Starts its own sekishod (fresh database in a temp dir, a free loopback
// port), drives Debian's Chromium through playwright-core, computes one-time
// codes with oathtool, and writes a screenshot of every page to
// tests/e2e/artifacts/.  Exits non-zero on the first failed expectation.
//
//   SEKISHOD=build/sekishod node tests/e2e/journey.mjs
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const sekishod = process.env.SEKISHOD || join(here, '../../build/sekishod');
const dir = mkdtempSync(join(tmpdir(), 'sekisho-e2e-'));
let server, browser, checks = 0;

function ok(cond, what) { assert.ok(cond, what); checks++; }

function totp(key, at) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', '@' + at, key]).toString().trim();
}
const now = () => Math.floor(Date.now() / 1000);

// Starts sekishod on a free port; resolves with {url, password} once it listens.
function startServer() {
  return new Promise((resolve, reject) => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = spawn(sekishod, ['--db', join(dir, 'sekisho.db'), '--port', String(port)],
                    { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', password = null;
    p.stdout.on('data', d => {
      out += d;
      const m = out.match(/initial password[^:]*: (\S+)/);
      if (m) password = m[1];
      if (/listening on/.test(out)) resolve({ proc: p, url: `http://127.0.0.1:${port}`, password });
    });
    p.stderr.on('data', d => { out += d; });
    p.on('exit', code => reject(new Error(`sekishod exited (${code}): ${out}`)));
  });
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, name + '.png'), fullPage: true });
}

async function signInPassword(page, url, user, password) {
  await page.goto(url + '/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
}

async function main() {
  const s = await startServer();
  server = s.proc;
  const url = s.url;
  ok(s.password && s.password.length === 16, 'bootstrap password printed once');

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 420, height: 900 } });
  const page = await context.newPage();

  // Security headers and the session cookie.
  const first = await page.goto(url + '/login');
  const h = first.headers();
  ok(/frame-ancestors 'none'/.test(h['content-security-policy']) &&
     !/unsafe-inline/.test(h['content-security-policy']), 'CSP without inline script');
  ok(h['x-content-type-options'] === 'nosniff', 'nosniff');
  ok(h['cache-control'] === 'no-store', 'pages not cached');
  const cookie = (await context.cookies()).find(c => c.name === 'sekisho_dev_session');
  ok(cookie && cookie.httpOnly && cookie.sameSite === 'Lax', 'session cookie HttpOnly, SameSite=Lax');
  ok(await page.getAttribute('#username', 'autocomplete') === 'username', 'autocomplete=username');
  ok(await page.getAttribute('#password', 'autocomplete') === 'current-password', 'autocomplete=current-password');
  await shot(page, '01-login');

  // Wrong password and unknown user: the same answer.
  await signInPassword(page, url, 'admin', 'not-the-password');
  const wrong = await page.textContent('#error');
  await signInPassword(page, url, 'nobody', 'not-the-password');
  ok(wrong && wrong === await page.textContent('#error'), 'unknown user and wrong password look the same');
  await shot(page, '02-login-error');

  // The bootstrap administrator's first sign-in: forced change.
  await signInPassword(page, url, 'admin', s.password);
  ok(page.url().endsWith('/login/password'), 'issued password leads to the forced change');
  ok(await page.getAttribute('#new_password', 'autocomplete') === 'new-password', 'autocomplete=new-password');
  await shot(page, '03-change-password');
  await page.fill('#current_password', s.password);
  await page.fill('#new_password', 'Password1234');
  await page.fill('#confirm_password', 'Password1234');
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok(page.url().endsWith('/login/password'), 'weak password refused');
  ok(await page.locator('#policy-rules li.failed').count() >= 1, 'the failed rule is named');
  await shot(page, '04-change-password-refused');
  const newPassword = 'Yuki-no-Shita-82v';
  await page.fill('#current_password', s.password);
  await page.fill('#new_password', newPassword);
  await page.fill('#confirm_password', newPassword);
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok(page.url().endsWith('/login/enroll'), 'then the enrollment of an app');

  // Enrollment: QR code and the key; leaving and coming back shows a new key (B5).
  ok(await page.locator('#qr svg').count() === 1, 'QR code as inline SVG');
  const key1 = (await page.textContent('#setup-key')).replace(/\s+/g, '');
  await page.goto(url + '/login/enroll');
  const key = (await page.textContent('#setup-key')).replace(/\s+/g, '');
  ok(/^[A-Z2-7]{32}$/.test(key) && key !== key1, 'a new key after leaving the page');
  await shot(page, '05-enroll');
  await page.fill('#code1', '000000');
  await page.fill('#code2', '000000');
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok((await page.textContent('#error')).length > 0, 'wrong codes refused');
  ok((await page.textContent('#setup-key')).replace(/\s+/g, '') === key, 'same key after a mistyped code');
  const t = now();
  await page.fill('#code1', totp(key, t - 30));
  await page.fill('#code2', totp(key, t));
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  const codes = await page.locator('#recovery-codes li').allTextContents();
  ok(codes.length === 10, 'ten recovery codes shown once');
  await shot(page, '06-recovery-codes');
  await Promise.all([page.waitForLoadState('load'), page.click('#continue')]);
  ok(page.url().endsWith('/account'), 'signed in: the account page');
  ok(await page.locator('#devices tr[data-device]').count() === 1, 'one device listed (B6)');
  await shot(page, '07-account');

  // Sign out; sign in with the next code; the same code again is refused.
  await Promise.all([page.waitForLoadState('load'), page.click('#logout')]);
  await signInPassword(page, url, 'admin', newPassword);
  ok(page.url().endsWith('/login/mfa'), 'second sign-in asks for the code');
  ok(await page.getAttribute('#code', 'autocomplete') === 'one-time-code', 'autocomplete=one-time-code');
  await shot(page, '08-mfa');
  const next = totp(key, now() + 30);
  await page.fill('#code', next);
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok(page.url().endsWith('/account'), 'signed in with a code');
  await Promise.all([page.waitForLoadState('load'), page.click('#logout')]);
  await signInPassword(page, url, 'admin', newPassword);
  await page.fill('#code', next);
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok(page.url().endsWith('/login/mfa') && (await page.textContent('#error')).length > 0, 'a used code is refused');
  await shot(page, '09-mfa-replay');

  // A recovery code instead.
  await Promise.all([page.waitForLoadState('load'), page.click('#use-recovery')]);
  await page.fill('#recovery_code', codes[0].trim());
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
  ok(page.url().endsWith('/account'), 'signed in with a recovery code');
  await Promise.all([page.waitForLoadState('load'), page.click('#logout')]);

  // Lockout: three wrong passwords, then the right one is refused with the time.
  for (let i = 0; i < 3; i++) await signInPassword(page, url, 'admin', 'wrong-' + i);
  await signInPassword(page, url, 'admin', newPassword);
  ok(/UTC/.test(await page.textContent('#error')), 'locked, with the time to retry');
  await shot(page, '10-locked');

  // Japanese.
  const ja = await browser.newContext({ locale: 'ja-JP', viewport: { width: 420, height: 900 } });
  const jp = await ja.newPage();
  await jp.goto(url + '/login');
  ok(await jp.getAttribute('html', 'lang') === 'ja', 'Accept-Language ja gives Japanese');
  ok(/[\u3040-\u30ff\u4e00-\u9fff]/.test(await jp.textContent('h1')), 'Japanese heading');
  await jp.screenshot({ path: join(artifacts, '11-login-ja.png'), fullPage: true });
  await jp.click('#lang-en');
  ok(await jp.getAttribute('html', 'lang') === 'en', 'switched to English');

  // CSRF: a form posted without its token is refused.
  const r = await page.request.post(url + '/login', { form: { username: 'admin', password: 'x' } });
  ok(r.status() === 403, 'POST without CSRF token refused');

  console.log(`e2e: ${checks} checks passed; screenshots in tests/e2e/artifacts/`);
}

main().then(() => 0, e => { console.error('e2e FAILED:', e.message); return 1; }).then(async code => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
});
