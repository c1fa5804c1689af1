// tests/e2e/token.mjs - a hardware TOTP token enrolled in the browser.
//
// Starts its own sekishod (fresh database in a temp dir, a free loopback
// port) and drives Debian's Chromium through playwright-core with
// JavaScript turned off (the forms must work without it).  The bootstrap
// administrator's first sign-in chooses "hardware token" instead of an app
// and types the token's secret from its seed sheet: a secret this test
// makes, so oathtool computes the token's codes.  A secret that is not
// Base32 or too short is refused with the reason and is never sent back;
// codes that do not match are refused.  Then a second token is added from
// the account page, and the user signs out and in with a code from the
// first token.  Screenshots go to tests/e2e/artifacts/token-*.png.  Exits
// non-zero on the first failed expectation.
//
//   SEKISHOD=build/sekishod node tests/e2e/token.mjs
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const sekishod = process.env.SEKISHOD || join(here, '../../build/sekishod');
const dir = mkdtempSync(join(tmpdir(), 'sekisho-e2e-token-'));
let server, browser, checks = 0;

let last = 'start';
function ok(cond, what) { assert.ok(cond, what); checks++; last = what; }

// The code the token shows at unix time at (what oathtool computes from its seed).
function totp(key, at) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', '@' + at, key]).toString().trim();
}
const now = () => Math.floor(Date.now() / 1000);

// RFC 4648 Base32 without padding: how a seed sheet prints the secret.
function base32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0, out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
// The sheet's layout: groups of four, as a person types it.
const sheet = s => s.match(/.{1,4}/g).join(' ');

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
  await page.screenshot({ path: join(artifacts, 'token-' + name + '.png'), fullPage: true });
}

// Clicks what submits a form (or follows a link) and waits for the new page.
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

async function signInPassword(page, url, user, password) {
  await page.goto(url + '/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await submit(page, '#submit');
}

// The token form's contract: a labelled secret field that password managers leave alone.
async function checkTokenForm(page) {
  ok(await page.getAttribute('#type-token', 'aria-current') === 'page', 'the token is the chosen kind');
  ok(await page.locator('label[for="token_secret"]').count() === 1, 'the secret field is labelled');
  ok(await page.getAttribute('#token_secret', 'autocomplete') === 'off', 'secret: autocomplete=off');
  ok(await page.getAttribute('#code1', 'autocomplete') === 'one-time-code', 'codes: one-time-code');
  ok(await page.locator('#qr, #setup-key').count() === 0, 'no QR code and no key for a token');
}

// After a refused secret: the reason, and the secret neither in the field nor anywhere on the page.
async function refused(page, secret, pattern, what) {
  ok(pattern.test(await page.textContent('#error')), what);
  ok(await page.inputValue('#token_secret') === '', 'the secret field is not filled in again');
  const html = await page.content();
  const bare = secret.replace(/[\s-]/g, '').toUpperCase();
  ok(!html.includes(secret) && !html.toUpperCase().replace(/\s/g, '').includes(bare),
     'the typed secret is not sent back');
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
  // No JavaScript at all: every step is a plain form or link.
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false,
                                             viewport: { width: 420, height: 900 } });
  const page = await context.newPage();
  const password = 'Hotaru-no-Hikari-37k';

  // First sign-in: forced change, then the enrollment step.
  await signInPassword(page, url, 'admin', s.password);
  ok(page.url().endsWith('/login/password'), 'issued password leads to the forced change');
  await page.fill('#current_password', s.password);
  await page.fill('#new_password', password);
  await page.fill('#confirm_password', password);
  await submit(page, '#submit');
  ok(page.url().endsWith('/login/enroll'), 'then the enrollment');
  ok(await page.getAttribute('#type-app', 'aria-current') === 'page', 'an app is the default kind');
  ok(await page.locator('#qr svg').count() === 1, 'with its QR code');

  // The token instead.
  await submit(page, '#type-token');
  ok(page.url().endsWith('/login/enroll?type=token'), 'the token page is a plain link');
  await checkTokenForm(page);
  await shot(page, '01-enroll-token');

  // Not Base32 (an 8, a 1 and a 0 never occur): refused, named, not sent back.
  const notBase32 = 'GEZD GNBV GY3T QOJ8 GEZD GNBV GY3T QOJ1 ABC0';
  await page.fill('#device_name', 'key-fob');
  await page.fill('#token_secret', notBase32);
  await page.fill('#code1', '123456');
  await page.fill('#code2', '654321');
  await submit(page, '#submit');
  ok(page.url().endsWith('/login/enroll'), 'still enrolling');
  await refused(page, notBase32, /not valid Base32/, 'a secret that is not Base32 is named so');
  ok(await page.inputValue('#device_name') === 'key-fob', 'the device name is kept');
  await checkTokenForm(page);
  await shot(page, '02-not-base32');

  // Too short: 64 bits.
  const short = sheet(base32(randomBytes(8)));
  await page.fill('#token_secret', short);
  await page.fill('#code1', '123456');
  await page.fill('#code2', '654321');
  await submit(page, '#submit');
  await refused(page, short, /too short/, 'a short secret is named so');

  // The token's real secret (160 bits, as sheets print it), with codes from another token.
  const secret = base32(randomBytes(20));
  const typed = sheet(secret).toLowerCase();
  let t = now();
  await page.fill('#token_secret', typed);
  await page.fill('#code1', totp(base32(randomBytes(20)), t - 30));
  await page.fill('#code2', totp(base32(randomBytes(20)), t));
  await submit(page, '#submit');
  await refused(page, typed, /did not match/, 'codes of another token are refused');

  // The right codes: two consecutive ones from the token.
  t = now();
  await page.fill('#token_secret', typed);
  await page.fill('#code1', totp(secret, t - 30));
  await page.fill('#code2', totp(secret, t));
  await submit(page, '#submit');
  const codes = await page.locator('#recovery-codes li').allTextContents();
  ok(codes.length === 10, 'enrolled: ten recovery codes shown once');
  ok(!(await page.content()).toUpperCase().replace(/\s/g, '').includes(secret), 'no secret on the page');
  await submit(page, '#continue');
  ok(page.url().endsWith('/account'), 'signed in: the account page');
  const rows = page.locator('#devices tr[data-device]');
  ok(await rows.count() === 1, 'one device listed');
  ok(/Hardware token \(TOTP\)/.test(await rows.first().textContent()), 'listed as a hardware TOTP token');
  ok(/key-fob/.test(await rows.first().textContent()), 'under the name chosen');

  // A second token from the account page ("add device").
  await submit(page, '#add-device');
  ok(page.url().endsWith('/account/devices/add'), 'add a device');
  await submit(page, '#type-token');
  ok(page.url().endsWith('/account/devices/add?type=token'), 'the token form from the account page');
  await checkTokenForm(page);
  await shot(page, '03-add-token');
  const secret2 = base32(randomBytes(20));
  await page.fill('#device_name', 'spare-fob');
  await page.fill('#token_secret', 'JBSW Y3DP');
  await page.fill('#code1', '123456');
  await page.fill('#code2', '654321');
  await submit(page, '#submit');
  await refused(page, 'JBSW Y3DP', /too short/, 'the account page names the problem too');
  t = now();
  await page.fill('#device_name', 'spare-fob');
  await page.fill('#token_secret', secret2);
  await page.fill('#code1', totp(secret2, t - 30));
  await page.fill('#code2', totp(secret2, t));
  await submit(page, '#submit');
  ok(page.url().endsWith('/account/devices/add') && (await page.textContent('#notice')).length > 0,
     'second token added');
  ok(await page.locator('#devices tr[data-device]').count() === 2, 'two devices listed');
  await shot(page, '04-account');

  // Sign out; sign in with the first token's next code.
  await submit(page, '#logout');
  await signInPassword(page, url, 'admin', password);
  ok(page.url().endsWith('/login/mfa'), 'the sign-in asks for the code');
  const next = totp(secret, now() + 30);
  await page.fill('#code', next);
  await submit(page, '#submit');
  ok(page.url().endsWith('/account'), 'signed in with a code from the token');
  // The same code again is refused (replay).
  await submit(page, '#logout');
  await signInPassword(page, url, 'admin', password);
  await page.fill('#code', next);
  await submit(page, '#submit');
  ok(page.url().endsWith('/login/mfa') && /already been used/.test(await page.textContent('#error')),
     "the token's used code is refused");

  // Japanese.
  const ja = await browser.newContext({ locale: 'ja-JP', javaScriptEnabled: false,
                                        viewport: { width: 420, height: 900 } });
  const jp = await ja.newPage();
  await signInPassword(jp, url, 'admin', password);
  await jp.fill('#code', totp(secret2, now() + 30));
  await submit(jp, '#submit');
  ok(jp.url().endsWith('/account'), 'signed in with the second token');
  await jp.goto(url + '/account/devices/add?type=token');
  ok(await jp.getAttribute('html', 'lang') === 'ja', 'the token form in Japanese');
  ok(/[\u3040-\u30ff\u4e00-\u9fff]/.test(await jp.textContent('label[for="token_secret"]')),
     'Japanese label for the secret');
  await shot(jp, '05-add-token-ja');
  await jp.click('#lang-en');
  await jp.waitForLoadState('load');
  ok(jp.url().includes('type=token') && await jp.locator('#token_secret').count() === 1,
     'switching the language stays on the token form');

  console.log(`e2e token: ${checks} checks passed; screenshots in tests/e2e/artifacts/token-*.png`);
}

main().then(() => 0, e => {
  console.error(`e2e token FAILED after "${last}":`, e.message);
  return 1;
}).then(async code => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
});
