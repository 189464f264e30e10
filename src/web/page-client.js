// Page view: zoom the page image from 100% to 300% with the buttons, the + and − keys, a
// two-finger pinch or ctrl + wheel (a trackpad pinch). The image and its hot areas (an SVG
// over it with the same box) grow together inside a scrolling frame, so a zoomed page pans
// by scrolling or dragging and every hot area still opens its article. `sizes` follows the
// zoom once a gesture ends, so the browser fetches a wider copy from srcset only then: a
// phone that never zooms never downloads the large copy.
(function () {
  'use strict';
  var frame = document.querySelector('.page-zoom');
  var controls = document.querySelector('.zoom-controls');
  if (!frame || !controls) return;
  var image = frame.querySelector('.page-image');
  var img = frame.querySelector('img');
  var sources = frame.querySelectorAll('source[sizes]');
  var level = controls.querySelector('output');
  var zoomIn = controls.querySelector('[data-zoom="in"]');
  var zoomOut = controls.querySelector('[data-zoom="out"]');
  var LEVELS = [1, 2, 3];
  var MIN = 1;
  var MAX = 3;
  var zoom = 1;
  controls.hidden = false;

  // The width the image is shown at, in CSS px: the browser picks the srcset copy for it.
  function setSizes() {
    var sizes = Math.round(frame.clientWidth * zoom) + 'px';
    for (var i = 0; i < sources.length; i++) sources[i].sizes = sizes;
    if (img) img.sizes = sizes;
  }

  // Zoom to z, keeping the point under (cx, cy) — or the frame's centre — in place.
  function set(z, cx, cy, live) {
    z = Math.max(MIN, Math.min(MAX, Math.round(z * 100) / 100));
    if (z === zoom) return;
    var rect = frame.getBoundingClientRect();
    var px = cx === undefined ? rect.width / 2 : cx - rect.left;
    var py = cy === undefined ? rect.height / 2 : cy - rect.top;
    var fx = (frame.scrollLeft + px) / image.offsetWidth;
    var fy = (frame.scrollTop + py) / image.offsetHeight;
    zoom = z;
    frame.classList.toggle('zoomed', z > 1);
    image.style.width = z * 100 + '%';
    if (!live) setSizes();
    frame.scrollLeft = fx * image.offsetWidth - px;
    frame.scrollTop = fy * image.offsetHeight - py;
    level.textContent = Math.round(z * 100) + '%';
    zoomIn.disabled = z >= MAX;
    zoomOut.disabled = z <= MIN;
  }
  // The next level up or down from the current zoom (which a pinch may leave between levels).
  function step(d, cx, cy) {
    var next = zoom;
    if (d > 0) for (var i = 0; i < LEVELS.length; i++) { if (LEVELS[i] > zoom + 0.01) { next = LEVELS[i]; break; } }
    else for (var j = LEVELS.length - 1; j >= 0; j--) { if (LEVELS[j] < zoom - 0.01) { next = LEVELS[j]; break; } }
    set(next, cx, cy);
  }
  zoomIn.addEventListener('click', function () { step(1); });
  zoomOut.addEventListener('click', function () { step(-1); });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === '+' || e.key === '=') { step(1); e.preventDefault(); }
    else if (e.key === '-' || e.key === '_') { step(-1); e.preventDefault(); }
  });
  // ctrl + wheel (what a trackpad pinch sends): zoom the page image, not the whole page.
  var wheelEnd = 0;
  frame.addEventListener('wheel', function (e) {
    if (!e.ctrlKey) return;
    e.preventDefault();
    set(zoom * Math.exp(-e.deltaY / 200), e.clientX, e.clientY, true);
    clearTimeout(wheelEnd);
    wheelEnd = setTimeout(setSizes, 200);
  }, { passive: false });

  // Pointers on the frame: a mouse drags a zoomed page; two fingers pinch (one finger pans
  // by scrolling, as `touch-action: pan-x pan-y` leaves to the browser).
  var touches = {};
  var pinch = null;
  var drag = null;
  function distance() {
    var ids = Object.keys(touches);
    var a = touches[ids[0]];
    var b = touches[ids[1]];
    return { d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  frame.addEventListener('pointerdown', function (e) {
    if (e.pointerType === 'touch') {
      touches[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (Object.keys(touches).length === 2) {
        var m = distance();
        pinch = { d: m.d, zoom: zoom };
      }
      return;
    }
    if (zoom === 1 || e.pointerType !== 'mouse') return;
    drag = { x: e.clientX, y: e.clientY, left: frame.scrollLeft, top: frame.scrollTop, moved: false };
  });
  window.addEventListener('pointermove', function (e) {
    if (touches[e.pointerId]) {
      touches[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (pinch && Object.keys(touches).length === 2) {
        var m = distance();
        set(pinch.zoom * (m.d / pinch.d), m.x, m.y, true);
      }
      return;
    }
    if (!drag) return;
    var dx = e.clientX - drag.x;
    var dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    frame.scrollLeft = drag.left - dx;
    frame.scrollTop = drag.top - dy;
  });
  function lift(e) {
    if (touches[e.pointerId]) {
      delete touches[e.pointerId];
      // A pinch ends with its first lifted finger; the browser then fetches the copy for the new width.
      if (pinch) {
        pinch = null;
        setSizes();
      }
      return;
    }
    var d = drag;
    drag = null;
    if (d && d.moved) frame.addEventListener('click', function stop(ev) { ev.preventDefault(); ev.stopPropagation(); }, { capture: true, once: true });
  }
  window.addEventListener('pointerup', lift);
  window.addEventListener('pointercancel', lift);
})();
