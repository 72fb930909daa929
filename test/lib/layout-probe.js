// Loaded after the page by dashboard-states-chromium.sh: records on <body
// data-overflow> what does not fit the viewport (the page wider than the
// window, a verdict, status or kept line past its right edge, or a status
// pill broken over two lines, "ke / pt", or a table that scrolls sideways);
// "none" when everything fits.
window.addEventListener('load', function () {
  var w = document.documentElement.clientWidth, bad = [];
  if (document.documentElement.scrollWidth > w) bad.push('page:' + document.documentElement.scrollWidth);
  document.querySelectorAll('#variants .pill, table.runs .pill, #outcome, #kept').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5) bad.push((e.id || e.className) + ':' + Math.round(r.right));
  });
  document.querySelectorAll('.table-wrap').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) bad.push('scrolls ' + (e.firstElementChild ? e.firstElementChild.className : 'table') + ':' + e.scrollWidth);
  });
  document.querySelectorAll('#variants .pill, table.runs .pill').forEach(function (e) {
    if (e.getClientRects().length > 1 || e.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(e).fontSize))
      bad.push('wrapped ' + e.className + ':' + e.textContent);
  });
  document.body.setAttribute('data-overflow', bad.length ? bad.join(' ') : 'none');
});
