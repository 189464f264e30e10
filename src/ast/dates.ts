/** Dates as a Chinese newspaper prints them: weekday and lunar date (农历). */
export const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** `2026年11月20日`, `星期五`, `丙午年十月十二` for an ISO date. */
export function issueDateText(date: string): { date: string; weekday: string; lunar: string } {
  const [y, m, d] = date.split('-').map(Number);
  return { date: `${y}年${m}月${d}日`, weekday: WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? '', lunar: lunarDate(y, m, d) };
}

const LUNAR_DAYS = ['初一', '初二', '初三', '初四', '初五', '初六', '初七', '初八', '初九', '初十'];

export function lunarDate(y: number, m: number, d: number): string {
  try {
    const parts = new Intl.DateTimeFormat('zh-CN-u-ca-chinese', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).formatToParts(
      new Date(Date.UTC(y, m - 1, d, 12)),
    );
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
    const day = Number(get('day'));
    if (!get('yearName') || !get('month') || !day) return '';
    return `${get('yearName')}年${get('month')}${lunarDay(day)}`;
  } catch {
    // A Node built without the Chinese calendar (small-icu): the date line goes without 农历.
    return '';
  }
}

function lunarDay(n: number): string {
  if (n <= 10) return LUNAR_DAYS[n - 1];
  if (n < 20) return `十${'一二三四五六七八九'[n - 11]}`;
  if (n === 20) return '二十';
  if (n < 30) return `廿${'一二三四五六七八九'[n - 21]}`;
  return '三十';
}
