/**
 * The parser: page files → the newspaper AST (src/ast/types.ts).
 * See docs/markup.md for what editors can write, and each module for one concern:
 * decode (bytes → text), frontmatter, blocks (Markdown → blocks), patterns + infer
 * (roles), repair (column breaks, reading order), interview (问/答), normalize
 * (punctuation), tree (blocks → nodes), page (the stages of one page), plugin (the
 * unified plugins banmianParse / banmianNameFromFile, parsePage), issue (folders).
 */
export { decodePageBytes, type Decoded } from './decode.js';
export type { ParsePageOptions } from './page.js';
export { banmianParse, banmianNameFromFile, parsePage, parsePageBytes, type PageFileData } from './plugin.js';
export { parsePageFile, loadIssue, loadIssues, errorFile, PAGE_FILE, type LoadOptions } from './issue.js';
