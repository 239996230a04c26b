// The browser tests' checks: each a named body that passes unless it throws, one line each
// ("ok   name (detail) [ms]" or "FAIL name: why"), and a summary line that scripts/test.sh counts.
const results = [];

export async function check(name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    results.push(true);
    console.log(`ok   ${name}${detail ? ` (${detail})` : ''} [${Date.now() - started} ms]`);
  } catch (error) {
    results.push(false);
    console.log(`FAIL ${name}: ${error.message}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function exitWithSummary() {
  const failed = results.filter((ok) => !ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
