// Every view: what a view needs from the rest of the archive is fetched, not written into
// its HTML, so that adding an issue leaves the older issues' views byte-identical.
// - The self-hosted font faces (assets/fonts.css, a fixed name; its rules change with the
//   site's characters) are switched on once the sheet has loaded: it never blocks the first
//   paint. Readers without scripts get it through a <noscript> link.
// - The date picker: the month calendar of the issue is built from archive/dates.json (the
//   days with an issue, by month) when the picker is opened; without scripts, or if the file
//   cannot be read, the picker's link to 往期回顾 (at the issue's month) is what it offers.
(function () {
  'use strict';
  var fonts = document.querySelectorAll('link[data-fonts]');
  for (var i = 0; i < fonts.length; i++) {
    var link = fonts[i];
    if (link.sheet) link.media = 'all';
    else link.addEventListener('load', function () { this.media = 'all'; });
  }

  var picker = document.querySelector('details.date-picker[data-dates]');
  if (!picker) return;
  var loading = null;
  function load() {
    if (loading) return loading;
    loading = fetch(picker.getAttribute('data-dates'))
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(calendar)
      .catch(function () {
        loading = null; // the link to 往期回顾 stays; try again on the next opening
      });
    return loading;
  }

  var WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The same table as templates/web/partials/calendar.hbs (往期回顾): a day with an issue is a link.
  function calendar(data) {
    var key = picker.getAttribute('data-month');
    var current = picker.getAttribute('data-current');
    var days = (data.months && data.months[key]) || [];
    var y = Number(key.slice(0, 4));
    var m = Number(key.slice(5, 7));
    var byDay = {};
    for (var d = 0; d < days.length; d++) byDay[days[d][0]] = days[d];
    var table = el('table', { class: 'calendar', id: 'm-' + key + '-picker' });
    table.appendChild(el('caption', {}, y + '年' + m + '月'));
    var head = el('tr', {});
    for (var w = 0; w < 7; w++) head.appendChild(el('th', { scope: 'col', abbr: '星期' + WEEKDAYS[w] }, WEEKDAYS[w]));
    table.appendChild(el('thead', {})).appendChild(head);
    var body = table.appendChild(el('tbody', {}));
    var first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    var count = new Date(Date.UTC(y, m, 0)).getUTCDate();
    var cells = Math.ceil((first + count) / 7) * 7;
    var row;
    for (var c = 0; c < cells; c++) {
      if (c % 7 === 0) row = body.appendChild(el('tr', {}));
      var td = row.appendChild(el('td', {}));
      var day = c - first + 1;
      if (day < 1 || day > count) continue;
      var issue = byDay[day];
      if (!issue) {
        td.appendChild(el('span', {}, String(day)));
        continue;
      }
      var a = el('a', { href: issue[1], 'aria-label': issue[2] }, String(day));
      if (issue[1] === current) a.setAttribute('aria-current', 'date');
      td.appendChild(a);
    }
    var panel = picker.querySelector('.date-picker-panel');
    panel.insertBefore(table, panel.firstChild);
  }

  picker.addEventListener('toggle', function () {
    if (picker.open) load();
  });
  if (picker.open) load();
})();
