// `npm run bench:compare -- 'CMD A' 'CMD B' ...`: one change at a time, measured. Every round runs
// each command once (the order rotating), and each command's difference to the first is taken
// within the round, so the machine's drift between rounds (large on a shared VM) cancels out.
// Prints each median and the median paired difference with a ~95% interval. Commands are split
// on spaces (no quoting) and run with this process's environment and pipes for stdout/stderr.
import { timeStartup } from './startup.js';
import { medianInterval } from './stats.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 100);
const commands = process.argv.slice(2);
if (commands.length < 2) {
  console.error(
    "usage: npm run bench:compare -- 'node a.cjs ARGS' 'node b.cjs ARGS' ... (BENCH_ROUNDS, default 100)",
  );
  process.exitCode = 1;
} else {
  const results = timeStartup(
    commands.map((command) => ({ name: command, command: command.split(/\s+/), env: process.env })),
    rounds,
  );
  const first = results[0]?.samples ?? [];
  const ms = (n: number) => n.toFixed(2);
  console.log(`${rounds} rounds; difference to the first command, median [~95% interval], ms`);
  for (const r of results) {
    const d = medianInterval(r.samples.map((s, i) => s - (first[i] ?? 0)));
    console.log(
      `${ms(medianInterval(r.samples).median).padStart(8)}  ${ms(d.median).padStart(7)} [${ms(d.low)}, ${ms(d.high)}]  ${r.name}`,
    );
  }
}
