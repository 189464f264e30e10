// Page view: zoom the page image (1×, 2×, 3×) with buttons or the + and − keys. The image
// and its hot areas (an SVG over it with the same box) grow together inside a scrolling
// frame, so a zoomed page pans by scrolling or dragging and every hot area still opens
// its article. `sizes` follows the zoom so the browser fetches a wider copy from srcset.
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
  var zoom = 1;
  controls.hidden = false;

  function set(z, cx, cy) {
    z = Math.max(1, Math.min(3, z));
    if (z === zoom) return;
    // Keep the point under (cx, cy) — or the frame's centre — in place.
    var rect = frame.getBoundingClientRect();
    var px = cx === undefined ? rect.width / 2 : cx - rect.left;
    var py = cy === undefined ? rect.height / 2 : cy - rect.top;
    var fx = (frame.scrollLeft + px) / image.offsetWidth;
    var fy = (frame.scrollTop + py) / image.offsetHeight;
    zoom = z;
    frame.classList.toggle('zoomed', z > 1);
    image.style.width = z * 100 + '%';
    var sizes = Math.round(frame.clientWidth * z) + 'px';
    for (var i = 0; i < sources.length; i++) sources[i].sizes = sizes;
    if (img) img.sizes = sizes;
    frame.scrollLeft = fx * image.offsetWidth - px;
    frame.scrollTop = fy * image.offsetHeight - py;
    level.textContent = z * 100 + '%';
    zoomIn.disabled = z >= 3;
    zoomOut.disabled = z <= 1;
  }
  function step(d, cx, cy) {
    var i = LEVELS.indexOf(zoom);
    set(LEVELS[Math.max(0, Math.min(LEVELS.length - 1, i + d))], cx, cy);
  }
  zoomIn.addEventListener('click', function () { step(1); });
  zoomOut.addEventListener('click', function () { step(-1); });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === '+' || e.key === '=') { step(1); e.preventDefault(); }
    else if (e.key === '-' || e.key === '_') { step(-1); e.preventDefault(); }
  });
  // Drag to pan with a mouse (touch pans by scrolling); a drag does not open a hot area.
  var drag = null;
  frame.addEventListener('pointerdown', function (e) {
    if (zoom === 1 || e.pointerType !== 'mouse') return;
    drag = { x: e.clientX, y: e.clientY, left: frame.scrollLeft, top: frame.scrollTop, moved: false };
  });
  window.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x;
    var dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    frame.scrollLeft = drag.left - dx;
    frame.scrollTop = drag.top - dy;
  });
  window.addEventListener('pointerup', function () {
    var d = drag;
    drag = null;
    if (d && d.moved) frame.addEventListener('click', function stop(ev) { ev.preventDefault(); ev.stopPropagation(); }, { capture: true, once: true });
  });
})();
