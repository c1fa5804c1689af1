// tests/e2e/admin.mjs - the administrator's console in a real browser.
//
// Starts its own sekishod (fresh database in a temp dir, a free loopback
// port) and drives Debian's Chromium through playwright-core: the bootstrap
// administrator signs in (forced change, enrollment with oathtool codes),
// creates a user who goes through the whole journey in another browser,
// resets that user's MFA (B8, with the administrator's own password),
// disables the account, reads the audit log and the CSV inventory; an
// auditor sees the console read-only and cannot change anything even with
// a valid CSRF token; an API token created in the console works against
// /api/v1 until it is revoked there (C6), and the auditor sees the tokens
// without a form; a plain user gets 403; resetting a second
// administrator's MFA waits for another administrator's approval (C4),
// neither the requester nor the account concerned may approve it, and an
// approver gives their password and a fresh one-time code (oathtool; a
// wrong, missing or already used code decides nothing).
// Screenshots go to tests/e2e/artifacts/admin-*.png.  Exits non-zero on the
// first failed expectation.
//
//   SEKISHOD=build/sekishod node tests/e2e/admin.mjs
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
const dir = mkdtempSync(join(tmpdir(), 'sekisho-e2e-admin-'));
let server, browser, checks = 0;

let last = 'start';
function ok(cond, what) { assert.ok(cond, what); checks++; last = what; }

function totp(key, at) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', '@' + at, key]).toString().trim();
}
const now = () => Math.floor(Date.now() / 1000);

// The replay rule: a code is taken once, and the server accepts one step
// ahead of its clock.  So each code used is the step after the last one this
// key used, or the current one: computed, never waited for.
const lastStep = new Map();
function freshCode(key) {
  const stepNow = Math.floor(now() / 30);
  const step = Math.max(stepNow, (lastStep.get(key) ?? -1) + 1);
  assert.ok(step <= stepNow + 1, 'a fresh code needs no more than one step ahead');
  lastStep.set(key, step);
  return totp(key, step * 30);
}

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
  await page.screenshot({ path: join(artifacts, 'admin-' + name + '.png'), fullPage: true });
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

// The enrollment page: key from the page, two consecutive codes from oathtool.
async function enroll(page) {
  const key = (await page.textContent('#setup-key')).replace(/\s+/g, '');
  const t = now();
  await page.fill('#code1', totp(key, t - 30));
  await page.fill('#code2', totp(key, t));
  lastStep.set(key, Math.floor(t / 30));
  await submit(page, '#submit');
  ok(await page.locator('#recovery-codes li').count() === 10, 'recovery codes after enrollment');
  await submit(page, '#continue');
  return key;
}

// A first sign-in with an issued password: forced change, enrollment, /account.
async function firstSignIn(page, url, user, issued, chosen) {
  await signInPassword(page, url, user, issued);
  ok(page.url().endsWith('/login/password'), `${user}: issued password leads to the forced change`);
  await page.fill('#current_password', issued);
  await page.fill('#new_password', chosen);
  await page.fill('#confirm_password', chosen);
  await submit(page, '#submit');
  ok(page.url().endsWith('/login/enroll'), `${user}: then the enrollment`);
  const key = await enroll(page);
  ok(page.url().endsWith('/account'), `${user}: signed in`);
  return key;
}

// Creates an account on /admin/users/new; returns the initial password shown once.
async function createUser(page, url, name, email, role) {
  await page.goto(url + '/admin/users/new');
  await page.fill('#new_name', name);
  if (email) await page.fill('#new_email', email);
  await page.selectOption('#new_role', role);
  await submit(page, '#submit');
  const pw = (await page.textContent('#initial-password')).trim();
  ok(pw.length >= 12, `initial password of ${name} shown`);
  return pw;
}

async function newContext(locale = 'en-US', width = 420) {
  return browser.newContext({ locale, viewport: { width, height: 900 } });
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
  const adminPw = 'Yuki-no-Shita-82v';
  const taroPw = 'Kawa-no-Nagare-61q';

  // The bootstrap administrator signs in fully.
  const actx = await newContext('en-US', 1280);
  const admin = await actx.newPage();
  const adminKey = await firstSignIn(admin, url, 'admin', s.password, adminPw);
  ok(await admin.locator('#admin-console').count() === 1, 'the header links to the console');

  // The console: the accounts table with the inventory flags.
  await submit(admin, '#admin-console');
  ok(admin.url().endsWith('/admin'), '/admin');
  ok(await admin.locator('#accounts tr[data-user="admin"]').count() === 1, 'admin listed');
  for (const id of ['#create-user', '#export-csv', '#approvals', '#audit', '#q', '#flag'])
    ok(await admin.locator(id).count() === 1, `accounts page has ${id}`);
  ok(await admin.locator('#accounts tr[data-user="admin"] [data-flag="never-signed-in"]').count() === 0,
     'admin has signed in: not flagged so');
  // One stylesheet for every page: the portal's, which holds the console's rules.
  const sheets = await admin.locator('link[rel="stylesheet"]').evaluateAll(ls => ls.map(l => l.getAttribute('href')));
  ok(sheets.length === 1 && sheets[0] === '/static/sekisho.css', 'the console loads the one stylesheet');
  ok(await admin.locator('main').evaluate(m => getComputedStyle(m).maxWidth) === '1216px',
     "the console's rules apply (main.admin is 76rem wide)");
  ok(await admin.locator('nav.admin-nav').evaluate(n => getComputedStyle(n).borderBottomStyle) === 'solid',
     'the console navigation is styled');
  ok((await admin.request.get(url + '/admin/console.css')).status() === 404, 'no second stylesheet route');
  await shot(admin, '01-accounts');

  // Create taro (an e-mail that a spreadsheet would run, and HTML specials).
  await submit(admin, '#create-user');
  ok(admin.url().endsWith('/admin/users/new'), 'the creation form');
  await shot(admin, '02-create');
  const taroMail = "=1+2'&taro@example.com";
  const taroIssued = await createUser(admin, url, 'taro', taroMail, 'user');
  ok((await admin.textContent('#notice')).length > 0, 'created: notice');
  await shot(admin, '03-created');
  await submit(admin, '#created-user');
  ok(admin.url().endsWith('/admin/users/taro'), "the new account's page");
  ok(await admin.textContent('#user-email') === taroMail, 'e-mail shown as typed (escaped, not markup)');
  ok(await admin.locator('script').count() === 0, 'no script element on the page');

  // The administrator signs out and back in with the next code.
  await submit(admin, '#logout');
  await signInPassword(admin, url, 'admin', adminPw);
  ok(admin.url().endsWith('/login/mfa'), 'admin: the code');
  await admin.fill('#code', freshCode(adminKey));
  await submit(admin, '#submit');
  ok(admin.url().endsWith('/account'), 'admin signed in again');

  // taro, in another browser: the whole journey.
  const tctx = await newContext();
  const taro = await tctx.newPage();
  const taroKey1 = await firstSignIn(taro, url, 'taro', taroIssued, taroPw);
  ok(await taro.locator('#admin-console').count() === 0, 'no console link for a user');
  const denied = await taro.goto(url + '/admin');
  ok(denied.status() === 403, 'a plain user gets 403 on /admin');
  await shot(taro, '04-forbidden');
  const deniedCsv = await taro.request.get(url + '/admin/inventory.csv');
  ok(deniedCsv.status() === 403, 'and on the CSV');

  // B8: the administrator resets taro's MFA, with their own password again.
  await admin.goto(url + '/admin/users/taro');
  ok(await admin.locator('#user-devices tr[data-device]').count() === 1, "taro's device listed");
  ok(await admin.textContent('#user-mfa') === '1', 'one MFA device');
  await shot(admin, '05-user');
  await admin.fill('#reset-mfa-password', 'not-my-password');
  await submit(admin, '#reset-mfa');
  ok((await admin.textContent('#error')).length > 0, 'a wrong administrator password is refused');
  ok(await admin.locator('#user-devices tr[data-device]').count() === 1, 'nothing reset');
  await admin.fill('#reset-mfa-password', adminPw);
  await submit(admin, '#reset-mfa');
  ok((await admin.textContent('#notice')).length > 0, 'MFA reset: notice');
  ok(await admin.locator('#user-devices tr[data-device]').count() === 0, 'devices gone');
  ok(await admin.textContent('#user-recovery') === '0', 'recovery codes gone');
  await shot(admin, '06-mfa-reset');

  // The reset ended taro's open session (a lost phone may be signed in):
  // taro's next page is the sign-in, and it leads to enrolling a new key.
  await taro.goto(url + '/account');
  ok(taro.url().includes('/login'), "taro's session ended by the MFA reset");
  await signInPassword(taro, url, 'taro', taroPw);
  ok(taro.url().endsWith('/login/enroll'), 'after the reset: enrollment again');
  const taroKey2 = (await taro.textContent('#setup-key')).replace(/\s+/g, '');
  ok(/^[A-Z2-7]{32}$/.test(taroKey2) && taroKey2 !== taroKey1, 'a new key');

  // Disable taro: the sign-in says so.
  await admin.goto(url + '/admin/users/taro');
  await submit(admin, '#disable');
  ok(await admin.getAttribute('#user-state [data-state]', 'data-state') === 'disabled', 'taro disabled');
  ok(await admin.locator('#enable').count() === 1, 'enable offered instead');
  await signInPassword(taro, url, 'taro', taroPw);
  const disabledText = await taro.textContent('#error');
  ok(/disabled/i.test(disabledText), 'taro is told the account is disabled');
  await shot(taro, '07-disabled-signin');

  // The audit log: chain verified, the actions there.
  await submit(admin, '#nav-audit');
  ok(admin.url().endsWith('/admin/audit'), 'the audit log');
  ok((await admin.getAttribute('#chain-status', 'class')).split(' ').includes('ok'), 'chain ok');
  ok(/\d+/.test(await admin.textContent('#chain-status')), 'with the number of events');
  ok(await admin.locator('#audit tr[data-action="user.create"]').count() >= 1, 'user.create logged');
  ok(await admin.locator('#audit tr[data-action="mfa.reset"]').count() === 1, 'mfa.reset logged');
  ok(await admin.locator('#audit tr[data-action="user.disable"]').count() === 1, 'user.disable logged');
  const firstSeq = Number(await admin.getAttribute('#audit tbody tr:first-child', 'data-seq'));
  const secondSeq = Number(await admin.getAttribute('#audit tbody tr:nth-child(2)', 'data-seq'));
  ok(firstSeq > secondSeq, 'newest first');
  await shot(admin, '08-audit');
  await admin.fill('#filter-action', 'mfa.');
  await admin.fill('#filter-target', 'taro');
  await submit(admin, '#filter');
  const actions = await admin.locator('#audit tbody tr').evaluateAll(rows => rows.map(r => r.dataset.action));
  ok(actions.length >= 2 && actions.every(a => a.startsWith('mfa.')), 'filtered by action prefix');

  // The CSV inventory: taro's row, the e-mail defused for spreadsheets.
  const csv = await admin.request.get(url + '/admin/inventory.csv');
  ok(csv.status() === 200 && /^text\/csv/.test(csv.headers()['content-type']), 'CSV served as text/csv');
  const csvText = await csv.text();
  ok(csvText.startsWith('name,email,role,effective_role,state,'), 'CSV header');
  ok(csvText.includes("\ntaro,\"'=1+2'&taro@example.com\",user,user,disabled,"), 'taro row, formula defused');

  // An auditor sees everything and can change nothing.
  const kenjiIssued = await createUser(admin, url, 'kenji', 'kenji@example.com', 'auditor');
  const kctx = await newContext('en-US', 1280);
  const kenji = await kctx.newPage();
  await firstSignIn(kenji, url, 'kenji', kenjiIssued, 'Hirakawa-cho-77x');
  const kr = await kenji.goto(url + '/admin');
  ok(kr.status() === 200, 'the auditor opens /admin');
  ok(await kenji.locator('#read-only').count() === 1, 'told it is read-only');
  ok(await kenji.locator('#create-user').count() === 0, 'no create link');
  ok(await kenji.locator('#accounts tr[data-user="taro"]').count() === 1, 'sees taro');
  await kenji.goto(url + '/admin/users/taro');
  ok(await kenji.locator('#disable, #enable, #reset-mfa, #delete').count() === 0, 'no action buttons');
  ok(await kenji.locator('form[method="post"]').count() === 1, 'only the sign-out form');
  await shot(kenji, '09-auditor');
  const csrf = await kenji.getAttribute('form.logout input[name="csrf"]', 'value');
  ok(csrf && csrf.length > 20, "the auditor's own CSRF token");
  const forged = await kenji.request.post(url + '/admin/users/taro/enable', { form: { csrf } });
  ok(forged.status() === 403, 'a POST from the auditor, valid token and all, is refused 403');
  await admin.goto(url + '/admin/users/taro');
  ok(await admin.getAttribute('#user-state [data-state]', 'data-state') === 'disabled', 'taro still disabled');
  ok((await kenji.request.get(url + '/admin/audit')).status() === 200, 'the auditor reads the audit log');

  // API tokens (C6): created in the browser, used by a client, revoked in the browser.
  await admin.goto(url + '/admin');
  await submit(admin, '#nav-tokens');
  ok(admin.url().endsWith('/admin/tokens'), 'the tokens page, from the console navigation');
  const in30days = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  await admin.fill('#token-owner', 'kenji');
  await admin.fill('#token-name', 'audit-export');
  await admin.selectOption('#token-scope', 'admin');
  await admin.fill('#token-expires', in30days);
  await submit(admin, '#create-token');
  ok(/administrator/.test(await admin.textContent('#error')) && await admin.locator('#new-token').count() === 0,
     'scope admin refused for an auditor: the library says the owner must be an administrator');
  await admin.selectOption('#token-scope', 'read');
  await submit(admin, '#create-token');
  const apiToken = (await admin.textContent('#new-token')).trim();
  ok(/^skt_[A-Za-z0-9_-]{43}$/.test(apiToken), 'the token is shown once');
  ok(/not shown again/.test(await admin.textContent('#new-token-warning')), 'with the warning that it is not shown again');
  const tokenRow = admin.locator('#tokens tr[data-state="active"]', { hasText: 'audit-export' });
  ok(await tokenRow.count() === 1, 'the new token is listed, active');
  const tokenId = await tokenRow.getAttribute('data-token');
  await shot(admin, '09b-token-created');
  const api = (path, token) => fetch(url + path, { headers: { Authorization: 'Bearer ' + token } });
  let res = await api('/api/v1/users', apiToken);
  ok(res.status === 200, 'the token works against /api/v1 (200)');
  ok((await res.json()).users.some(u => u.name === 'taro'), 'and reads the accounts');
  await admin.goto(url + '/admin/tokens');
  ok(!(await admin.content()).includes(apiToken), 'the token is not shown again');
  await submit(admin, `#revoke-token-${tokenId}`);
  ok((await admin.textContent('#notice')).length > 0, 'revoked: notice');
  ok(await admin.getAttribute(`#tokens tr[data-token="${tokenId}"]`, 'data-state') === 'revoked', 'listed as revoked');
  res = await api('/api/v1/users', apiToken);
  ok(res.status === 401, 'the same call with the revoked token: 401');
  // The auditor sees the tokens and no form to create or revoke one.
  const kt = await kenji.goto(url + '/admin/tokens');
  ok(kt.status() === 200 && await kenji.locator(`#tokens tr[data-token="${tokenId}"]`).count() === 1,
     'the auditor sees the token list');
  ok(await kenji.locator('#create-token, #token-owner, [id^="revoke-token-"]').count() === 0,
     'the auditor has no create or revoke form');
  ok(await kenji.locator('form[method="post"]').count() === 1, 'only the sign-out form');
  await shot(kenji, '09c-auditor-tokens');

  // A second administrator: made at once while there is only one.
  const hanakoIssued = await createUser(admin, url, 'hanako', '', 'admin');
  ok(!/#\d+/.test(await admin.textContent('#notice')), 'no approval needed with one administrator');
  const hctx = await newContext();
  const hanako = await hctx.newPage();
  const hanakoPw = 'Sakura-zaka-93w';
  const hanakoKey = await firstSignIn(hanako, url, 'hanako', hanakoIssued, hanakoPw);
  ok(await hanako.locator('#admin-console').count() === 1, 'hanako is an administrator');

  // Resetting an administrator's MFA now waits for another administrator (C4).
  await admin.goto(url + '/admin/users/hanako');
  await admin.fill('#reset-mfa-password', adminPw);
  await submit(admin, '#reset-mfa');
  const pending = await admin.textContent('#notice');
  const m = pending.match(/#(\d+)/);
  ok(m && /approval/.test(pending), 'the reset waits: "request #N waits for approval"');
  const reqId = m[1];
  ok(await admin.locator('#user-devices tr[data-device]').count() === 1, "hanako's device still there");
  await shot(admin, '10-approval-requested');
  await submit(admin, '#nav-approvals');
  ok(await admin.locator(`#approvals tr[data-approval="${reqId}"][data-state="pending"]`).count() === 1,
     'the request is listed, pending');
  await shot(admin, '11-approvals');
  // Deciding asks the approver's password and a one-time code from their device (as the CLI).
  ok(await admin.getAttribute(`#approve-password-${reqId}`, 'autocomplete') === 'current-password',
     'the approver\'s password');
  ok(await admin.getAttribute(`#approve-code-${reqId}`, 'autocomplete') === 'one-time-code' &&
     await admin.getAttribute(`#approve-code-${reqId}`, 'required') !== null,
     'and a one-time code (autocomplete=one-time-code, required)');
  ok(await admin.locator(`label[for="approve-code-${reqId}"]`).count() === 1, 'the code field is labelled');
  // The requester cannot approve their own request (told before any code is spent) ...
  await admin.fill(`#approve-password-${reqId}`, adminPw);
  await admin.fill(`#approve-code-${reqId}`, totp(adminKey, now()));
  await submit(admin, `#approve-${reqId}`);
  const same = await admin.textContent('#error');
  ok(/neither/i.test(same), 'the requester is refused (same person)');
  await shot(admin, '12-same-person');
  // ... nor can the administrator it concerns.
  await hanako.goto(url + '/admin/approvals');
  await hanako.fill(`#approve-password-${reqId}`, hanakoPw);
  await hanako.fill(`#approve-code-${reqId}`, totp(hanakoKey, now()));
  await submit(hanako, `#approve-${reqId}`);
  ok(await hanako.textContent('#error') === same, 'the account concerned is refused too');
  ok(await hanako.locator(`#approvals tr[data-approval="${reqId}"][data-state="pending"]`).count() === 1,
     'still pending');

  // A third administrator, jiro: with two administrators his role waits for approval.
  const jiroIssued = await createUser(admin, url, 'jiro', '', 'admin');
  const jm = (await admin.textContent('#notice')).match(/#(\d+)/);
  ok(jm, 'making jiro an administrator waits for approval');
  const jiroReq = jm[1];
  // hanako decides it: password right, code wrong -> refused, nothing decided.
  await hanako.goto(url + '/admin/approvals');
  const hanakoNext = freshCode(hanakoKey);
  await hanako.fill(`#approve-password-${jiroReq}`, hanakoPw);
  await hanako.fill(`#approve-code-${jiroReq}`, String((Number(hanakoNext) + 1) % 1000000).padStart(6, '0'));
  await submit(hanako, `#approve-${jiroReq}`);
  ok(/one-time password is incorrect/.test(await hanako.textContent('#error')), 'a wrong code is refused');
  ok(await hanako.locator(`#approvals tr[data-approval="${jiroReq}"][data-state="pending"]`).count() === 1,
     'nothing decided');
  // The password alone (a client that leaves the code out) is refused too.
  const hcsrf = await hanako.getAttribute('form.logout input[name="csrf"]', 'value');
  const alone = await hanako.request.post(url + `/admin/approvals/${jiroReq}/approve`,
                                          { form: { csrf: hcsrf, admin_password: hanakoPw } });
  ok(alone.status() === 401, 'the password without a code is refused (401)');
  // Password and the next code from her device: approved.
  await hanako.fill(`#approve-password-${jiroReq}`, hanakoPw);
  await hanako.fill(`#approve-code-${jiroReq}`, hanakoNext);
  await submit(hanako, `#approve-${jiroReq}`);
  ok((await hanako.textContent('#notice')).length > 0 &&
     await hanako.locator(`#approvals tr[data-approval="${jiroReq}"][data-state="approved"]`).count() === 1,
     'hanako approves with her password and code');
  await shot(hanako, '12b-approved-with-code');

  // jiro signs in for the first time, then decides the reset of hanako's MFA.
  const jctx = await newContext('en-US', 1280);
  const jiro = await jctx.newPage();
  const jiroKey = await firstSignIn(jiro, url, 'jiro', jiroIssued, 'Minato-mirai-21j');
  ok(await jiro.locator('#admin-console').count() === 1, 'jiro is an administrator');
  await jiro.goto(url + '/admin/approvals');
  const jiroCode = freshCode(jiroKey);
  await jiro.fill(`#approve-password-${reqId}`, 'Minato-mirai-21j');
  await jiro.fill(`#approve-code-${reqId}`, jiroCode);
  await submit(jiro, `#approve-${reqId}`);
  ok(await jiro.locator(`#approvals tr[data-approval="${reqId}"][data-state="approved"]`).count() === 1,
     "jiro approves the reset of hanako's MFA");
  await admin.goto(url + '/admin/users/hanako');
  ok(await admin.locator('#user-devices tr[data-device]').count() === 0, "hanako's device removed");
  // A code is taken once: jiro's same code cannot decide another request.
  await submit(admin, '#unlock');
  const um = (await admin.textContent('#notice')).match(/#(\d+)/);
  ok(um, "unlocking an administrator waits for approval");
  await jiro.goto(url + '/admin/approvals');
  await jiro.fill(`#approve-password-${um[1]}`, 'Minato-mirai-21j');
  await jiro.fill(`#approve-code-${um[1]}`, jiroCode);
  await submit(jiro, `#approve-${um[1]}`);
  ok(/already been used/.test(await jiro.textContent('#error')), 'the used code is refused (replay)');
  ok(await jiro.locator(`#approvals tr[data-approval="${um[1]}"][data-state="pending"]`).count() === 1,
     'still pending');

  // Japanese, and the accounts table on a phone.
  await admin.goto(url + '/admin?lang=ja');
  ok(await admin.getAttribute('html', 'lang') === 'ja', 'the console in Japanese');
  ok(/[\u3040-\u30ff\u4e00-\u9fff]/.test(await admin.textContent('h1')), 'Japanese heading');
  await shot(admin, '13-accounts-ja');
  await admin.setViewportSize({ width: 420, height: 900 });
  await admin.goto(url + '/admin?lang=en');
  await shot(admin, '14-accounts-narrow');

  console.log(`e2e admin: ${checks} checks passed; screenshots in tests/e2e/artifacts/admin-*.png`);
}

main().then(() => 0, e => {
  console.error(`e2e admin FAILED after "${last}":`, e.message);
  return 1;
}).then(async code => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
});
