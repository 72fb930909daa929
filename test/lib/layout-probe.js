// Loaded after the page by dashboard-states-chromium.sh: records on <body
// data-overflow> what does not fit the viewport (the page wider than the
// window, or a verdict, status or kept line past its right edge); "none" when
// everything fits.
window.addEventListener('load', function () {
  var w = document.documentElement.clientWidth, bad = [];
  if (document.documentElement.scrollWidth > w) bad.push('page:' + document.documentElement.scrollWidth);
  document.querySelectorAll('#variants .pill, table.runs .pill, #outcome, #kept').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5) bad.push((e.id || e.className) + ':' + Math.round(r.right));
  });
  document.body.setAttribute('data-overflow', bad.length ? bad.join(' ') : 'none');
});
