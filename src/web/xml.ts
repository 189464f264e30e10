const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** XML text and attribute escaping for the feed and the sitemap. */
export function escapeXml(s: string): string {
  // Most strings (every sitemap address) need nothing: one scan instead of six replaces.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 does not allow at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

/** A publication date as a timestamp: papers carry the date of Beijing time. */
export function issueTimestamp(date: string): string {
  return `${date}T00:00:00+08:00`;
}
