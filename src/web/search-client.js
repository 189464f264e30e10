// The search page's script (the site's only script): exact search over the index that
// src/web/search.ts writes. Query runs of Han characters are phrases, Latin letters and
// digits whole words; every run must be in an article. Runs of 1–2 Han characters and
// words are answered exactly by the index; longer Han runs by the intersection of their
// bigrams, then checked in the article's own text (its view's [data-search-body]).
// The index (version 3, src/web/search.ts): a small manifest of segments only (key, date
// range, article count, sources hash, shard count), one shard per gram per segment, each segment's
// issue list in a file fetched only when the query has hits there, and each issue's
// headlines and URLs in a file of its own, fetched only for the articles shown or checked.
// Results and excerpts are built with textContent only: no article text becomes markup.
(function () {
  'use strict';
  var root = document.getElementById('search');
  var form = document.getElementById('search-form');
  if (!root || !form || !window.fetch) return;
  var base = root.getAttribute('data-base-url');
  var indexUrl = root.getAttribute('data-index');
  var indexBase = indexUrl.replace(/[^/]*$/, '');
  var statusEl = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var moreButton = document.getElementById('search-more');
  var HAN = /\p{Script=Han}/u;
  var WORD = /[\p{L}\p{N}\p{M}]/u;
  var BATCH = 20;
  var MAX_VERIFY = 200;
  var manifest = null;
  var shardCache = {};
  var textCache = {};
  var shown = [];
  var current = null;
  var run = 0;

  function normalize(s) {
    return s.normalize('NFKC').toLowerCase();
  }

  /** Han runs and words of a text, in order (src/web/search.ts splits the same way). */
  function runs(text) {
    var out = [];
    var cur = null;
    for (var ch of normalize(text)) {
      var han = HAN.test(ch);
      if (!han && !WORD.test(ch)) {
        cur = null;
        continue;
      }
      if (!cur || cur.han !== han) {
        cur = { han: han, text: '' };
        out.push(cur);
      }
      cur.text += ch;
    }
    return out;
  }

  function gramsOf(r) {
    if (!r.han) return [r.text];
    var chars = Array.from(r.text);
    if (chars.length === 1) return chars;
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  function shardOf(gram, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < gram.length; i++) {
      h ^= gram.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + url);
      return r.json();
    });
  }

  /**
   * The manifest (segments: date range, article count, shards, issue list hash) and,
   * derived from it, the first article number of each segment.
   */
  function loadManifest() {
    if (!manifest)
      manifest = getJson(indexUrl).then(function (m) {
        m.segBase = [];
        m.docIssue = {};
        m.docIndex = {};
        var n = 0;
        m.segments.forEach(function (seg) {
          m.segBase.push(n);
          n += seg.docs;
        });
        return m;
      });
    return manifest;
  }

  /** Does a segment's date range meet the query's? (Its shards are then not fetched.) */
  function segmentInRange(seg, p) {
    return (!p.from || seg.to >= p.from) && (!p.to || seg.from <= p.to);
  }

  function segmentOf(m, id) {
    var s = m.segBase.length - 1;
    while (m.segBase[s] > id) s--;
    return s;
  }

  /**
   * Fetches the issue lists of the segments holding `ids` (only those) and fills
   * m.docIssue / m.docIndex: the issue row [id, date, articles, documents hash] of each
   * article number and its index within the issue.
   */
  var issueLists = {};
  function loadIssuesOf(m, ids) {
    var wanted = {};
    ids.forEach(function (id) {
      wanted[segmentOf(m, id)] = true;
    });
    return Promise.all(
      Object.keys(wanted).map(function (key) {
        var s = Number(key);
        var seg = m.segments[s];
        var file = 'i/' + seg.key + '.' + seg.issues + '.json';
        if (!issueLists[file])
          issueLists[file] = getJson(indexBase + file).then(function (rows) {
            var id = m.segBase[s];
            rows.forEach(function (issue) {
              for (var i = 0; i < issue[2]; i++, id++) {
                m.docIssue[id] = issue;
                m.docIndex[id] = i;
              }
            });
          });
        return issueLists[file];
      }),
    );
  }

  /** Ascending article numbers with `gram`: one shard per segment in the date range. */
  function postings(m, gram, p) {
    return Promise.all(
      m.segments.map(function (seg, s) {
        if (!segmentInRange(seg, p)) return [];
        var n = shardOf(gram, seg.shards);
        var file = 's/' + seg.key + '/' + seg.src + '/' + n + '.json';
        if (!shardCache[file]) shardCache[file] = getJson(indexBase + file);
        return shardCache[file].then(function (shard) {
          var str = Object.prototype.hasOwnProperty.call(shard, gram) ? shard[gram] : null;
          if (!str) return [];
          var prev = 0;
          return str.split(',').map(function (g) {
            return m.segBase[s] + (prev += parseInt(g, 36));
          });
        });
      }),
    ).then(function (lists) {
      return [].concat.apply([], lists);
    });
  }

  /** An article's [page, page name, URL, headline], from its issue's documents file. */
  var docsCache = {};
  function docOf(m, id) {
    var issue = m.docIssue[id];
    var file = 'd/' + issue[0] + '.' + issue[3] + '.json';
    if (!docsCache[file]) docsCache[file] = getJson(indexBase + file);
    return docsCache[file].then(function (docs) {
      return docs[m.docIndex[id]];
    });
  }

  function intersect(a, b) {
    var set = new Set(b);
    return a.filter(function (x) {
      return set.has(x);
    });
  }

  /** The article view's text (what the reader sees), normalised. */
  function articleText(doc) {
    var url = base + doc[2];
    if (!textCache[url])
      textCache[url] = fetch(url)
        .then(function (r) {
          return r.text();
        })
        .then(function (html) {
          var body = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-search-body]');
          return body ? body.textContent : '';
        });
    return textCache[url];
  }

  function count(hay, needle) {
    var n = 0;
    for (var i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
    return n;
  }

  /** Whole-word occurrence of a Latin/digit run in normalised text. */
  function hasWord(text, word) {
    return runs(text).some(function (r) {
      return !r.han && r.text === word;
    });
  }

  async function limited(items, n, fn) {
    var next = 0;
    async function worker() {
      while (next < items.length) {
        var i = next++;
        await fn(items[i], i);
      }
    }
    var workers = [];
    for (var k = 0; k < Math.min(n, items.length); k++) workers.push(worker());
    await Promise.all(workers);
  }

  function params() {
    var p = new URLSearchParams(location.search);
    return { q: p.get('q') || '', sort: p.get('sort') === 'date' ? 'date' : 'relevance', from: p.get('from') || '', to: p.get('to') || '', ban: p.get('ban') || '' };
  }

  function fill(p) {
    form.elements.q.value = p.q;
    form.elements.sort.value = p.sort;
    form.elements.from.value = p.from;
    form.elements.to.value = p.to;
    form.elements.ban.value = p.ban;
  }

  function say(text) {
    statusEl.textContent = text;
  }

  async function search(p) {
    var mine = ++run;
    list.textContent = '';
    moreButton.hidden = true;
    shown = [];
    var qRuns = runs(p.q);
    if (!qRuns.length) {
      say(p.q ? '请输入汉字、字母或数字。' : '');
      return;
    }
    say('正在检索……');
    var m = await loadManifest();
    var qGrams = qRuns.flatMap(gramsOf);
    var lists = await Promise.all(
      qGrams.concat(p.ban ? ['@' + p.ban] : []).map(function (g) {
        return postings(m, g, p);
      }),
    );
    // Headline grams (#…), for relevance: a run counts as in the headline when all its grams are.
    var titleLists = p.sort === 'relevance'
      ? await Promise.all(
          qRuns.map(function (r) {
            return Promise.all(
              gramsOf(r).map(function (g) {
                return postings(m, '#' + g, p);
              }),
            ).then(function (ls) {
              return ls.reduce(function (acc, l) {
                return acc === null ? l : intersect(acc, l);
              }, null);
            });
          }),
        )
      : [];
    if (mine !== run) return;
    var ids = lists.reduce(function (acc, l) {
      return acc === null ? l : intersect(acc, l);
    }, null);
    await loadIssuesOf(m, ids);
    if (mine !== run) return;
    ids = ids.filter(function (id) {
      var date = m.docIssue[id][1];
      return (!p.from || date >= p.from) && (!p.to || date <= p.to);
    });
    // Newest first: article numbers grow with the issue date.
    ids.sort(function (a, b) {
      return b - a;
    });
    var needsCheck = qRuns.some(function (r) {
      return r.han && Array.from(r.text).length > 2;
    });
    var capped = false;
    var hits = ids.map(function (id) {
      return { id: id, doc: null, text: null, score: 0 };
    });
    if (needsCheck) {
      if (hits.length > MAX_VERIFY) {
        hits = hits.slice(0, MAX_VERIFY);
        capped = true;
      }
      await limited(hits, 6, async function (h) {
        h.doc = await docOf(m, h.id);
        h.text = normalize(await articleText(h.doc));
      });
      if (mine !== run) return;
      hits = hits.filter(function (h) {
        return qRuns.every(function (r) {
          return r.han ? h.text.indexOf(r.text) >= 0 : hasWord(h.text, r.text);
        });
      });
    }
    var titleSets = titleLists.map(function (l) {
      return new Set(l);
    });
    hits.forEach(function (h) {
      var inTitle = titleSets.filter(function (set) {
        return set.has(h.id);
      }).length;
      var inText = h.text
        ? qRuns.reduce(function (n, r) {
            return n + count(h.text, r.text);
          }, 0)
        : 0;
      h.score = inTitle * 1000 + Math.min(inText, 999);
    });
    if (p.sort === 'relevance')
      hits.sort(function (a, b) {
        return b.score - a.score || b.id - a.id;
      });
    current = { p: p, runs: qRuns, hits: hits, m: m };
    var q = p.q.trim();
    if (!hits.length) say('没有找到含“' + q + '”的文章。');
    else say((capped ? '最新的' + MAX_VERIFY + '篇候选中有' : '找到') + ' ' + hits.length + ' 篇含“' + q + '”的文章' + (p.sort === 'date' ? '（按日期排序）' : '（按相关度排序）') + '。');
    await showMore(mine);
  }

  async function showMore(mine) {
    var batch = current.hits.slice(shown.length, shown.length + BATCH);
    await limited(batch, 6, async function (h) {
      if (!h.doc) h.doc = await docOf(current.m, h.id);
      if (h.text === null) h.text = normalize(await articleText(h.doc));
    });
    if (mine !== run) return;
    batch.forEach(function (h) {
      list.appendChild(resultItem(h));
      shown.push(h);
    });
    moreButton.hidden = shown.length >= current.hits.length;
  }

  /**
   * Appends `text` to `el` with every query run in it wrapped in <mark>. Matching runs on
   * the normalised text, mapped back character by character (NFKC may change lengths:
   * … becomes ...).
   */
  /** The normalised text and, for each of its offsets, the offset in `text`. */
  function normMap(text) {
    var norm = '';
    var from = [];
    var i = 0;
    for (var ch of text) {
      var n = normalize(ch);
      for (var k = 0; k < n.length; k++) from.push(i);
      norm += n;
      i += ch.length;
    }
    from.push(text.length);
    return { norm: norm, from: from };
  }

  function marked(el, text) {
    var map = normMap(text);
    var norm = map.norm;
    var from = map.from;
    var needles = current.runs.map(function (r) { return r.text; });
    var at = 0; // in norm
    var out = 0; // in text
    while (at < norm.length) {
      var best = -1;
      var len = 0;
      needles.forEach(function (nd) {
        var j = norm.indexOf(nd, at);
        if (j >= 0 && (best < 0 || j < best)) {
          best = j;
          len = nd.length;
        }
      });
      if (best < 0) break;
      var start = from[best];
      var end = from[best + len];
      if (start > out) el.appendChild(document.createTextNode(text.slice(out, start)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(start, end);
      el.appendChild(mark);
      out = end;
      at = best + len;
    }
    if (out < text.length) el.appendChild(document.createTextNode(text.slice(out)));
    return el;
  }

  /** About 120 characters around the first match, starting after a sentence end when one is near. */
  function excerptOf(text) {
    var flat = text.replace(/\s+/g, ' ').trim();
    var map = normMap(flat);
    var at = -1;
    current.runs.forEach(function (r) {
      var i = map.norm.indexOf(r.text);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    at = at < 0 ? 0 : map.from[at];
    var stop = Math.max(flat.lastIndexOf('。', at), flat.lastIndexOf('！', at), flat.lastIndexOf('？', at));
    if (stop >= 0 && at - stop <= 40) {
      var start0 = stop + 1;
      var end0 = Math.min(flat.length, start0 + 120);
      return (start0 > 0 ? '……' : '') + flat.slice(start0, end0) + (end0 < flat.length ? '……' : '');
    }
    var start = Math.max(0, at - 30);
    var end = Math.min(flat.length, at + 90);
    return (start > 0 ? '……' : '') + flat.slice(start, end) + (end < flat.length ? '……' : '');
  }

  function resultItem(h) {
    var m = current.m;
    var doc = h.doc;
    var issue = m.docIssue[h.id];
    var li = document.createElement('li');
    li.className = 'search-hit';
    var h2 = document.createElement('h2');
    var a = document.createElement('a');
    a.href = base + doc[2];
    marked(a, doc[3]);
    h2.appendChild(a);
    li.appendChild(h2);
    var meta = document.createElement('p');
    meta.className = 'hit-meta';
    var d = issue[1].split('-');
    var time = document.createElement('time');
    time.dateTime = issue[1];
    time.textContent = Number(d[0]) + '年' + Number(d[1]) + '月' + Number(d[2]) + '日';
    meta.appendChild(time);
    var name = doc[1];
    meta.appendChild(document.createTextNode(' 第' + String(doc[0]).padStart(2, '0') + '版' + (name ? '：' + name : '')));
    li.appendChild(meta);
    var ex = document.createElement('p');
    ex.className = 'hit-excerpt';
    textCache[base + doc[2]].then(function (raw) {
      marked(ex, excerptOf(raw));
    });
    li.appendChild(ex);
    return li;
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var data = new FormData(form);
    var p = { q: String(data.get('q') || ''), sort: String(data.get('sort')), from: String(data.get('from') || ''), to: String(data.get('to') || ''), ban: String(data.get('ban') || '') };
    var u = new URLSearchParams();
    Object.keys(p).forEach(function (k) {
      if (p[k]) u.set(k, p[k]);
    });
    history.replaceState(null, '', '?' + u.toString());
    search(p).catch(fail);
  });
  moreButton.addEventListener('click', function () {
    showMore(run).catch(fail);
  });
  function fail(err) {
    say('检索出错：' + (err && err.message ? err.message : String(err)));
  }
  var initial = params();
  fill(initial);
  if (initial.q) search(initial).catch(fail);
})();
