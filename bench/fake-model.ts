/**
 * The fake Messages API (test/support/fake-anthropic.ts), answering at once, in a process of its own so
 * the load generator's CPU time never delays its answers. Prints its URL once listening.
 */
import { FakeAnthropic } from '../test/support/fake-anthropic.js';

const fake = await FakeAnthropic.start();
// It records every request for tests to inspect; a bench sends hundreds of thousands.
setInterval(() => fake.reset(), 1000);
process.stdout.write(`${fake.url}\n`);
