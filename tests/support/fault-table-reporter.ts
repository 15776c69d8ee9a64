/** Prints the fault-injection results as the Markdown table docs/reliability.md carries: one row per "fault → outcome" test. */
import type { Reporter, TestModule } from 'vitest/node';

export default class FaultTableReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = ['| where | fault | outcome | result |', '|---|---|---|---|'];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const [fault, outcome = ''] = test.name.split(' → ');
        const where = test.parent.type === 'suite' ? test.parent.name : module.moduleId.split('/').at(-1);
        rows.push(`| ${where} | ${fault} | ${outcome} | ${test.result().state} |`);
      }
    }
    process.stdout.write(`\n${rows.join('\n')}\n`);
  }
}
