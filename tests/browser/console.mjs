// Drives Debian's Chromium through the staff console and the API docs, as a
// person would. Usage: node console.mjs <base URL> <screenshot dir>
// Prints one JSON line with what it saw; any failed expectation throws.
import { chromium } from "playwright-core";

const [base, shots] = process.argv.slice(2);
const expect = (ok, what) => { if (!ok) throw new Error(`expected: ${what}`); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on("dialog", (dialog) => dialog.accept());
const problems = [];
page.on("pageerror", (error) => problems.push(String(error)));
const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

// Sign in as the demo owner.
await page.goto(`${base}/console/login`);
await shot("login");
await page.fill("#email", "owner@demo.test");
await page.fill("#password", "airside-demo");
await page.click("button[type=submit]");
await page.waitForURL("**/console/settings/api");

// A new Operations client; its secret is shown once.
await page.click("details.new summary");
await page.fill("#client-name", "Browser client");
await page.check('div[data-kind=operations] input[value="ops:read"]');
await page.click("#new-client button[type=submit]");
await page.waitForSelector("#once:not([hidden])");
const secret = (await page.textContent("#once-value")).trim();
expect(secret.length > 20, "a secret in the panel");
expect((await page.textContent("#once")).includes("you will not see this again"), "the warning");
await shot("client-secret");
await page.click("button[data-reload]");
const row = page.locator("#clients tr", { hasText: "Browser client" });
const clientId = (await row.locator("code").textContent()).trim();

// Its token calls the API over HTTP: one success, one 404.
const grant = async () => {
  const response = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: "Basic " + Buffer.from(`${clientId}:${secret}`).toString("base64"),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  expect(response.status === 200, `a token (got ${response.status})`);
  return (await response.json()).access_token;
};
const token = await grant();
const api = (path, bearer) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
expect((await api("/api/v3/operations/aircraft?limit=5", token)).status === 200, "the API answers");
expect((await api("/api/v3/operations/aircraft/999999", token)).status === 404, "a 404 to filter by");

// The live log shows them after a refresh; the status filter narrows it.
expect((await page.getAttribute("#request-log", "hx-trigger")).includes("every 30s"), "refreshes every 30 s");
// The log is written off the request path (batched within 100 ms): refresh
// until the calls are there, as a person would.
for (let attempt = 0; ; attempt++) {
  await page.click("#log-filters button");
  try {
    await page.waitForSelector('#request-log td:has-text("Browser client")', { timeout: 1000 });
    break;
  } catch (error) {
    if (attempt >= 10) throw error;
  }
}
const logged = await page.locator("#request-log tbody tr", { hasText: "Browser client" }).count();
expect(logged >= 2, `both calls logged (saw ${logged})`);
await shot("request-log");
await page.selectOption("select[name=status]", "4xx");
await page.waitForFunction(() => {
  const cells = [...document.querySelectorAll("#request-log td.status")];
  return cells.length > 0 && cells.every((td) => td.textContent.startsWith("4"));
});
await shot("request-log-4xx");

// Reset the secret: the old token is refused on the next request.
await row.locator("a").click();
await page.waitForSelector("#usage-chart");
await shot("client-page");
await page.click("#reset-secret");
await page.waitForSelector("#once:not([hidden])");
const newSecret = (await page.textContent("#once-value")).trim();
expect(newSecret !== secret, "a new secret");
const refused = await api("/api/v3/operations/aircraft?limit=5", token);
expect(refused.status === 401, `the old token refused (got ${refused.status})`);

// A Pilot client, attested by the owner.
await page.goto(`${base}/console/settings/api`);
await page.click("details.new summary");
await page.fill("#client-name", "Browser pilot app");
await page.check('input[name=kind][value=pilot]');
await page.check('div[data-kind=pilot] input[value="pilot:read"]');
await page.fill("#redirect-uris", "https://app.example/callback");
await page.fill("#privacy", "https://app.example/privacy");
await page.click("#new-client button[type=submit]");
await page.waitForSelector("#once:not([hidden])");
await page.click("button[data-reload]");
await page.locator("#clients tr", { hasText: "Browser pilot app" }).locator("a").click();
expect((await page.textContent("#client-status")).includes("awaiting attestation"), "awaiting attestation");
await page.check("#attest input[name=privacy_policy_reviewed]");
await page.click("#attest button[type=submit]");
await page.waitForFunction(() => document.querySelector("#client-status").textContent.trim() === "active");
await shot("pilot-client-attested");

// Settings → API tokens and Integrations: each new secret shown once.
const once = async (form, prefix) => {
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector("#once:not([hidden])");
  const value = (await page.textContent("#once-value")).trim();
  expect(value.startsWith(prefix), `${form}: a value starting ${prefix} (got ${value.slice(0, 8)})`);
  await page.click("button[data-reload]");
};
await page.goto(`${base}/console/settings/tokens`);
await page.fill("#token-name", "Browser token");
await once("#new-token", "");
await page.waitForSelector('#tokens td:has-text("Browser token")');
await shot("tokens");
await page.goto(`${base}/console/settings/integrations`);
await page.click('summary:has-text("New key")');
await page.fill("#key-name", "Browser key");
await page.check('#new-key input[value="public.pilots:read"]');
await once("#new-key", "gaf_pk_");
await page.click('summary:has-text("New endpoint")');
await page.fill("#webhook-url", "http://127.0.0.1:9/hook");
await page.check('#new-webhook input[value="flight.approved"]');
await once("#new-webhook", "whsec_");
const webhook = page.locator("#webhooks tr", { hasText: "127.0.0.1:9/hook" });
await webhook.locator('button:has-text("Disable")').click();
await page.waitForSelector('#webhooks td:has-text("disabled")');
await shot("integrations");

// The Operations API docs render their endpoints from the binary's assets.
await page.goto(`${base}/docs/operations`);
await page.waitForSelector(".opblock", { timeout: 20000 });
// Swagger UI renders a long document lazily, as it scrolls into view.
const endpoints = await page.locator(".opblock").count();
expect(endpoints >= 5, `the endpoints rendered (saw ${endpoints})`);
expect(
  (await page.locator(".opblock-summary-path").first().textContent()).startsWith("/api/v3/operations/"),
  "the first endpoint is an Operations API path",
);
await shot("docs-operations");

// "Try it" from the ACARS page against this server: the handshake needs no key.
await page.goto(`${base}/docs/acars`);
const handshake = page.locator("#operations-handshake-get_api_stratos");
await handshake.locator(".opblock-summary").click();
await handshake.locator("button.execute").click();
await handshake.locator(".live-responses-table .response-col_status").first().waitFor();
const tried = await handshake.locator(".live-responses-table").textContent();
expect(tried.includes("200") && tried.includes("Stratos"), `Try it answered: ${tried.slice(0, 200)}`);
await shot("docs-acars-try-it");

await browser.close();
expect(problems.length === 0, `no script errors: ${problems.join("; ")}`);
console.log(JSON.stringify({ clientId, endpoints, logged }));
