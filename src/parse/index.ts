/**
 * The parser: page files → the newspaper AST (src/ast/types.ts).
 * See docs/markup.md for what editors can write, and each module for one concern:
 * decode (bytes → text), frontmatter, blocks (Markdown → blocks), patterns + infer
 * (roles), repair (column breaks, reading order), interview (问/答), normalize
 * (punctuation), tree (blocks → nodes), page (parsePage), issue (folders).
 */
export { decodePageBytes, type DecodeWarning, type Decoded } from './decode.js';
export { parsePage, type ParsePageOptions } from './page.js';
export { parsePageFile, loadIssue, loadIssues, errorFile, PAGE_FILE, type LoadOptions } from './issue.js';
