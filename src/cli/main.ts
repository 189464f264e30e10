/**
 * The `banmian` command. Every user-facing failure is a BanmianError, printed as one
 * line with its file and line, exit code 1, no stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { BanmianError } from '../errors.js';
import { createLogger } from '../report/logger.js';
import { formatDiagnostics, reportFiles } from '../report/diagnostics.js';

// Everything heavier (parser, web and print editions, the dev server) is imported only by
// the command that needs it: a no-change `banmian build` loads none of them.

const HELP = `banmian — one text, two editions of a Chinese newspaper (web e-paper and print PDF)

Usage:
  banmian build [--issues DIR] [--out DIR] [--only html|pdf] [--marks] [--force] [--shard K/N] [--verify-records] [issue-id…]
                                 build the issues (default issues/ → dist/); --shard: the K-th of N shares only
  banmian merge --out DIR SHARD-DIR…
                                 assemble the site from the N shard folders of --shard builds
  banmian parse <page-file|issue-dir> [--json]
                                 show the AST of a page or an issue (--json: the whole tree)
  banmian check [paths…]         parse pages or issues and list what the parser guessed
  banmian dev [--port N] [--issues DIR] [--out DIR] [--only html]
                                 build, serve on localhost, rebuild on change, reload open tabs
  banmian press [--issues DIR] [--out DIR] [--marks] [issue-id…]
                                 per-page PDF/X-1a files for the printing plant (default → press/)
  banmian publish [--again --reason TEXT] <issue-id>
                                 freeze an issue's print output in archive/<issue-id>/ (签发/付印)
  banmian preflight FILE.pdf…    check PDFs as the plant would (exit 1 when a check fails)
  banmian proof [--issues DIR] [--out DIR] [issue-id…]
                                 lay the print pages out (default → proof/) and count their line faults per page (proof.json)
  banmian new [YYYY-MM-DD]       start the next issue folder (number counted on, pages from templates/new-issue)
  banmian --help                 this text

Options:
  --issues DIR   folder of issue folders (default: issues)
  --out DIR      output folder (default: dist); replaced only when the build succeeds
  --only KIND    build only the html or the pdf edition
  --marks        crop marks and 3 mm bleed on the print pages
  --force        ignore caches
  --verify-records  (build) check every print record file by its sha256, not only its size
  --json         (parse) print the AST as JSON
  --port N       (dev) port to serve on (default 8080; 0 picks a free one)
  --again        (publish) lay a published issue out again; --reason says why (kept in its record)
`;

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    // Disk full, no permission and the like: one line naming the path (src/build/fs-errors.ts).
    const { userFsError } = await import('../build/fs-errors.js');
    err = userFsError(err);
    if (err instanceof BanmianError) {
      process.stderr.write(`banmian: ${err.message}\n`);
      return 1;
    }
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    process.stderr.write(`banmian: internal error: ${msg}${process.env.BANMIAN_DEBUG ? '' : ' (BANMIAN_DEBUG=1 shows the stack)'}\n`);
    if (process.env.BANMIAN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        issues: { type: 'string' },
        out: { type: 'string' },
        only: { type: 'string' },
        marks: { type: 'boolean' },
        force: { type: 'boolean' },
        'verify-records': { type: 'boolean' },
        port: { type: 'string' },
        again: { type: 'boolean' },
        shard: { type: 'string' },
        reason: { type: 'string' },
      },
    });
  } catch (err) {
    throw new BanmianError(`${(err as Error).message.split('\n')[0]} (see banmian --help)`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const root = process.cwd();
  switch (command) {
    case 'parse':
      return parseCommand(rest, Boolean(values.json), root);
    case 'check':
      return checkCommand(rest, root);
    case 'build': {
      if (values.only && values.only !== 'html' && values.only !== 'pdf') {
        throw new BanmianError(`--only takes html or pdf, not "${values.only}"`);
      }
      const { config } = await loadConfig(root);
      if (values.marks) config.print.marks = true;
      const { build } = await import('../build/build.js');
      const { installInterruptHandlers } = await import('../build/interrupt.js');
      const shard = values.shard === undefined ? undefined : (await import('../archive/shard.js')).parseShard(values.shard);
      // Ctrl-C / kill: browser ended, staging and profile folders removed, one line, exit 130/143.
      installInterruptHandlers('build');
      const log = createLogger();
      const result = await build({
        root,
        config,
        issuesDir: path.resolve(root, values.issues ?? 'issues'),
        outDir: path.resolve(root, values.out ?? 'dist'),
        outShown: values.out,
        ids: rest.length ? rest : undefined,
        only: values.only as 'html' | 'pdf' | undefined,
        force: Boolean(values.force),
        verifyRecords: Boolean(values['verify-records']),
        shard,
        log,
      });
      // The editions' warnings about pages, by file (vfile-reporter); the parser's are listed by `banmian check`.
      const report = reportFiles(result.editionWarnings, { color: Boolean(process.stderr.isTTY) && !process.env.CI });
      if (report) log.warn(report);
      if (result.warnings) log.info(`${result.warnings} parser warning(s): run \`banmian check\` to see them`);
      return 0;
    }
    case 'dev': {
      const { startDevServer } = await import('../dev/index.js');
      const port = values.port === undefined ? 8080 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BanmianError(`--port takes a port number, not "${values.port}"`);
      const issuesDir = path.resolve(root, values.issues ?? 'issues');
      // The dev server writes into its output folder too: the same --out guard as the build (before the server starts).
      const { checkOutDir } = await import('../build/out-guard.js');
      const outDir = checkOutDir({ root, issuesDir, outDir: path.resolve(root, values.out ?? 'dist'), shown: values.out });
      const server = await startDevServer({
        root,
        issuesDir,
        outDir,
        port,
        htmlOnly: values.only === 'html',
        log: createLogger(),
      });
      const { runInterruptCleanups } = await import('../build/interrupt.js');
      await new Promise<void>((resolve) => {
        // Then whatever a build in progress holds (its browser, staging folder, lock) goes too.
        const stop = () => void server.close().finally(() => {
          runInterruptCleanups();
          resolve();
        });
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
    case 'press': {
      const { config } = await loadConfig(root);
      const { press } = await import('../press/index.js');
      const result = await press({
        root,
        config,
        issuesDir: path.resolve(root, values.issues ?? 'issues'),
        outDir: path.resolve(root, values.out ?? 'press'),
        printFrom: path.resolve(root, 'dist'),
        printCache: path.resolve(root, '.banmian-cache/print'),
        ids: rest.length ? rest : undefined,
        marks: values.marks ? true : undefined,
        log: createLogger(),
      });
      return result.ok ? 0 : 1;
    }
    case 'proof': {
      const { config } = await loadConfig(root);
      const { proofCommand } = await import('../proof/command.js');
      const { installInterruptHandlers } = await import('../build/interrupt.js');
      installInterruptHandlers('proof');
      const out = values.out ?? 'proof';
      await proofCommand({ root, config, issuesDir: path.resolve(root, values.issues ?? 'issues'), outDir: path.resolve(root, out), outShown: out, ids: rest.length ? rest : undefined, log: createLogger(), write: (t) => process.stdout.write(t) });
      return 0;
    }
    case 'merge': {
      if (!values.out) throw new BanmianError('merge needs --out DIR (see banmian --help)');
      if (!rest.length) throw new BanmianError('merge takes the shard folders to merge (see banmian --help)');
      const { config } = await loadConfig(root);
      const { build } = await import('../build/build.js');
      const { installInterruptHandlers } = await import('../build/interrupt.js');
      installInterruptHandlers('merge');
      await build({ root, config, issuesDir: path.resolve(root, values.issues ?? 'issues'), outDir: path.resolve(root, values.out), outShown: values.out, mergeFrom: rest.map((d) => path.resolve(root, d)), log: createLogger() });
      return 0;
    }
    case 'publish': {
      if (rest.length !== 1) throw new BanmianError('publish takes one issue id (see banmian --help)');
      const { config } = await loadConfig(root);
      const { publish } = await import('../archive/publish.js');
      const { installInterruptHandlers } = await import('../build/interrupt.js');
      installInterruptHandlers('publish');
      await publish({ root, config, issuesDir: path.resolve(root, values.issues ?? 'issues'), id: rest[0], again: Boolean(values.again), reason: values.reason, log: createLogger() });
      return 0;
    }
    case 'preflight': {
      if (!rest.length) throw new BanmianError('preflight takes one or more PDF files (see banmian --help)');
      const { preflightFiles } = await import('../press/preflight-files.js');
      return (await preflightFiles(rest, root)) ? 0 : 1;
    }
    case 'new': {
      const { createIssue } = await import('./new-issue.js');
      const made = await createIssue({ root, issuesDir: path.resolve(root, values.issues ?? 'issues'), date: rest[0] });
      process.stdout.write(`created ${path.relative(root, made.dir)}/ (第${made.number}期${made.total ? `, 总第${made.total}期` : ''}): ${made.files.join(', ')}\n`);
      return 0;
    }
    default:
      throw new BanmianError(`unknown command "${command}" (see banmian --help)`);
  }
}

async function parseCommand(args: string[], json: boolean, root: string): Promise<number> {
  if (args.length !== 1) throw new BanmianError('parse takes one page file or issue folder (see banmian --help)');
  const target = path.resolve(root, args[0]);
  if (!existsSync(target)) throw new BanmianError(`no such file or folder`, { file: args[0] });
  const { loadIssue, parsePageFile } = await import('../parse/index.js');
  const { outline } = await import('./outline.js');
  const { node, files } = statSync(target).isDirectory()
    ? await loadIssue(target, { root }).then((r) => ({ node: r.issue, files: r.files }))
    : await parsePageFile(target, { root }).then((r) => ({ node: r.page, files: [r.file] }));
  process.stdout.write(json ? JSON.stringify(node, null, 2) + '\n' : outline(node) + '\n');
  const { text } = formatDiagnostics(files);
  if (text) process.stderr.write(text + '\n');
  return 0;
}

async function checkCommand(args: string[], root: string): Promise<number> {
  const { loadIssue, loadIssues, parsePageFile, errorFile } = await import('../parse/index.js');
  const targets = args.length ? args : ['issues'];
  const files = [];
  // Every file is reported: a broken one is an error line, and checking goes on.
  for (const arg of targets) {
    const target = path.resolve(root, arg);
    try {
      if (!existsSync(target)) throw new BanmianError(`no such file or folder`, { file: arg });
      if (!statSync(target).isDirectory()) files.push((await parsePageFile(target, { root })).file);
      else if (existsSync(path.join(target, 'issue.yaml'))) files.push(...(await loadIssue(target, { root, keepGoing: true })).files);
      else files.push(...(await loadIssues(target, { root, keepGoing: true })).files);
    } catch (err) {
      if (!(err instanceof BanmianError)) throw err;
      files.push(errorFile(err, arg));
    }
  }
  const { text, counts } = formatDiagnostics(files);
  if (text) process.stdout.write(text + '\n');
  process.stdout.write(`${files.length} file(s): ${counts.errors} error(s), ${counts.warnings} warning(s), ${counts.infos} note(s)\n`);
  return counts.errors ? 1 : 0;
}
